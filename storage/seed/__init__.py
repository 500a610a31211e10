"""First-start data: the shipped survey forms and the reference threshold values.

Every seeder is idempotent: it adds only what the database does not have yet.
"""

from __future__ import annotations

import logging
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import register_seeder
from storage.repositories.surveys import SurveyRepository
from storage.repositories.thresholds import ThresholdRepository

log = logging.getLogger(__name__)

FORMS_DIR = Path(__file__).resolve().parent.parent / "forms"
REFERENCE_THRESHOLDS = Path(__file__).resolve().parent / "reference_thresholds.csv"
# Who is offered each shipped form (roles, comma-separated); coordinators see every form.
SHIPPED_FORMS = {
    "threshold_survey.xlsx": "focal_point,member",
    "lab_sop_survey.xlsx": "lab",
}


async def seed_forms(session: AsyncSession) -> None:
    """Publish the shipped XLSForms that are not in the database yet."""
    from bot.survey import load_form  # the engine parses the file; storage only keeps the result

    async with session.begin():
        repo = SurveyRepository(session)
        for filename, audience in SHIPPED_FORMS.items():
            form = load_form(FORMS_DIR / filename)
            if await repo.form_version(form.form_id, form.version) is None:
                await repo.publish(form.form_id, form.version, form.title, form.to_dict(), audience, filename, None)
                log.info("published %s version %s", form.form_id, form.version)


async def seed_reference_thresholds(session: AsyncSession) -> None:
    """Import the verified reference values (with their citations) into an empty database."""
    from bot.lookup import read_thresholds_csv

    async with session.begin():
        repo = ThresholdRepository(session)
        if await repo.count(origin="reference"):
            return
        records = [record.to_dict() for record in read_thresholds_csv(REFERENCE_THRESHOLDS)]
        added, _present = await repo.add_records(records, origin="reference")
        log.info("imported %d reference threshold values", added)


register_seeder("forms", seed_forms)
register_seeder("reference_thresholds", seed_reference_thresholds)
