"""Countries to FAO Global Soil Partnership regions, read from `storage/seed/gsp_regions.csv`."""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

# Found by path, not by importing storage.seed, which pulls in SQLAlchemy.
REGIONS_CSV = Path(__file__).resolve().parents[2] / "storage" / "seed" / "gsp_regions.csv"
# The order coordinators see in tables and charts; ids match the CSV's `region` column.
REGIONS: tuple[str, ...] = (
    "africa",
    "asia",
    "europe",
    "eurasia",
    "latin_america_caribbean",
    "near_east_north_africa",
    "north_america",
    "pacific",
)


def load_regions(path: str | Path | None = None) -> dict[str, str]:
    """Read the ISO 3166-1 alpha-2 code -> GSP region id table (upper-case codes)."""
    if path is None:
        return dict(_default_regions())
    return _read_regions(Path(path))


@lru_cache(maxsize=1)
def _default_regions() -> dict[str, str]:
    return _read_regions(REGIONS_CSV)


def _read_regions(path: Path) -> dict[str, str]:
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    table: dict[str, str] = {}
    for line, row in enumerate(rows, start=2):
        code = (row.get("iso2") or "").strip().upper()
        region = (row.get("region") or "").strip()
        if not code:
            continue
        if region not in REGIONS:
            raise ValueError(f"{path.name} line {line}: unknown region {region!r} for {code}")
        table[code] = region
    return table


def region_of(iso2: str | None, regions: dict[str, str] | None = None) -> str | None:
    """The GSP region id of a country code, or None for a code the table does not know."""
    if not iso2:
        return None
    table = regions if regions is not None else _default_regions()
    return table.get(iso2.strip().upper())


def region_label(region: str, tr) -> str:
    """The region's name in the coordinator's language (unknown ids are shown as they are)."""
    _ = tr.gettext
    labels = {
        "africa": _("Africa"),
        "asia": _("Asia"),
        "europe": _("Europe"),
        "eurasia": _("Eurasia"),
        "latin_america_caribbean": _("Latin America and the Caribbean"),
        "near_east_north_africa": _("Near East and North Africa"),
        "north_america": _("North America"),
        "pacific": _("Pacific"),
    }
    return labels.get(region, region)
