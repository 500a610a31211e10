"""Shared fixtures for lookup engine tests: the seed table, its index and the vocabulary."""

import gettext
from pathlib import Path

import pytest

from bot.lookup import build_index, default_vocabulary
from bot.lookup.records import read_thresholds_csv

# Read the file directly: storage.seed's package imports the database layer.
SEED_THRESHOLDS_CSV = Path(__file__).resolve().parents[2] / "storage" / "seed" / "reference_thresholds.csv"


@pytest.fixture(scope="session")
def seed_records():
    """Every record of the shipped reference table."""
    return read_thresholds_csv(SEED_THRESHOLDS_CSV)


@pytest.fixture(scope="session")
def vocabulary():
    """The full vocabulary, built once for the test session."""
    return default_vocabulary()


@pytest.fixture(scope="session")
def index(seed_records):
    """Index over the shipped reference table."""
    return build_index(seed_records)


@pytest.fixture()
def tr():
    """Untranslated catalog: messages come back in English."""
    return gettext.NullTranslations()
