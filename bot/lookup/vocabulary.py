"""Words the lookup understands: pollutants, land uses, value types, countries, in six languages.

`build_vocabulary()` returns a `Vocabulary`: plain dicts keyed by normalized terms, built once.
Country names come from Babel's CLDR data: the six UI languages are trusted fully (exact,
stem and fuzzy matching); names from every other CLDR locale are accepted only as exact,
longer terms because short foreign names collide with words ("man", "end", "sin").
Reading all ~1,000 CLDR locales and normalizing their names takes 2-3 s: `cached_vocabulary()` keeps the result,
as Python keeps bytecode, in this package's `__pycache__` (about 0.1 s to read back).
"""

from __future__ import annotations

import hashlib
import json
import logging
import marshal
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field, fields
from pathlib import Path

from bot.lookup.pollutants import LANGUAGES, POLLUTANTS

log = logging.getLogger(__name__)

KIND_POLLUTANT = "pollutant"
KIND_LAND_USE = "land_use"
KIND_VALUE_TYPE = "value_type"
KIND_COUNTRY = "country"
KIND_STOP = "stop"
# Conditions a value may depend on (see bot.lookup.conditions): a specific land use, the soil's
# texture, whether it is acidic or alkaline, how it was extracted.
KIND_LAND_USE_DETAIL = "land_use_detail"
KIND_TEXTURE = "soil_texture"
KIND_PH_BAND = "ph_band"
KIND_EXTRACTION = "extraction"
# When one term means two things, the earlier kind wins ("Chad" stays a country only
# because no pollutant or land use is spelled that way; "того" is a Russian word, not Togo).
KIND_PRIORITY = (
    KIND_POLLUTANT,
    KIND_LAND_USE_DETAIL,
    KIND_LAND_USE,
    KIND_VALUE_TYPE,
    KIND_TEXTURE,
    KIND_PH_BAND,
    KIND_EXTRACTION,
    KIND_STOP,
    KIND_COUNTRY,
)

# "construction land" covers every built-up category (GB 36600 splits it in two).
LAND_USE_CONSTRUCTION = "construction"
LAND_USE_GROUPS = {LAND_USE_CONSTRUCTION: ("residential", "commercial", "industrial")}

_MIN_OTHER_LOCALE_NAME = 5
_MIN_CYRILLIC_STEM = 4

EU_MEMBER_STATES = frozenset("AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE".split())

LAND_USE_TERMS: dict[str, dict[str, tuple[str, ...]]] = {
    "agricultural": {
        "en": (
            "agricultural",
            "agriculture",
            "agricultural land",
            "agricultural soil",
            "farmland",
            "farm",
            "farms",
            "farming",
            "cropland",
            "crop land",
            "crops",
            "orchard",
            "orchards",
            "food crop",
            "vineyard",
            "vineyards",
            "vegetables",
            "vegetable",
        ),
        "fr": (
            "agricole",
            "agricoles",
            "terres agricoles",
            "champ",
            "champs",
            "culture",
            "cultures",
            "verger",
            "vigne",
            "vignes",
            "vignoble",
            "vignobles",
            "légumes",
        ),
        "es": (
            "agrícola",
            "agrícolas",
            "tierra agrícola",
            "cultivo",
            "cultivos",
            "campo",
            "campos",
            "granja",
            "agropecuario",
            "viñedo",
            "viñedos",
            "hortalizas",
            "verduras",
        ),
        "ru": ("сельскохозяйственные", "сельхоз", "сельхозугодья", "аграрные", "сельскохозяйственного назначения"),
        "zh": ("农用地", "农业用地", "农田", "果园", "农地", "農地", "農用地", "农业"),
        "ar": ("الزراعية", "زراعي", "زراعية", "الأراضي الزراعية", "مزرعة", "المزارع", "حقول"),
    },
    "residential": {
        "en": (
            "residential",
            "residence",
            "housing",
            "homes",
            "home",
            "house",
            "houses",
            "school",
            "schools",
            "residential land",
        ),
        "fr": ("résidentiel", "résidentielle", "résidentiels", "habitation", "logement", "école"),
        "es": ("residencial", "residenciales", "vivienda", "viviendas", "escuela"),
        "ru": ("жилые", "жилой", "жилая", "жилищные", "жилье", "школы", "селитебные"),
        "zh": ("住宅", "居住用地", "住宅用地", "居住", "第一类用地", "一类用地", "学校", "居民区"),
        "ar": ("السكنية", "سكني", "سكنية", "المنازل", "المساكن", "سكن"),
    },
    "commercial": {
        "en": ("commercial", "business", "offices", "retail", "commercial land"),
        "fr": ("commercial", "commerciale", "commerciaux", "commerce"),
        "es": ("comercial", "comerciales"),
        "ru": ("коммерческие", "торговые", "коммерческой"),
        "zh": ("商业用地", "商业", "商服用地"),
        "ar": ("التجارية", "تجاري", "تجارية"),
    },
    "industrial": {
        "en": ("industrial", "industry", "factory", "factories", "industrial land", "industrial site", "brownfield"),
        "fr": ("industriel", "industrielle", "industriels", "industrie", "usine", "site industriel"),
        "es": ("industrial", "industriales", "industria", "fábrica"),
        "ru": ("промышленные", "промышленность", "промзона", "индустриальные", "заводские"),
        "zh": ("工业用地", "工业", "工矿用地", "第二类用地", "二类用地", "工業用地"),
        "ar": ("الصناعية", "صناعي", "صناعية", "المصانع"),
    },
    LAND_USE_CONSTRUCTION: {
        "en": ("construction land", "development land", "built up land"),
        "fr": ("terrain à bâtir", "zone constructible"),
        "es": ("suelo urbanizable", "terreno de construcción"),
        "ru": ("земли застройки", "земли населенных пунктов"),
        "zh": ("建设用地", "建設用地"),
        "ar": ("أراضي البناء",),
    },
    "all": {
        "en": ("all land uses", "any land use", "general land"),
        "fr": ("tous usages",),
        "es": ("todos los usos",),
        "ru": ("все земли",),
        "zh": ("所有用地",),
        "ar": ("جميع الاستخدامات",),
    },
}

# Specific land uses: a question naming one gets the values set for it first, then the category's.
LAND_USE_DETAIL_TERMS: dict[str, dict[str, tuple[str, ...]]] = {
    "playground": {
        "en": (
            "playground",
            "playgrounds",
            "children's play area",
            "children s play area",
            "play area",
            "play areas",
            "kindergarten",
            "kindergartens",
            "nursery school",
        ),
        "fr": ("aire de jeux", "aires de jeux", "jardin d enfants", "école maternelle", "crèche", "maternelle"),
        "es": (
            "parque infantil",
            "parques infantiles",
            "área de juegos",
            "zona de juegos",
            "jardín de infancia",
            "guardería",
            "kínder",
        ),
        "ru": ("детская площадка", "детские площадки", "детской площадки", "детский сад", "детсад", "детсады"),
        "zh": ("儿童游乐场", "游乐场", "儿童游戏场", "幼儿园", "游戏场"),
        "ar": ("ملعب أطفال", "ملاعب الأطفال", "ملعب الأطفال", "روضة أطفال", "رياض الأطفال", "روضة"),
    },
    "park": {
        "en": (
            "park",
            "parks",
            "parkland",
            "recreational",
            "recreation",
            "recreation area",
            "public open space",
            "sports ground",
            "sports grounds",
        ),
        "fr": ("parc", "parcs", "espace vert", "espaces verts", "loisirs", "terrain de sport"),
        "es": ("parque", "parques", "zona recreativa", "recreativo", "recreativa", "zona verde"),
        "ru": ("парк", "парки", "парков", "зона отдыха", "рекреационные", "спортивные площадки"),
        "zh": ("公园", "绿地", "公园绿地", "休闲用地"),
        "ar": ("حديقة عامة", "الحدائق العامة", "منتزه", "متنزه", "المنتزهات"),
    },
    "kitchen_garden": {
        "en": (
            "garden",
            "gardens",
            "kitchen garden",
            "kitchen gardens",
            "vegetable garden",
            "allotment",
            "allotments",
            "home garden",
        ),
        "fr": ("jardin", "jardins", "potager", "potagers", "jardin potager", "jardins familiaux"),
        "es": ("huerto", "huertos", "huerta", "jardín", "jardines", "huerto familiar"),
        "ru": ("огород", "огороды", "огородов", "сад", "сады", "приусадебный участок"),
        "zh": ("菜园", "菜地", "花园", "家庭菜园"),
        "ar": ("حديقة", "حديقة منزلية", "حديقة الخضروات", "بستان"),
    },
    "arable": {
        "en": ("arable", "arable land", "arable soil", "cultivated land", "tillage"),
        "fr": ("terre arable", "terres arables", "terres cultivées", "grandes cultures", "labour"),
        "es": ("tierra arable", "tierras arables", "tierra de labor", "tierras de cultivo", "labranza"),
        "ru": ("пашня", "пашни", "пахотные", "пахотные земли", "пахотных"),
        "zh": ("耕地", "旱地"),
        "ar": ("الأراضي الصالحة للزراعة", "صالحة للزراعة", "أراضي محروثة"),
    },
    "grassland": {
        "en": (
            "grassland",
            "grasslands",
            "pasture",
            "pastures",
            "meadow",
            "meadows",
            "grazing land",
            "permanent grassland",
        ),
        "fr": ("prairie", "prairies", "pâturage", "pâturages", "herbage", "herbages"),
        "es": ("pastizal", "pastizales", "pradera", "praderas", "prado", "prados", "pasto", "pastos"),
        "ru": ("пастбище", "пастбища", "луг", "луга", "лугов", "сенокос", "сенокосы"),
        "zh": ("草地", "牧草地", "草场", "牧场"),
        "ar": ("المراعي", "مرعى", "مراعي", "المروج"),
    },
    "paddy": {
        "en": ("paddy", "paddies", "paddy field", "paddy fields", "rice field", "rice fields", "rice paddy"),
        "fr": ("rizière", "rizières"),
        "es": ("arrozal", "arrozales"),
        "ru": ("рисовое поле", "рисовые поля", "рисовых полей"),
        "zh": ("水田", "稻田"),
        "ar": ("حقول الأرز", "حقل أرز"),
    },
    "sludge": {
        "en": ("sludge", "sewage sludge", "biosolids", "sludge spreading", "land receiving sludge"),
        "fr": ("boues", "boues d épuration", "épandage", "épandage de boues"),
        "es": ("lodos", "lodos de depuradora", "fangos", "biosólidos"),
        "ru": ("осадок сточных вод", "осадки сточных вод", "осадков сточных вод", "ил сточных вод"),
        "zh": ("污泥", "污泥农用"),
        "ar": ("الحمأة", "حمأة", "حمأة الصرف الصحي"),
    },
    "urban": {
        "en": ("urban", "urban land", "city", "town"),
        "fr": ("urbain", "urbaine", "ville"),
        "es": ("urbano", "urbana", "suelo urbano", "ciudad"),
        "ru": ("городские", "город", "городской"),
        "zh": ("城市", "城镇", "城区"),
        "ar": ("حضرية", "حضري", "المدينة"),
    },
}

TEXTURE_TERMS: dict[str, dict[str, tuple[str, ...]]] = {
    "sand": {
        "en": ("sand", "sandy", "sandy soil", "sandy soils"),
        "fr": ("sable", "sableux", "sableuse", "sol sableux"),
        "es": ("arena", "arenoso", "arenosa", "suelo arenoso"),
        "ru": ("песок", "песчаная", "песчаные", "песчаный", "песчаных"),
        "zh": ("砂土", "沙土", "砂质土", "砂质"),
        "ar": ("رملية", "رملي", "تربة رملية"),
    },
    "light": {
        "en": ("light soil", "light soils"),
        "fr": ("sol léger", "sols légers"),
        "es": ("suelo ligero", "suelos ligeros"),
        "ru": ("легкая почва", "легкие почвы", "лёгкая почва", "лёгкие почвы"),
        "zh": ("轻质土", "轻壤"),
        "ar": ("تربة خفيفة",),
    },
    "loam": {
        "en": ("loam", "loamy", "silt", "silty", "loamy soil"),
        "fr": ("limon", "limoneux", "limoneuse"),
        "es": ("franco", "franca", "limoso", "limosa", "suelo franco"),
        "ru": ("суглинок", "суглинистые", "суглинистая", "суглинистый"),
        "zh": ("壤土", "粉土"),
        "ar": ("طميية", "غرينية", "طمي"),
    },
    "clay": {
        "en": ("clay", "clayey", "clay soil", "clay soils", "heavy soil"),
        "fr": ("argile", "argileux", "argileuse", "sol argileux"),
        "es": ("arcilla", "arcilloso", "arcillosa", "suelo arcilloso"),
        "ru": ("глина", "глинистые", "глинистая", "глинистый"),
        "zh": ("黏土", "粘土", "黏质土"),
        "ar": ("طينية", "طيني", "تربة طينية"),
    },
}

PH_BAND_TERMS: dict[str, dict[str, tuple[str, ...]]] = {
    "acidic": {
        "en": ("acidic", "acid soil", "acid soils", "acidic soil"),
        "fr": ("acide", "acides", "sol acide"),
        "es": ("ácido", "ácida", "ácidos", "ácidas", "suelo ácido"),
        "ru": ("кислые", "кислая", "кислый", "кислых"),
        "zh": ("酸性", "酸性土"),
        "ar": ("حمضية", "حمضي", "تربة حمضية"),
    },
    "alkaline": {
        "en": ("alkaline", "calcareous", "alkaline soil"),
        "fr": ("alcalin", "alcaline", "alcalins", "calcaire"),
        "es": ("alcalino", "alcalina", "calcáreo", "calcárea"),
        "ru": ("щелочные", "щелочная", "щелочной", "карбонатные"),
        "zh": ("碱性", "石灰性", "碱性土"),
        "ar": ("قلوية", "قلوي", "كلسية", "تربة قلوية"),
    },
}

EXTRACTION_TERMS: dict[str, dict[str, tuple[str, ...]]] = {
    "aqua_regia": {
        "en": ("aqua regia",),
        "fr": ("eau régale",),
        "es": ("agua regia",),
        "ru": ("царская водка", "царской водкой"),
        "zh": ("王水",),
        "ar": ("الماء الملكي",),
    },
    "ammonium_nitrate": {
        "en": ("ammonium nitrate", "nh4no3", "mobile fraction"),
        "fr": ("nitrate d ammonium",),
        "es": ("nitrato de amonio", "nitrato amónico"),
        "ru": ("нитрат аммония", "аммиачная селитра"),
        "zh": ("硝酸铵",),
        "ar": ("نترات الأمونيوم",),
    },
}

# "limit" / "límite" / "предел" are left out on purpose: people use them for any threshold.
VALUE_TYPE_TERMS: dict[str, dict[str, tuple[str, ...]]] = {
    "screening": {
        "en": ("screening", "screening value", "screening level", "risk screening value"),
        "fr": ("valeur de dépistage", "dépistage"),
        "es": ("cribado", "valor de cribado"),
        "ru": ("скрининговые", "скрининговое значение"),
        "zh": ("筛选值", "风险筛选值", "篩選值"),
        "ar": ("قيمة الفحص", "الفحص"),
    },
    "intervention": {
        "en": ("intervention", "intervention value", "action level", "control value"),
        "fr": ("valeur d intervention",),
        "es": ("intervención", "valor de intervención"),
        "ru": ("вмешательства", "значение вмешательства"),
        "zh": ("管制值", "风险管制值", "干预值"),
        "ar": ("قيمة التدخل", "التدخل"),
    },
    "guideline": {
        "en": ("guideline", "guidelines", "guidance value"),
        "fr": ("ligne directrice", "valeur guide"),
        "es": ("directriz", "guía", "valor guía"),
        "ru": ("рекомендуемые", "ориентировочные"),
        "zh": ("指导值", "准则值"),
        "ar": ("المبادئ التوجيهية", "إرشادية"),
    },
    "background": {
        "en": ("background", "background value"),
        "fr": ("fond géochimique", "bruit de fond"),
        "es": ("fondo", "valor de fondo"),
        "ru": ("фоновые", "фон"),
        "zh": ("背景值",),
        "ar": ("القيمة الخلفية",),
    },
    "investigation": {
        "en": ("investigation", "investigation value", "investigation level"),
        "fr": ("valeur d investigation",),
        "es": ("investigación", "valor de investigación"),
        "ru": ("исследования",),
        "zh": ("调查值",),
        "ar": ("قيمة التحقيق",),
    },
    "precautionary": {
        "en": ("precautionary", "precautionary value", "vorsorgewert"),
        "fr": ("précaution",),
        "es": ("precautorio", "precaución"),
        "ru": ("предупредительные",),
        "zh": ("预防值",),
        "ar": ("احترازية",),
    },
    "maximum": {
        "en": ("maximum", "maximum value", "max"),
        "fr": ("maximum", "maximale"),
        "es": ("máximo", "máxima"),
        "ru": ("максимальные", "максимальное"),
        "zh": ("最大值",),
        "ar": ("الحد الأقصى",),
    },
    "trigger": {
        "en": ("trigger value", "trigger values", "prüfwert", "pruefwert"),
        "fr": ("valeur de déclenchement",),
        "es": ("valor desencadenante", "valor de activación"),
        "ru": ("значение срабатывания",),
        "zh": ("触发值",),
        "ar": ("قيمة التفعيل",),
    },
    "action": {
        "en": ("action value", "maßnahmenwert", "massnahmenwert"),
        "fr": ("valeur d action",),
        "es": ("valor de acción",),
        "ru": ("значение для принятия мер",),
        "zh": ("行动值",),
        "ar": ("قيمة الإجراء",),
    },
    "warning": {
        "en": ("warning", "warning standard"),
        "fr": ("alerte",),
        "es": ("alerta",),
        "ru": ("предупреждения",),
        "zh": ("预警值",),
        "ar": ("إنذار",),
    },
}

STOP_WORDS: dict[str, tuple[str, ...]] = {
    "en": (
        "in",
        "of",
        "the",
        "a",
        "an",
        "for",
        "what",
        "whats",
        "which",
        "is",
        "are",
        "on",
        "at",
        "to",
        "and",
        "or",
        "with",
        "soil",
        "soils",
        "limit",
        "limits",
        "value",
        "values",
        "threshold",
        "thresholds",
        "level",
        "levels",
        "standard",
        "standards",
        "permissible",
        "allowed",
        "acceptable",
        "concentration",
        "land",
        "use",
        "site",
        "sites",
        "please",
        "show",
        "me",
        "tell",
        "give",
        "how",
        "much",
        "mg",
        "kg",
        "ppm",
        "country",
        "max",
        "contamination",
        "pollution",
        "pollutant",
        "guide",
        "law",
        "legal",
        "regulation",
        "select",
        "from",
        "where",
        "drop",
        "table",
        "union",
        "insert",
        "delete",
        "null",
        "or",
        "and",
        "like",
        "about",
        "need",
        "know",
        "want",
        "there",
    ),
    "fr": (
        "le",
        "la",
        "les",
        "de",
        "du",
        "des",
        "en",
        "au",
        "aux",
        "dans",
        "sol",
        "sols",
        "pour",
        "limite",
        "limites",
        "valeur",
        "valeurs",
        "seuil",
        "quelle",
        "quel",
        "est",
        "et",
        "un",
        "une",
        "terre",
        "terres",
        "pays",
        "teneur",
    ),
    "es": (
        "el",
        "la",
        "los",
        "las",
        "de",
        "del",
        "en",
        "para",
        "suelo",
        "suelos",
        "límite",
        "límites",
        "valor",
        "valores",
        "umbral",
        "cual",
        "cuál",
        "es",
        "y",
        "un",
        "una",
        "tierra",
        "tierras",
        "país",
        "nivel",
        "contenido",
    ),
    "ru": (
        "в",
        "во",
        "на",
        "для",
        "по",
        "и",
        "почва",
        "почвы",
        "почве",
        "почв",
        "почвах",
        "земли",
        "земля",
        "земель",
        "землях",
        "предел",
        "пдк",
        "норматив",
        "нормативы",
        "значение",
        "какой",
        "какая",
        "каков",
        "что",
        "того",
        "содержание",
        "допустимый",
        "допустимая",
        "уровень",
    ),
    "zh": (),
    "ar": (
        "في",
        "من",
        "على",
        "حد",
        "الحد",
        "التربة",
        "تربة",
        "قيمة",
        "ما",
        "هو",
        "هي",
        "الى",
        "إلى",
        "عن",
        "أراضي",
        "الأراضي",
        "مستوى",
    ),
}

# What people call countries besides their CLDR names.
COUNTRY_ALIASES: dict[str, tuple[str, ...]] = {
    "NL": ("holland", "the netherlands", "hollande", "holanda", "голландия", "荷兰", "هولندا"),
    "KR": (
        "korea",
        "south korea",
        "republic of korea",
        "corée",
        "corea",
        "корея",
        "южная корея",
        "韩国",
        "南韩",
        "كوريا",
    ),
    "US": (
        "usa",
        "america",
        "united states of america",
        "états unis",
        "eeuu",
        "сша",
        "америка",
        "美国",
        "أمريكا",
        "امريكا",
    ),
    "GB": (
        "uk",
        "britain",
        "great britain",
        "england",
        "angleterre",
        "inglaterra",
        "англия",
        "британия",
        "英格兰",
        "بريطانيا",
        "انجلترا",
    ),
    "ZA": ("rsa", "юар", "южная африка"),
    "VN": ("viet nam", "вьетнам"),
    "TW": ("taiwan", "臺灣"),
    "CN": ("prc", "кнр", "中华人民共和国"),
    "RU": ("russia", "россия", "рф"),
    "EU": ("europe", "european union", "ue", "евросоюз", "ес", "欧洲联盟"),
    "CD": ("drc",),
    "AE": ("uae", "оаэ"),
}

_GREEK = {"α": " alpha ", "β": " beta ", "γ": " gamma ", "δ": " delta "}
_ARABIC_LETTERS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ى": "ي", "ـ": None})
_ARABIC_CLITICS = ("وال", "فال", "بال", "كال", "لل", "ال")
_NON_WORD = re.compile(r"[^\w]+")
_VALENCE_VI = re.compile(r"(?i)\b(cr|chromium|chrome|cromo|хром)\s*\(?\s*(?:6\s*\+?|vi)\s*\)?(?!\w)")
_VALENCE_III = re.compile(r"(?i)\b(cr|chromium|chrome|cromo|хром)\s*\(?\s*(?:3\s*\+?|iii)\s*\)?(?!\w)")


def is_cjk(char: str) -> bool:
    """Whether a character is a CJK ideograph (Chinese is written without spaces)."""
    code = ord(char)
    return 0x3400 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF or 0x20000 <= code <= 0x2FFFF


def is_cyrillic_word(word: str) -> bool:
    """Whether a word is written in Cyrillic letters."""
    return bool(word) and all("\u0400" <= char <= "\u04ff" for char in word)


def is_arabic_word(word: str) -> bool:
    """Whether a word is written in Arabic letters."""
    return bool(word) and all("\u0600" <= char <= "\u06ff" for char in word)


def prepare_text(text: str) -> str:
    """Spell out Greek isomer letters and chromium valences so they tokenize as words."""
    for letter, word in _GREEK.items():
        text = text.replace(letter, word).replace(letter.upper(), word)
    text = _VALENCE_VI.sub(r"\1 vi ", text)
    return _VALENCE_III.sub(r"\1 iii ", text)


def normalize_word(word: str) -> str:
    """Case-fold, drop accents and unify Arabic letter forms, so spellings compare equal."""
    word = unicodedata.normalize("NFKD", word.casefold())
    word = "".join(char for char in word if not unicodedata.combining(char))
    word = unicodedata.normalize("NFC", word)
    if any("\u0600" <= char <= "\u06ff" for char in word):
        word = strip_arabic_article(word.translate(_ARABIC_LETTERS))
    return word


def strip_arabic_article(word: str) -> str:
    """Drop the article ال with an attached preposition or conjunction (بال، وال، لل)."""
    for clitic in _ARABIC_CLITICS:
        if word.startswith(clitic) and len(word) - len(clitic) >= 2:
            return word[len(clitic) :]
    return word


def tokenize(text: str) -> list[str]:
    """Split text into words (any script); punctuation and hyphens separate words."""
    return [token for token in _NON_WORD.split(text) if token and token != "_"]


def normalize_term(term: str) -> str:
    """Normalized key of a multi-word term: words normalized and joined by single spaces."""
    return " ".join(normalize_word(word) for word in tokenize(prepare_text(term)))


def cyrillic_stem(word: str) -> str:
    """Stem of a Russian word, so inflected forms (Китай/Китае, свинец/свинца) meet."""
    if len(word) < 5:
        return word
    return word[: max(_MIN_CYRILLIC_STEM, len(word) - 2)]


@dataclass
class Vocabulary:
    """Normalized term tables used by the parser; build with `build_vocabulary()`."""

    exact: dict[str, dict[str, str | None]] = field(default_factory=dict)
    cjk: dict[str, dict[str, str | None]] = field(default_factory=dict)
    cyrillic_stems: dict[str, dict[str, str | None]] = field(default_factory=dict)
    symbols: dict[str, str] = field(default_factory=dict)
    cas: dict[str, str] = field(default_factory=dict)
    country_codes: frozenset[str] = frozenset()
    fuzzy_terms: dict[str, list[str]] = field(default_factory=dict)
    fuzzy_values: dict[str, list[str | None]] = field(default_factory=dict)
    # The same terms by first letter: a typo rarely hits the first letter, and one letter's terms are
    # a few dozen instead of thousands (the whole list is still searched for long words found nowhere).
    fuzzy_buckets: dict[str, dict[str, tuple[list[str], list[str | None]]]] = field(default_factory=dict)
    max_words: int = 1
    cjk_max_len: int = 1
    build_seconds: float = 0.0

    def add(self, kind: str, value: str | None, term: str, *, fuzzy: bool = True, stem: bool = True) -> None:
        """Register one term for a kind; the first meaning registered for a kind wins."""
        key = normalize_term(term)
        if not key:
            return
        if any(is_cjk(char) for char in key):
            _add_meaning(self.cjk, key.replace(" ", ""), kind, value)
            self.cjk_max_len = max(self.cjk_max_len, len(key.replace(" ", "")))
            return
        _add_meaning(self.exact, key, kind, value)
        words = key.split()
        self.max_words = max(self.max_words, len(words))
        if stem and len(words) == 1 and is_cyrillic_word(key):
            _add_meaning(self.cyrillic_stems, cyrillic_stem(key), kind, value)
        if fuzzy and len(key) >= 4 and not key.isdigit():
            self.fuzzy_terms.setdefault(kind, []).append(key)
            self.fuzzy_values.setdefault(kind, []).append(value)
            terms, values = self.fuzzy_buckets.setdefault(kind, {}).setdefault(key[0], ([], []))
            terms.append(key)
            values.append(value)


# Nearly every term has one meaning (30,000 country names of every CLDR locale): those share one read-only
# dict per meaning instead of a dict each (about 5 MB less for the life of the process). A second meaning
# for a term gives it a copy of its own.
_MEANINGS: dict[tuple[str, str | None], dict[str, str | None]] = {}


def _add_meaning(table: dict[str, dict[str, str | None]], key: str, kind: str, value: str | None) -> None:
    meanings = table.get(key)
    if meanings is None:
        table[key] = _MEANINGS.setdefault((kind, value), {kind: value})
    elif kind not in meanings:
        table[key] = {**meanings, kind: value}


def build_vocabulary(all_locales: bool = True) -> Vocabulary:
    """Build the term tables (pollutants, land uses, value types, countries) once."""
    started = time.perf_counter()
    vocabulary = Vocabulary()
    for pollutant in POLLUTANTS:
        vocabulary.add(KIND_POLLUTANT, pollutant.id, pollutant.id.replace("_", " "))
        vocabulary.add(KIND_POLLUTANT, pollutant.id, pollutant.name_en)
        for language in LANGUAGES:
            for name in pollutant.names.get(language, ()):
                vocabulary.add(KIND_POLLUTANT, pollutant.id, name)
        for symbol in pollutant.symbols:
            vocabulary.symbols[symbol] = pollutant.id
        if pollutant.cas and pollutant.cas not in vocabulary.cas:
            vocabulary.cas[pollutant.cas] = pollutant.family if pollutant.species == "total" else pollutant.id
    # Symbols that are also everyday words ("as", "ni", "se") match only as written ("As").
    for symbol in ("pb", "cd", "hg", "zn", "cu", "cr"):
        pollutant_id = vocabulary.symbols[symbol.capitalize()]
        vocabulary.add(KIND_POLLUTANT, pollutant_id, symbol, fuzzy=False, stem=False)
    for land_use, by_language in LAND_USE_TERMS.items():
        for terms in by_language.values():
            for term in terms:
                vocabulary.add(KIND_LAND_USE, land_use, term)
    for value_type, by_language in VALUE_TYPE_TERMS.items():
        for terms in by_language.values():
            for term in terms:
                vocabulary.add(KIND_VALUE_TYPE, value_type, term, fuzzy=False)
    for kind, table, fuzzy in (
        (KIND_LAND_USE_DETAIL, LAND_USE_DETAIL_TERMS, True),
        (KIND_TEXTURE, TEXTURE_TERMS, False),
        (KIND_PH_BAND, PH_BAND_TERMS, False),
        (KIND_EXTRACTION, EXTRACTION_TERMS, False),
    ):
        for value, by_language in table.items():
            for terms in by_language.values():
                for term in terms:
                    vocabulary.add(kind, value, term, fuzzy=fuzzy)
    for terms in STOP_WORDS.values():
        for term in terms:
            vocabulary.add(KIND_STOP, None, term, fuzzy=len(term) >= 5)
    _add_countries(vocabulary, all_locales)
    vocabulary.build_seconds = time.perf_counter() - started
    return vocabulary


def cached_vocabulary(directory: Path | None = None, write: bool | None = None) -> Vocabulary:
    """The full vocabulary (every CLDR locale), read from its cache file in `directory` when one was written from
    the same sources, Babel and interpreter; else built, and cached when `write`.

    It is kept as Python keeps bytecode: in this package's `__pycache__` (under `PYTHONPYCACHEPREFIX` where the
    package's bytecode goes), read wherever it is found, written unless Python writes no bytecode
    (`PYTHONDONTWRITEBYTECODE`, the default of `write`). The file's name carries a digest of what the vocabulary
    is built from, so a change to any of it is a new file (the old one is removed). A directory that cannot be
    written (a read-only install) only means the vocabulary is built in each process, as before; a damaged file
    is built again and replaced.
    """
    directory = directory or _cache_directory()
    write = not sys.dont_write_bytecode if write is None else write
    path = directory / f"vocabulary.{_cache_key()}.marshal"
    try:
        with path.open("rb") as file:
            loaded = marshal.load(file)
        if not isinstance(loaded, dict) or {name: type(value) for name, value in loaded.items()} != _FIELD_TYPES:
            raise ValueError("not a vocabulary")
        return Vocabulary(**loaded)
    except (FileNotFoundError, NotADirectoryError):
        pass
    except (OSError, EOFError, ValueError, TypeError) as error:
        log.warning("building the vocabulary again: its cache file could not be read (%s)", type(error).__name__)
    vocabulary = build_vocabulary(all_locales=True)
    if write:
        _write_cache(path, vocabulary)
    return vocabulary


def _cache_directory() -> Path:
    """Where this package's bytecode goes: its `__pycache__`, or under `sys.pycache_prefix` the package's absolute
    path below the prefix (as `importlib.util.cache_from_source` places it)."""
    package = Path(__file__).resolve().parent
    if sys.pycache_prefix:
        return Path(sys.pycache_prefix, *package.parts[1:])
    return package / "__pycache__"


# What each field of a cached vocabulary must be (dict, frozenset, int, float): a file that is not one is built again.
_FIELD_TYPES = {item.name: type(getattr(Vocabulary(), item.name)) for item in fields(Vocabulary)}


def _cache_key() -> str:
    """Digest of what the full vocabulary is made from: the term tables and the country code (these files, the
    UN's names), Babel's CLDR data (its version) and the file format (the interpreter's marshal)."""
    import babel

    from bot import countries
    from bot.lookup import pollutants

    digest = hashlib.sha256(f"{sys.implementation.cache_tag} {marshal.version} {babel.__version__}".encode())
    for source in (Path(__file__), Path(pollutants.__file__), Path(countries.__file__), countries.UN_NAMES_CSV):
        digest.update(Path(source).read_bytes())
    return digest.hexdigest()[:16]


def _write_cache(path: Path, vocabulary: Vocabulary) -> None:
    # Plain dicts, lists and strings: marshal writes them in a few ms and keeps the meaning dicts shared.
    # Written under a temporary name, then renamed: a process reading it never sees half a file.
    temporary = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        os.chmod(temporary, 0o644)  # readable as the bytecode beside it is, not only by its writer (mkstemp's 0600)
        with os.fdopen(handle, "wb") as file:
            marshal.dump({item.name: getattr(vocabulary, item.name) for item in fields(vocabulary)}, file)
        os.replace(temporary, path)
        temporary = None
        for stale in path.parent.glob("vocabulary.*.marshal"):
            if stale != path:
                stale.unlink(missing_ok=True)
    except OSError as error:
        log.info("the vocabulary is not cached (%s): it is built in each process", type(error).__name__)
    finally:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)


def _add_countries(vocabulary: Vocabulary, all_locales: bool) -> None:
    # The names come one at a time (territory_names): the 34,000 names of other locales are only needed while
    # the vocabulary is built, and held all at once they left about 10 MB of freed but fragmented memory.
    codes: set[str] = set()
    aliases_added = False
    for primary, code, name in territory_names(all_locales):
        if primary:
            codes.add(code)
            vocabulary.add(KIND_COUNTRY, code, name)
            continue
        if not aliases_added:
            _add_country_aliases(vocabulary)
            aliases_added = True
        key = normalize_term(name)
        if len(key.replace(" ", "")) < _MIN_OTHER_LOCALE_NAME and not any(is_cjk(c) for c in key):
            continue
        if key in vocabulary.exact or key.replace(" ", "") in vocabulary.cjk:
            continue
        vocabulary.add(KIND_COUNTRY, code, name, fuzzy=False, stem=False)
    if not aliases_added:
        _add_country_aliases(vocabulary)
    vocabulary.country_codes = frozenset(codes)


def _add_country_aliases(vocabulary: Vocabulary) -> None:
    for code, aliases in COUNTRY_ALIASES.items():
        for alias in aliases:
            vocabulary.add(KIND_COUNTRY, code, alias)


def territory_names(all_locales: bool = True) -> Iterator[tuple[bool, str, str]]:
    """(primary, code, name): CLDR's and the UN's names in the six UI languages (primary), then, with
    `all_locales`, every other CLDR locale's names not among them, each once.

    Those are read by a short-lived process (`python -m bot.lookup.vocabulary`): Babel keeps each locale it
    loads, and the ~850 locales' data (~150 MB) would stay in the bot for good, while the names kept from
    them take a few MB. The UI languages' names are read there too: the bot loads a language's CLDR data
    (about 1.3 MB each) when it formats something for a member who uses it, not at start.
    """
    if not all_locales:
        yield from ((True, code, name) for code, name in primary_names())
        return
    root = str(Path(__file__).resolve().parents[2])
    environment = {
        **os.environ,
        "PYTHONIOENCODING": "utf-8",
        "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")])),
    }
    given = {True: 0, False: 0}
    try:
        with subprocess.Popen(
            [sys.executable, "-m", "bot.lookup.vocabulary"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            encoding="utf-8",
            env=environment,
        ) as child:
            stopper = threading.Timer(_CHILD_TIMEOUT, child.kill)  # a hung child ends in the fallback below
            stopper.start()
            finished = False
            try:
                assert child.stdout is not None
                for line in child.stdout:
                    primary, code, name = json.loads(line)
                    given[bool(primary)] += 1
                    yield bool(primary), str(code), str(name)
                finished = True
            finally:
                stopper.cancel()
                if not finished:  # the consumer stopped early, or a line was not ours: nothing more to read
                    child.kill()
        if child.returncode != 0:
            raise subprocess.CalledProcessError(child.returncode, child.args)
        if given[True] == 0:
            raise ValueError("the child process gave no names")
    except (OSError, subprocess.SubprocessError, ValueError) as error:
        # No child processes here (a sandbox, a broken interpreter path), or it died: read them in this
        # process, after the ones already given.
        log.warning("reading CLDR country names in this process (%s)", str(error).splitlines()[0][:200])
        primary_pairs, others = all_territory_names()
        yield from ((True, code, name) for code, name in primary_pairs[given[True] :])
        yield from ((False, code, name) for code, name in others[given[False] :])


_CHILD_TIMEOUT = 300.0


def primary_names() -> tuple[tuple[str, str], ...]:
    """(code, name) pairs of CLDR's names in the six UI languages (and traditional Chinese), then the UN's."""
    from babel import Locale

    from bot.countries import jurisdiction_names, un_names

    primary: list[tuple[str, str]] = []
    for language in LANGUAGES + ("zh_Hant",):
        primary.extend(jurisdiction_names(Locale.parse(language)))
    # The UN's names ("Republic of Korea", "Viet Nam") next to CLDR's ("South Korea", "Vietnam").
    primary.extend((code, name) for code, names in un_names().items() for name in names.values() if name)
    return tuple(primary)


def all_territory_names() -> tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]]:
    """What `territory_names(True)` gives, read in this process: the UI languages' names, then the others'."""
    primary = primary_names()
    return primary, other_locale_names(frozenset(name for _, name in primary))


def other_locale_names(seen: frozenset[str]) -> tuple[tuple[str, str], ...]:
    """(code, name) pairs of every CLDR locale outside the UI languages, names in `seen` left out."""
    from babel import Locale, localedata

    from bot.countries import jurisdiction_names

    known = set(seen)
    others: list[tuple[str, str]] = []
    for identifier in localedata.locale_identifiers():
        if identifier.split("_")[0] in LANGUAGES:
            continue
        try:
            locale = Locale.parse(identifier)
        except Exception:  # noqa: BLE001 - a broken CLDR locale must not stop the bot
            continue
        for code, name in jurisdiction_names(locale):
            if name not in known:
                known.add(name)
                others.append((code, name))
    return tuple(others)


if __name__ == "__main__":
    # The child of territory_names: one JSON line [primary, code, name] per name, the UI languages' first.
    _primary, _others = all_territory_names()
    sys.stdout.writelines(json.dumps([True, code, name]) + "\n" for code, name in _primary)
    sys.stdout.writelines(json.dumps([False, code, name]) + "\n" for code, name in _others)
