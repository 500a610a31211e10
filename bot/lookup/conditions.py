"""What a value depends on, normalized from the instrument's own words (which stay displayed).

- land-use detail: playground, park, kitchen_garden, arable, grassland, paddy, sludge, urban, other_uses
  (several, space-separated, when the wording names several);
- soil texture class: sand, loam, clay (texture classes), light, common (Czech soil groups);
- organic-carbon class: "TOC ≤ 4 %", "TOC > 4–9 %" (as the instrument bands it);
- extraction: aqua_regia, ammonium_nitrate, acid_digestion, other, or "" when not stated.

The pH band is read by `records.parse_ph_band`. Every reader is a plain function of the CSV text.
"""

from __future__ import annotations

import re

LAND_USE_DETAILS = (
    "playground",
    "park",
    "kitchen_garden",
    "arable",
    "grassland",
    "paddy",
    "sludge",
    "urban",
    "other_uses",
)
# The land-use category a detail belongs to, for a question that names only the detail.
DETAIL_CATEGORY = {
    "playground": "residential",
    "park": "residential",
    "urban": "residential",
    "kitchen_garden": "residential",
    "arable": "agricultural",
    "grassland": "agricultural",
    "paddy": "agricultural",
    "sludge": "agricultural",
    "other_uses": "agricultural",
}
SOIL_TEXTURES = ("sand", "loam", "clay", "light", "common")
# A question about one texture is also answered by the class that contains it, after the exact one:
# Czech "light soils" are the sands, "common soils" the loams and clays.
TEXTURE_MATCHES = {
    "sand": ("sand", "light"),
    "light": ("light", "sand"),
    "loam": ("loam", "common"),
    "clay": ("clay", "common"),
    "common": ("common", "loam", "clay"),
}
EXTRACTIONS = ("aqua_regia", "ammonium_nitrate", "acid_digestion", "other")

_DETAIL_PATTERNS = (
    ("playground", re.compile(r"children'?s play|play (?:area|facilit)|playground|kinderspiel|kindergarten")),
    ("park", re.compile(r"\bparks?\b|parkland|recreation|public open space|sports? grounds?|freizeit|пар[кц]")),
    ("kitchen_garden", re.compile(r"kitchen gardens?|nutzgärten|allotments?")),
    ("arable", re.compile(r"\barable|ackerfläch|обработваеми")),
    ("grassland", re.compile(r"grassland|grünland|тревни|pasture")),
    ("paddy", re.compile(r"(?<!non-)paddy|田に限る|rice field")),
    ("sludge", re.compile(r"sludge|épandage|spread (?:waste|effluent)")),
    ("urban", re.compile(r"^urban\b|uso urbano")),
    ("other_uses", re.compile(r"otros usos|^other uses")),
)

# Checked in order on the first clause of the conditions: the texture a value is for.
_TEXTURE_PATTERNS = (
    ("light", re.compile(r"light soils?|lehké půdy")),
    ("common", re.compile(r"common soils?|běžné půdy")),
    ("sand", re.compile(r"bodenart sand|lightest class|\(sand, loamy sand|^sandy soils?\b|texture class sand")),
    ("loam", re.compile(r"bodenart lehm|medium class|\(sandy loam, loam|^loamy? soils?\b|texture class loam")),
    ("clay", re.compile(r"bodenart ton|heaviest class|\(clay loam|^clay soils?\b|texture class clay")),
)
_TOC_BAND = re.compile(r"toc (?:content )?(≤|<=|<|>|≥|>=)\s*(\d+(?:[.,]\d+)?)\s*%(?:\s*to\s*(\d+(?:[.,]\d+)?)\s*%)?")


def land_use_details(land_use_text: str) -> str:
    """The land-use details a value's wording names, space-separated ("" for none)."""
    lowered = land_use_text.lower()
    return " ".join(detail for detail, pattern in _DETAIL_PATTERNS if pattern.search(lowered))


def soil_texture(conditions: str) -> str:
    """The soil texture class the value is for ("" when it does not depend on texture)."""
    lead = conditions.split(";", 1)[0].lower()
    for texture, pattern in _TEXTURE_PATTERNS:
        if pattern.search(lead):
            return texture
    return ""


def organic_carbon(conditions: str) -> str:
    """The organic-carbon band of the value as the instrument states it ("TOC ≤ 4 %"), or ""."""
    match = _TOC_BAND.search(conditions.split(";", 1)[0].lower())
    if not match:
        return ""
    operator, low, high = match.groups()
    operator = {"<=": "≤", ">=": "≥"}.get(operator, operator)
    low = low.replace(",", ".")
    if high:
        return f"TOC {operator} {low}–{high.replace(',', '.')} %"
    return f"TOC {operator} {low} %"


def extraction(basis: str) -> str:
    """How the soil was extracted for the value (from the basis wording): aqua_regia, ammonium_nitrate,
    acid_digestion, other, or "" when the source does not say."""
    text = basis.lower()
    if not text or "not stated" in text:
        return ""
    if "ammonium nitrate" in text or "nh4no3" in text:
        return "ammonium_nitrate"
    if any(term in text for term in ("aqua regia", "königswasser", "lučavk", "lúčavk")):
        return "aqua_regia"
    if any(term in text for term in ("acid digestion", "strong-acid", "3050", "3051")):
        return "acid_digestion"
    if any(term in text for term in ("extract", "digestion")):
        return "other"
    return ""
