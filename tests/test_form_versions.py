"""A deployment answering the first form versions gets the new ones next to them: old drafts stay answerable."""

from __future__ import annotations

from sqlalchemy import select

from bot.survey import answer, current_prompt, load_form, start
from bot.survey.form import Form
from storage.db import create_engine, create_sessionmaker, ensure_database
from storage.models import SurveyForm
from storage.repositories.surveys import SurveyRepository
from storage.seed import FORMS_DIR, seed_forms


async def test_seeding_publishes_the_new_versions_next_to_the_first_ones(tmp_path):
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'versions.db'}")
    try:
        await ensure_database(engine)  # migrations and the shipped forms (the new versions)
        sessionmaker = create_sessionmaker(engine)
        async with sessionmaker() as session, session.begin():
            await session.execute(SurveyForm.__table__.delete())
            repo = SurveyRepository(session)
            # A deployment of last year: only the first versions are published.
            for name, audience in (
                ("threshold_survey_2025060101.xlsx", "focal_point,member"),
                ("lab_sop_survey_2025060101.xlsx", "lab"),
            ):
                first = load_form(FORMS_DIR / "previous" / name)
                await repo.publish(first.form_id, first.version, first.title, first.to_dict(), audience, name, None)
        async with sessionmaker() as session:
            old = await session.scalar(select(SurveyForm).where(SurveyForm.form_id == "insop_thresholds"))
        await seed_forms(sessionmaker())
        async with sessionmaker() as session:
            rows = list(await session.scalars(select(SurveyForm).order_by(SurveyForm.id)))
        versions = {(row.form_id, row.version): row.is_current for row in rows}
        assert versions == {
            ("insop_thresholds", "2025060101"): False,
            ("insop_lab_sop", "2025060101"): False,
            ("insop_thresholds", "2026113004"): True,
            ("insop_lab_sop", "2026113004"): True,
        }
        # A draft of the first version goes on with that version's questions.
        form = Form.from_dict(old.definition)
        state = start(form, "en")
        state = answer(form, state, None).state  # the intro
        state = answer(form, state, "Kenya").state
        assert current_prompt(form, state, "en").question == "role"
    finally:
        await engine.dispose()
