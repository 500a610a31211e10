"""Catalogue of pollutants: canonical ids, families, CAS numbers and names in six languages.

This is data, not UI text: names here are what people type and what we show for a pollutant.
A *family* groups species of one element (chromium: total, VI, III) so a query for the
element finds every species, while a query for a species finds only that species.
"""

from __future__ import annotations

from dataclasses import dataclass, field

LANGUAGES = ("en", "fr", "es", "ru", "zh", "ar")


@dataclass(frozen=True)
class Pollutant:
    """One pollutant the lookup knows by name."""

    id: str
    family: str
    name_en: str
    group: str
    cas: str | None
    species: str | None
    names: dict[str, tuple[str, ...]] = field(default_factory=dict)
    symbols: tuple[str, ...] = ()


def _p(id_, family, name_en, group, cas, species=None, symbols=(), **names):
    return Pollutant(id_, family, name_en, group, cas, species,
                     {lang: tuple(names.get(lang, ())) for lang in LANGUAGES}, tuple(symbols))


# The first name of each language is the display name; the rest are synonyms people type.
POLLUTANTS: tuple[Pollutant, ...] = (
    _p("arsenic", "arsenic", "arsenic", "metalloid", "7440-38-2", symbols=("As",),
       en=("arsenic", "inorganic arsenic"), fr=("arsenic",), es=("arsénico",),
       ru=("мышьяк",), zh=("砷", "总砷"), ar=("الزرنيخ", "زرنيخ")),
    _p("cadmium", "cadmium", "cadmium", "metal", "7440-43-9", symbols=("Cd",),
       en=("cadmium",), fr=("cadmium",), es=("cadmio",), ru=("кадмий",),
       zh=("镉", "鎘", "总镉"), ar=("الكادميوم", "كادميوم", "الكادميم")),
    _p("chromium", "chromium", "chromium", "metal", "7440-47-3", species="total", symbols=("Cr",),
       en=("chromium", "total chromium", "chromium total"), fr=("chrome", "chrome total"),
       es=("cromo", "cromo total"), ru=("хром", "общий хром"), zh=("铬", "鉻", "总铬"),
       ar=("الكروم", "كروم")),
    _p("chromium_vi", "chromium", "chromium (VI)", "metal", "18540-29-9", species="VI",
       symbols=("Cr6", "CrVI"),
       en=("hexavalent chromium", "chromium vi", "cr vi", "chromium 6", "chrome vi",
           "chromium hexavalent", "hexavalent"),
       fr=("chrome hexavalent", "chrome vi", "hexavalent"),
       es=("cromo hexavalente", "cromo vi", "hexavalente"),
       ru=("шестивалентный хром", "хром vi"), zh=("六价铬", "六價鉻", "铬 vi"),
       ar=("الكروم السداسي", "كروم سداسي")),
    _p("chromium_iii", "chromium", "chromium (III)", "metal", "16065-83-1", species="III",
       symbols=("Cr3", "CrIII"),
       en=("trivalent chromium", "chromium iii", "cr iii", "chromium 3", "chromium trivalent",
           "trivalent"),
       fr=("chrome trivalent", "chrome iii"), es=("cromo trivalente", "cromo iii"),
       ru=("трехвалентный хром", "хром iii"), zh=("三价铬", "三價鉻"),
       ar=("الكروم الثلاثي", "كروم ثلاثي")),
    _p("copper", "copper", "copper", "metal", "7440-50-8", symbols=("Cu",),
       en=("copper",), fr=("cuivre",), es=("cobre",), ru=("медь", "меди", "медью"),
       zh=("铜", "銅"), ar=("النحاس", "نحاس")),
    _p("lead", "lead", "lead", "metal", "7439-92-1", symbols=("Pb",),
       en=("lead",), fr=("plomb",), es=("plomo",), ru=("свинец",), zh=("铅", "鉛"),
       ar=("الرصاص", "رصاص")),
    _p("mercury", "mercury", "mercury", "metal", "7439-97-6", symbols=("Hg",),
       en=("mercury",), fr=("mercure",), es=("mercurio",), ru=("ртуть",), zh=("汞", "总汞"),
       ar=("الزئبق", "زئبق")),
    _p("mercury_inorganic", "mercury", "mercury (inorganic)", "metal", "7439-97-6",
       species="inorganic",
       en=("inorganic mercury", "mercury inorganic"), fr=("mercure inorganique",),
       es=("mercurio inorgánico",), ru=("неорганическая ртуть",), zh=("无机汞",),
       ar=("الزئبق غير العضوي",)),
    _p("mercury_organic", "mercury", "mercury (organic)", "metal", None, species="organic",
       en=("organic mercury", "mercury organic", "methylmercury"), fr=("mercure organique",),
       es=("mercurio orgánico",), ru=("органическая ртуть",), zh=("有机汞",),
       ar=("الزئبق العضوي",)),
    _p("nickel", "nickel", "nickel", "metal", "7440-02-0", symbols=("Ni",),
       en=("nickel",), fr=("nickel",), es=("níquel",), ru=("никель",), zh=("镍", "鎳"),
       ar=("النيكل", "نيكل")),
    _p("zinc", "zinc", "zinc", "metal", "7440-66-6", symbols=("Zn",),
       en=("zinc",), fr=("zinc",), es=("zinc", "cinc"), ru=("цинк",), zh=("锌", "鋅"),
       ar=("الزنك", "زنك", "الخارصين")),
    _p("selenium", "selenium", "selenium", "metalloid", "7782-49-2", symbols=("Se",),
       en=("selenium",), fr=("sélénium",), es=("selenio",), ru=("селен",), zh=("硒",),
       ar=("السيلينيوم", "سيلينيوم")),
    _p("boron", "boron", "boron", "metalloid", "7440-42-8",
       en=("boron",), fr=("bore",), es=("boro",), ru=("бор",), zh=("硼",),
       ar=("البورون", "بورون")),
    _p("fluorine", "fluorine", "fluorine (fluoride)", "inorganic", "16984-48-8",
       en=("fluorine", "fluoride"), fr=("fluor", "fluorure"), es=("flúor", "fluoruro"),
       ru=("фтор", "фторид"), zh=("氟", "氟化物"), ar=("الفلور", "الفلوريد")),
    _p("cyanide", "cyanide", "cyanide (free)", "inorganic", "57-12-5", species="free",
       en=("cyanide", "free cyanide"), fr=("cyanure",), es=("cianuro",), ru=("цианид",),
       zh=("氰化物",), ar=("السيانيد", "سيانيد")),
    _p("ddt", "ddt", "DDT", "pesticide", "50-29-3",
       en=("ddt", "dichlorodiphenyltrichloroethane", "total ddt"), fr=("ddt",), es=("ddt",),
       ru=("ддт", "дуст"), zh=("滴滴涕", "ddt"), ar=("دي دي تي", "ددت")),
    _p("ddd", "ddd", "DDD", "pesticide", "72-54-8",
       en=("ddd",), fr=("ddd",), es=("ddd",), ru=("ддд",), zh=("滴滴滴",), ar=("دي دي دي",)),
    _p("dde", "dde", "DDE", "pesticide", "72-55-9",
       en=("dde",), fr=("dde",), es=("dde",), ru=("ддэ", "дде"), zh=("滴滴伊",), ar=("دي دي اي",)),
    _p("aldrin", "aldrin", "aldrin", "pesticide", "309-00-2",
       en=("aldrin",), fr=("aldrine",), es=("aldrín",), ru=("альдрин",), zh=("艾氏剂",),
       ar=("الألدرين", "ألدرين")),
    _p("dieldrin", "dieldrin", "dieldrin", "pesticide", "60-57-1",
       en=("dieldrin",), fr=("dieldrine",), es=("dieldrín",), ru=("дильдрин",), zh=("狄氏剂",),
       ar=("الديلدرين", "ديلدرين")),
    _p("endrin", "endrin", "endrin", "pesticide", "72-20-8",
       en=("endrin",), fr=("endrine",), es=("endrín",), ru=("эндрин",), zh=("异狄氏剂",),
       ar=("الإندرين", "إندرين")),
    _p("drins", "drins", "drins (sum of aldrin, dieldrin, endrin)", "pesticide", None,
       en=("drins", "sum of drins"), fr=("drines",), es=("drines",), ru=("дрины",),
       zh=("艾氏剂类",), ar=("الدرينات",)),
    _p("hch", "hch", "HCH (hexachlorocyclohexane)", "pesticide", "608-73-1",
       en=("hch", "hexachlorocyclohexane", "bhc"), fr=("hch", "hexachlorocyclohexane"),
       es=("hch", "hexaclorociclohexano"), ru=("гхцг", "гексахлорциклогексан"),
       zh=("六六六", "六氯环己烷"), ar=("سداسي كلورو حلقي الهكسان",)),
    _p("alpha_hch", "hch", "alpha-HCH", "pesticide", "319-84-6", species="alpha",
       en=("alpha hch", "a hch"), fr=("alpha hch",), es=("alfa hch",), ru=("альфа гхцг",),
       zh=("α-六六六", "甲体六六六"), ar=("ألفا سداسي كلورو حلقي الهكسان",)),
    _p("beta_hch", "hch", "beta-HCH", "pesticide", "319-85-7", species="beta",
       en=("beta hch", "b hch"), fr=("bêta hch",), es=("beta hch",), ru=("бета гхцг",),
       zh=("β-六六六", "乙体六六六"), ar=("بيتا سداسي كلورو حلقي الهكسان",)),
    _p("lindane", "hch", "lindane (gamma-HCH)", "pesticide", "58-89-9", species="gamma",
       en=("lindane", "gamma hch", "g hch"), fr=("lindane", "gamma hch"),
       es=("lindano", "gamma hch"), ru=("линдан", "гамма гхцг"), zh=("林丹", "γ-六六六", "丙体六六六"),
       ar=("الليندين", "ليندين", "اللندان")),
    _p("chlordane", "chlordane", "chlordane", "pesticide", "57-74-9",
       en=("chlordane",), fr=("chlordane",), es=("clordano",), ru=("хлордан",), zh=("氯丹",),
       ar=("الكلوردان", "كلوردان")),
    _p("heptachlor", "heptachlor", "heptachlor", "pesticide", "76-44-8",
       en=("heptachlor",), fr=("heptachlore",), es=("heptacloro",), ru=("гептахлор",),
       zh=("七氯",), ar=("الهبتاكلور", "هبتاكلور")),
    _p("hexachlorobenzene", "hexachlorobenzene", "hexachlorobenzene", "pesticide", "118-74-1",
       en=("hexachlorobenzene", "hcb"), fr=("hexachlorobenzène",), es=("hexaclorobenceno",),
       ru=("гексахлорбензол",), zh=("六氯苯",), ar=("سداسي كلورو البنزين",)),
    _p("mirex", "mirex", "mirex", "pesticide", "2385-85-5",
       en=("mirex",), fr=("mirex",), es=("mirex",), ru=("мирекс",), zh=("灭蚁灵",),
       ar=("الميركس", "ميركس")),
    _p("organophosphorus", "organophosphorus", "organophosphorus compounds", "pesticide", None,
       en=("organophosphorus compounds", "organophosphorus", "organophosphates",
           "organophosphate pesticides"),
       fr=("composés organophosphorés", "organophosphorés"),
       es=("compuestos organofosforados", "organofosforados"),
       ru=("фосфорорганические соединения", "фосфорорганические"), zh=("有机磷", "有机磷化合物"),
       ar=("المركبات الفوسفورية العضوية", "الفوسفات العضوية")),
    _p("tph", "tph", "total petroleum hydrocarbons (TPH)", "hydrocarbon", None, symbols=("TPH",),
       en=("total petroleum hydrocarbons", "petroleum hydrocarbons", "tph", "hydrocarbons"),
       fr=("hydrocarbures pétroliers totaux", "hydrocarbures", "htp"),
       es=("hidrocarburos totales de petróleo", "hidrocarburos", "htp"),
       ru=("нефтепродукты", "углеводороды нефти", "нефтяные углеводороды"),
       zh=("石油烃", "总石油烃"), ar=("الهيدروكربونات البترولية", "الهيدروكربونات", "النفط")),
)

POLLUTANTS_BY_ID: dict[str, Pollutant] = {p.id: p for p in POLLUTANTS}

# Wording seen in the source tables (lower-cased) -> canonical id. Anything else falls back to
# the catalogue names, then to a slug, so a new survey row never blocks the import.
SOURCE_WORDING: dict[str, str] = {
    "chromium (total)": "chromium",
    "chromium": "chromium",
    "chromium (vi)": "chromium_vi",
    "chromium (iii)": "chromium_iii",
    "mercury (inorganic)": "mercury_inorganic",
    "mercury (organic)": "mercury_organic",
    "ddt (total)": "ddt",
    "ddt (sum)": "ddt",
    "ddd (sum)": "ddd",
    "dde (sum)": "dde",
    "drins (sum)": "drins",
    "drins (sum aldrin+dieldrin+endrin)": "drins",
    "gamma-hch (lindane)": "lindane",
    "alpha-hch": "alpha_hch",
    "beta-hch": "beta_hch",
    "cyanide (free)": "cyanide",
    "fluorine (fluoride)": "fluorine",
    "organophosphorus compounds": "organophosphorus",
    "total petroleum hydrocarbons (tph)": "tph",
}

# A status row ("no national values found") names no single pollutant.
ALL_POLLUTANTS_ID = "all"
ALL_POLLUTANTS_WORDING = ("all soil contaminants", "all pollutants", "all")


def display_name(pollutant_id: str, language: str) -> str:
    """Name of a pollutant in the user's language, English when we have none."""
    pollutant = POLLUTANTS_BY_ID.get(pollutant_id)
    if pollutant is None:
        return pollutant_id.replace("_", " ")
    names = pollutant.names.get(language) or ()
    return names[0] if names else pollutant.name_en
