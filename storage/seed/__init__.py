"""First-start data: the shipped survey forms and the reference threshold values.

Every seeder is idempotent. Forms are added when missing. The reference values are kept in line
with the shipped table at every start: a database seeded from an older table gets the new rows,
rows whose content changed are updated (their earlier content kept in `threshold_revisions`),
rows the table no longer has are retired (never served, never deleted), and values that were
imported or reported in the survey are not touched. A digest of the table (and of the tier table
and the normalization version) makes the check one query when nothing changed.
"""

from __future__ import annotations

import hashlib
import logging
from collections import defaultdict, deque
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import register_seeder
from storage.models import ReviewStatus, SurveyForm, utcnow
from storage.repositories.surveys import SurveyRepository
from storage.repositories.thresholds import RECORD_COLUMNS, REFERENCE, ThresholdRepository, source_key

log = logging.getLogger(__name__)

FORMS_DIR = Path(__file__).resolve().parent.parent / "forms"
REFERENCE_THRESHOLDS = Path(__file__).resolve().parent / "reference_thresholds.csv"
SEED_NAME = "reference_thresholds"
FORMS_SEED_NAME = "shipped_forms"
# Bump when `normalize_row` reads rows differently: running databases are brought in line at next start.
NORMALIZATION_VERSION = "2026-11-30.2 tiers, conditions, TEQ units, trigger and action value types"
# Another number than the migration lock: several processes starting together sync the seed once.
_SEED_LOCK = 4_170_002
# Changes that are bookkeeping, not content: not worth a revision.
_QUIET_COLUMNS = {"row_number"}
# Who is offered each shipped form (roles, comma-separated); coordinators see every form.
SHIPPED_FORMS = {
    "threshold_survey.xlsx": "focal_point,member",
    "lab_sop_survey.xlsx": "lab",
}


async def seed_forms(session: AsyncSession) -> None:
    """Publish the shipped XLSForms that are not in the database yet.

    Files already published as they are now (their digest is remembered) are not parsed again: parsing needs
    pyxform, about 30 MB that a bot process would otherwise carry for good (README, Benchmarks: memory).
    """
    digest = hashlib.sha256()
    for filename, audience in sorted(SHIPPED_FORMS.items()):
        digest.update(f"{filename}\0{audience}\0".encode())
        digest.update((FORMS_DIR / filename).read_bytes())
    async with session.begin():
        repo = SurveyRepository(session)
        seeds = ThresholdRepository(session)
        published = set(
            await session.scalars(
                select(SurveyForm.source_name).where(SurveyForm.source_name.in_(list(SHIPPED_FORMS))).distinct()
            )
        )
        if await seeds.seed_digest(FORMS_SEED_NAME) == digest.hexdigest() and published == set(SHIPPED_FORMS):
            return
        from bot.survey import load_form  # the engine parses the file; storage only keeps the result

        for filename, audience in SHIPPED_FORMS.items():
            form = load_form(FORMS_DIR / filename)
            if await repo.form_version(form.form_id, form.version) is None:
                await repo.publish(form.form_id, form.version, form.title, form.to_dict(), audience, filename, None)
                log.info("published %s version %s", form.form_id, form.version)
        await seeds.set_seed_digest(FORMS_SEED_NAME, digest.hexdigest())


@dataclass
class SeedReport:
    """What bringing the reference values in line with the table did."""

    added: int = 0
    updated: int = 0
    retired: int = 0
    restored: int = 0
    unchanged: int = 0
    served_as_other_origin: int = 0


def reference_digest(path: Path = REFERENCE_THRESHOLDS) -> str:
    """Changes whenever the table, the tier table or the way rows are normalized changes."""
    from bot.lookup.tiers import TIER_TABLE

    digest = hashlib.sha256(NORMALIZATION_VERSION.encode())
    for file in (path, TIER_TABLE):
        digest.update(Path(file).read_bytes())
    return digest.hexdigest()


async def sync_reference_thresholds(session: AsyncSession, path: Path = REFERENCE_THRESHOLDS) -> SeedReport | None:
    """Bring the reference rows in line with the shipped table; None when they already were."""
    from bot.lookup import read_thresholds_csv

    digest = reference_digest(path)
    async with session.begin():
        if session.bind.dialect.name == "postgresql":
            await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _SEED_LOCK})
        repo = ThresholdRepository(session)
        if await repo.seed_digest(SEED_NAME) == digest:
            return None
        report = await _sync(repo, read_thresholds_csv(path), digest)
        await repo.set_seed_digest(SEED_NAME, digest)
    return report


async def _sync(repo: ThresholdRepository, records, digest: str) -> SeedReport:
    from bot.lookup.records import identity_key

    report = SeedReport()
    now = utcnow()
    seed, seen = [], set()
    for record in records:
        data = record.to_dict()
        key = source_key(data)
        if key not in seen:
            seen.add(key)
            seed.append((data, key, identity_key(record)))
    stored = await repo.reference_rows()
    # The same content first, then the same identity (in table order when several rows share one).
    by_key = {row.source_key: row for row in stored}
    pairs, waiting, used = [], [], set()
    for item in seed:
        row = by_key.get(item[1])
        if row is not None:
            pairs.append((row, item))
            used.add(row.id)
        else:
            waiting.append(item)
    groups: dict[str | None, deque] = defaultdict(deque)
    for row in stored:
        if row.id not in used:
            groups[_stored_identity(row)].append(row)
    unpaired = []
    for item in waiting:
        group = groups.get(item[2])
        if group:
            row = group.popleft()
            pairs.append((row, item))
            used.add(row.id)
        else:
            unpaired.append(item)
    elsewhere = await repo.other_origin_keys(item[1] for item in seed)

    for row, (data, key, identity) in pairs:
        if row.source_key != key and key in elsewhere:
            # The new content is already served as an imported or reported value: serve it once.
            _retire(repo, row, digest, now, report)
            report.served_as_other_origin += 1
            continue
        changes = {
            column: getattr(row, column)
            for column in RECORD_COLUMNS
            if column not in _QUIET_COLUMNS and getattr(row, column) != data.get(column)
        }
        was_retired = row.retired_at is not None
        if changes:
            repo.add_revision(row.id, "updated", _jsonable(changes | {"source_key": row.source_key}), digest)
            report.updated += 1
        for column in RECORD_COLUMNS:
            setattr(row, column, data.get(column))
        row.source_key, row.seed_key = key, identity
        if was_retired:
            repo.add_revision(row.id, "restored", {"retired_at": row.retired_at.isoformat()}, digest)
            row.retired_at = None
            report.restored += 1
        if changes or was_retired:
            row.updated_at = now
        else:
            report.unchanged += 1
    for row in stored:
        if row.id not in used and row.retired_at is None:
            _retire(repo, row, digest, now, report)
    await repo.session.flush()
    rows = []
    for data, key, identity in unpaired:
        if key in elsewhere:
            report.served_as_other_origin += 1
            continue
        rows.append(
            {column: data.get(column) for column in RECORD_COLUMNS}
            | {
                "source_key": key,
                "seed_key": identity,
                "origin": REFERENCE,
                "review_status": ReviewStatus.APPROVED,
                "submission_id": None,
                "created_at": now,
                "updated_at": now,
            }
        )
    await repo.insert_rows(rows)
    report.added = len(rows)
    return report


def _stored_identity(row) -> str | None:
    """A stored row's identity, read again from its original wording with today's normalization."""
    from bot.lookup.records import RowError, identity_key, normalize_row, original_row

    try:
        return identity_key(
            normalize_row(
                original_row({column: getattr(row, column) for column in RECORD_COLUMNS}), row.row_number or 0
            )
        )
    except RowError:
        return None  # a row today's rules cannot read matches nothing, so it is retired


def _retire(repo: ThresholdRepository, row, digest: str, now, report: SeedReport) -> None:
    repo.add_revision(row.id, "retired", {"retired_at": None}, digest)
    row.retired_at = now
    row.updated_at = now
    report.retired += 1


def _jsonable(values: dict) -> dict:
    return {key: value.isoformat() if hasattr(value, "isoformat") else value for key, value in values.items()}


async def seed_reference_thresholds(session: AsyncSession) -> None:
    """Keep the verified reference values (with their citations) in line with the shipped table."""
    report = await sync_reference_thresholds(session)
    if report is not None:
        log.info(
            "reference threshold values: %d added, %d updated, %d retired, %d restored, %d unchanged",
            report.added,
            report.updated,
            report.retired,
            report.restored,
            report.unchanged,
        )


register_seeder("forms", seed_forms)
register_seeder("reference_thresholds", seed_reference_thresholds)
