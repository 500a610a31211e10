"""Write the shipped XLSForms (threshold_survey.xlsx, lab_sop_survey.xlsx) from the readable data below.

Run: python storage/forms/build_forms.py   (then `git diff` shows wording changes here, not in binary files)
"""

from __future__ import annotations

from pathlib import Path

from babel import Locale
from openpyxl import Workbook

HERE = Path(__file__).resolve().parent
LANGUAGES = [("English", "en"), ("French", "fr"), ("Spanish", "es"), ("Arabic", "ar"), ("Chinese", "zh"), ("Russian", "ru")]
TRANSLATED_COLUMNS = ("label", "hint", "required_message", "constraint_message")
PLAIN_COLUMNS = ("required", "relevant", "constraint", "choice_filter", "default", "calculation", "appearance")
NOT_ISO_3166 = {"AC", "CP", "CQ", "DG", "EA", "EU", "EZ", "IC", "QO", "TA", "UN", "XA", "XB", "XK", "ZZ"}


def T(en: str, fr: str = "", es: str = "", **others: str) -> dict[str, str]:
    """A text in several languages (missing ones fall back to English in the bot)."""
    return {"en": en, "fr": fr, "es": es, **others}


def q(type_: str, name: str, label: dict | None = None, **columns) -> dict:
    """One survey row."""
    return {"type": type_, "name": name, "label": label, **columns}


def choices(list_name: str, *items: tuple[str, dict]) -> list[dict]:
    """Rows of one choice list from (name, label) pairs."""
    return [{"list_name": list_name, "name": name, "label": label} for name, label in items]


def country_choices() -> list[dict]:
    """ISO 3166-1 alpha-2 countries with names in the six UN languages, from CLDR via Babel."""
    names = {code: Locale(code).territories for _language, code in LANGUAGES}
    codes = sorted(code for code in names["en"] if len(code) == 2 and code.isalpha() and code not in NOT_ISO_3166)
    return [
        {"list_name": "country", "name": code, "label": {lang: names[lang].get(code, "") for lang in names}}
        for code in sorted(codes, key=lambda code: names["en"][code])
    ]


REQUIRED_MESSAGE = T("This answer is required.", "Cette réponse est obligatoire.", "Esta respuesta es obligatoria.")

YES_NO = choices("yes_no", ("yes", T("Yes", "Oui", "Sí")), ("no", T("No", "Non", "No")))
YES_NO_DK = choices(
    "yes_no_dk",
    ("yes", T("Yes", "Oui", "Sí")), ("no", T("No", "Non", "No")),
    ("dont_know", T("Don't know", "Je ne sais pas", "No lo sé")),
)

THRESHOLD_SURVEY = [
    q("note", "intro", T(
        "This INSOP survey collects your country's soil threshold values for pollutants. It takes about 10 minutes.",
        "Cette enquête de l'INSOP recueille les valeurs seuils des polluants dans les sols de votre pays. Elle prend environ 10 minutes.",
        "Esta encuesta de INSOP recopila los valores umbral de contaminantes en suelos de su país. Toma unos 10 minutos.")),
    q("begin_group", "respondent", T("About you", "À propos de vous", "Sobre usted")),
    q("select_one country", "country", T("Which country do you represent?", "Quel pays représentez-vous ?", "¿Qué país representa?"),
      hint=T("Type the country name.", "Tapez le nom du pays.", "Escriba el nombre del país."), required="yes",
      required_message=REQUIRED_MESSAGE, appearance="autocomplete"),
    q("text", "role", T("What is your role or position?", "Quel est votre rôle ou poste ?", "¿Cuál es su función o cargo?"),
      required="yes", required_message=REQUIRED_MESSAGE),
    q("text", "institution", T("Which institution do you work for?", "Pour quelle institution travaillez-vous ?", "¿En qué institución trabaja?"),
      required="yes", required_message=REQUIRED_MESSAGE),
    q("end_group", "respondent"),
    q("begin_group", "status", T("Soil threshold values", "Valeurs seuils des sols", "Valores umbral del suelo")),
    q("select_one has_thresholds", "has_thresholds",
      T("Does your country have soil threshold values for pollutants?",
        "Votre pays dispose-t-il de valeurs seuils pour les polluants des sols ?",
        "¿Tiene su país valores umbral para contaminantes del suelo?"),
      required="yes", required_message=REQUIRED_MESSAGE),
    q("select_one legal_status", "legal_status",
      T("Are these values legally binding or guidelines?", "Ces valeurs sont-elles juridiquement contraignantes ou indicatives ?",
        "¿Estos valores son jurídicamente vinculantes u orientativos?"),
      required="yes", relevant="${has_thresholds} = 'yes' or ${has_thresholds} = 'in_preparation'"),
    q("select_multiple land_use or_other", "land_uses",
      T("For which land uses are values set?", "Pour quels usages des sols des valeurs sont-elles fixées ?",
        "¿Para qué usos del suelo se fijan valores?"),
      hint=T("Choose all that apply.", "Choisissez toutes les réponses applicables.", "Elija todas las que correspondan."),
      required="yes", relevant="${has_thresholds} = 'yes' or ${has_thresholds} = 'in_preparation'"),
    q("end_group", "status"),
    q("begin_repeat", "threshold", T("Threshold value", "Valeur seuil", "Valor umbral"), relevant="${has_thresholds} = 'yes'"),
    q("calculate", "threshold_number", calculation="position(..)"),
    q("note", "threshold_intro", T(
        "Threshold value no. ${threshold_number}: one pollutant, one land use.",
        "Valeur seuil n° ${threshold_number} : un polluant, un usage des sols.",
        "Valor umbral n.º ${threshold_number}: un contaminante, un uso del suelo.")),
    q("select_one pollutant or_other", "pollutant", T("Pollutant", "Polluant", "Contaminante"),
      required="yes", required_message=REQUIRED_MESSAGE),
    q("select_one land_use", "threshold_land_use", T("Land use", "Usage des sols", "Uso del suelo"),
      required="yes", choice_filter="selected(${land_uses}, name)"),
    q("decimal", "value", T("Threshold value (number only)", "Valeur seuil (nombre uniquement)", "Valor umbral (solo el número)"),
      required="yes", constraint=". >= 0 and . < 1000000",
      constraint_message=T("Please enter a value from 0 to 999999.", "Veuillez saisir une valeur de 0 à 999999.",
                           "Introduzca un valor de 0 a 999999.")),
    q("select_one unit", "unit", T("Unit", "Unité", "Unidad"), required="yes", default="mg_kg"),
    q("select_one value_type", "value_type", T("Type of value", "Type de valeur", "Tipo de valor"), required="yes"),
    q("select_one basis or_other", "basis", T("Basis or extraction method", "Base ou méthode d'extraction", "Base o método de extracción"),
      required="yes"),
    q("text", "soil_conditions", T("pH or soil conditions the value applies to (optional)",
                                   "pH ou conditions du sol auxquels la valeur s'applique (facultatif)",
                                   "pH o condiciones del suelo a las que se aplica el valor (opcional)"),
      hint=T("For example: pH < 6, sandy soils.", "Par exemple : pH < 6, sols sableux.", "Por ejemplo: pH < 6, suelos arenosos.")),
    q("text", "instrument", T("Name of the legal instrument or guideline", "Nom de l'instrument juridique ou du guide",
                              "Nombre del instrumento jurídico o de la guía"), required="yes"),
    q("integer", "year", T("Year of adoption", "Année d'adoption", "Año de adopción"), required="yes",
      constraint=". >= 1950 and . <= 2026",
      constraint_message=T("Please enter a year between 1950 and 2026.", "Veuillez saisir une année entre 1950 et 2026.",
                           "Introduzca un año entre 1950 y 2026.")),
    q("text", "link", T("Link to the document (optional)", "Lien vers le document (facultatif)", "Enlace al documento (opcional)"),
      constraint="regex(., '^https?://')",
      constraint_message=T("Please enter a web address starting with http:// or https://.",
                           "Veuillez saisir une adresse web commençant par http:// ou https://.",
                           "Introduzca una dirección web que empiece por http:// o https://.")),
    q("end_repeat", "threshold"),
    q("calculate", "threshold_count", calculation="count(${threshold})"),
    q("begin_group", "policy", T("Policy", "Politique", "Política")),
    q("select_one yes_no", "in_discussions",
      T("Is your country involved in discussions on soil threshold values?",
        "Votre pays participe-t-il à des discussions sur les valeurs seuils des sols ?",
        "¿Participa su país en debates sobre valores umbral del suelo?"), required="yes"),
    q("select_one yes_no_dk", "working_toward",
      T("Is your country working toward adopting soil threshold values?",
        "Votre pays travaille-t-il à l'adoption de valeurs seuils pour les sols ?",
        "¿Trabaja su país para adoptar valores umbral del suelo?"),
      required="yes", relevant="${has_thresholds} != 'yes'"),
    q("select_multiple obstacle or_other", "obstacles",
      T("What stands in the way?", "Qu'est-ce qui fait obstacle ?", "¿Qué lo impide?"),
      hint=T("Choose all that apply.", "Choisissez toutes les réponses applicables.", "Elija todas las que correspondan."),
      required="yes", relevant="${working_toward} = 'yes' or ${working_toward} = 'no'"),
    q("end_group", "policy"),
    q("select_one yes_no", "consent_publish",
      T("Do you agree that INSOP publishes these answers, with your country named?",
        "Acceptez-vous que l'INSOP publie ces réponses en nommant votre pays ?",
        "¿Acepta que INSOP publique estas respuestas indicando su país?"),
      required="yes", required_message=REQUIRED_MESSAGE),
]

THRESHOLD_CHOICES = [
    *country_choices(),
    *choices("has_thresholds",
             ("yes", T("Yes", "Oui", "Sí")),
             ("in_preparation", T("In preparation", "En préparation", "En preparación")),
             ("no", T("No", "Non", "No")),
             ("dont_know", T("Don't know", "Je ne sais pas", "No lo sé"))),
    *choices("legal_status",
             ("binding", T("Legally binding", "Juridiquement contraignantes", "Jurídicamente vinculantes")),
             ("guideline", T("Guideline", "Indicatives", "Orientativos")),
             ("both", T("Both", "Les deux", "Ambos"))),
    *choices("land_use",
             ("agricultural", T("Agricultural", "Agricole", "Agrícola")),
             ("residential", T("Residential", "Résidentiel", "Residencial")),
             ("commercial", T("Commercial", "Commercial", "Comercial")),
             ("industrial", T("Industrial", "Industriel", "Industrial"))),
    *choices("pollutant",
             ("arsenic", T("Arsenic (As)", "Arsenic (As)", "Arsénico (As)")),
             ("cadmium", T("Cadmium (Cd)", "Cadmium (Cd)", "Cadmio (Cd)")),
             ("chromium", T("Chromium, total (Cr)", "Chrome total (Cr)", "Cromo total (Cr)")),
             ("chromium_vi", T("Chromium VI (Cr VI)", "Chrome VI (Cr VI)", "Cromo VI (Cr VI)")),
             ("copper", T("Copper (Cu)", "Cuivre (Cu)", "Cobre (Cu)")),
             ("lead", T("Lead (Pb)", "Plomb (Pb)", "Plomo (Pb)")),
             ("mercury", T("Mercury (Hg)", "Mercure (Hg)", "Mercurio (Hg)")),
             ("nickel", T("Nickel (Ni)", "Nickel (Ni)", "Níquel (Ni)")),
             ("zinc", T("Zinc (Zn)", "Zinc (Zn)", "Zinc (Zn)")),
             ("ddt", T("DDT", "DDT", "DDT")),
             ("lindane", T("Lindane", "Lindane", "Lindano")),
             ("tph", T("Total petroleum hydrocarbons (TPH)", "Hydrocarbures pétroliers totaux (HCT)",
                       "Hidrocarburos totales de petróleo (HTP)"))),
    *choices("unit", ("mg_kg", T("mg/kg")), ("ug_kg", T("µg/kg")), ("g_kg", T("g/kg"))),
    *choices("value_type",
             ("screening", T("Screening value", "Valeur de dépistage", "Valor de detección")),
             ("guideline", T("Guideline value", "Valeur guide", "Valor guía")),
             ("intervention", T("Intervention value", "Valeur d'intervention", "Valor de intervención")),
             ("limit", T("Limit value", "Valeur limite", "Valor límite")),
             ("background", T("Background value", "Valeur de fond", "Valor de fondo"))),
    *choices("basis",
             ("total", T("Total content", "Teneur totale", "Contenido total")),
             ("aqua_regia", T("Aqua regia", "Eau régale", "Agua regia")),
             ("extractable", T("Extractable", "Extractible", "Extraíble"))),
    *YES_NO,
    *YES_NO_DK,
    *choices("obstacle",
             ("lack_of_data", T("Lack of data", "Manque de données", "Falta de datos")),
             ("lack_of_funding", T("Lack of funding", "Manque de financement", "Falta de financiación")),
             ("lack_of_expertise", T("Lack of expertise", "Manque d'expertise", "Falta de conocimientos técnicos")),
             ("lab_capacity", T("Limited laboratory capacity", "Capacité de laboratoire limitée", "Capacidad de laboratorio limitada")),
             ("no_mandate", T("No legal mandate", "Pas de mandat juridique", "Sin mandato legal")),
             ("low_priority", T("Low political priority", "Faible priorité politique", "Baja prioridad política"))),
]

LAB_SURVEY = [
    q("note", "intro", T(
        "This INSOP survey maps soil laboratories' methods for pollutants and their interest in GLOSOLAN's harmonized procedures.",
        "Cette enquête de l'INSOP recense les méthodes des laboratoires pour les polluants des sols et leur intérêt pour les procédures harmonisées de GLOSOLAN.",
        "Esta encuesta de INSOP reúne los métodos de los laboratorios para contaminantes del suelo y su interés en los procedimientos armonizados de GLOSOLAN.")),
    q("text", "lab_name", T("Name of your laboratory", "Nom de votre laboratoire", "Nombre de su laboratorio"),
      required="yes", required_message=REQUIRED_MESSAGE),
    q("select_one country", "country", T("Country", "Pays", "País"), required="yes", appearance="autocomplete"),
    q("text", "region", T("Region or province (optional)", "Région ou province (facultatif)", "Región o provincia (opcional)")),
    q("select_one yes_no", "glosolan_aware",
      T("Are you aware of GLOSOLAN's harmonized standard operating procedures (SOPs) for soil pollutants?",
        "Connaissez-vous les modes opératoires normalisés (MON) harmonisés de GLOSOLAN pour les polluants des sols ?",
        "¿Conoce los procedimientos operativos estándar (POE) armonizados de GLOSOLAN para contaminantes del suelo?"),
      required="yes"),
    q("select_multiple pollutant_group or_other", "pollutant_groups",
      T("Which pollutants does your laboratory measure?", "Quels polluants votre laboratoire mesure-t-il ?",
        "¿Qué contaminantes mide su laboratorio?"),
      hint=T("Choose all that apply.", "Choisissez toutes les réponses applicables.", "Elija todas las que correspondan."),
      required="yes"),
    q("begin_group", "methods", T("Methods", "Méthodes", "Métodos")),
    q("select_multiple metal_method or_other", "method_metals_total",
      T("Methods for total heavy metals", "Méthodes pour les métaux lourds totaux", "Métodos para metales pesados totales"),
      required="yes", relevant="selected(${pollutant_groups}, 'heavy_metals_total')"),
    q("text", "method_metals_bioavailable",
      T("Methods for bioavailable heavy metals", "Méthodes pour les métaux lourds biodisponibles", "Métodos para metales pesados biodisponibles"),
      hint=T("For example: DTPA, CaCl2 or NH4NO3 extraction.", "Par exemple : extraction DTPA, CaCl2 ou NH4NO3.",
             "Por ejemplo: extracción con DTPA, CaCl2 o NH4NO3."),
      required="yes", relevant="selected(${pollutant_groups}, 'heavy_metals_bioavailable')"),
    q("text", "method_pesticides", T("Methods for pesticides", "Méthodes pour les pesticides", "Métodos para plaguicidas"),
      hint=T("For example: GC-MS, LC-MS/MS.", "Par exemple : GC-MS, LC-MS/MS.", "Por ejemplo: GC-MS, LC-MS/MS."),
      required="yes", relevant="selected(${pollutant_groups}, 'pesticides')"),
    q("text", "method_hhp", T("Methods for highly hazardous pesticides", "Méthodes pour les pesticides extrêmement dangereux",
                              "Métodos para plaguicidas altamente peligrosos"),
      required="yes", relevant="selected(${pollutant_groups}, 'hhp')"),
    q("text", "method_hydrocarbons", T("Methods for hydrocarbons", "Méthodes pour les hydrocarbures", "Métodos para hidrocarburos"),
      hint=T("For example: GC-FID for TPH C10–C40.", "Par exemple : GC-FID pour HCT C10–C40.", "Por ejemplo: GC-FID para HTP C10–C40."),
      required="yes", relevant="selected(${pollutant_groups}, 'hydrocarbons')"),
    q("text", "method_other", T("Methods for the other pollutants", "Méthodes pour les autres polluants", "Métodos para los demás contaminantes"),
      required="yes", relevant="selected(${pollutant_groups}, 'other')"),
    q("end_group", "methods"),
    q("select_one yes_no_maybe", "sop_participation",
      T("Would your laboratory take part in developing SOPs for soil pollutants?",
        "Votre laboratoire participerait-il à l'élaboration de MON pour les polluants des sols ?",
        "¿Participaría su laboratorio en la elaboración de POE para contaminantes del suelo?"),
      required="yes"),
    q("select_multiple training", "training_needs",
      T("Which training would help your laboratory?", "Quelles formations aideraient votre laboratoire ?",
        "¿Qué formación ayudaría a su laboratorio?"),
      required="yes", constraint="not(selected(., 'none') and count-selected(.) > 1)",
      constraint_message=T("'None' cannot be combined with other options.",
                           "« Aucune » ne peut pas être combinée avec d'autres options.",
                           "«Ninguna» no se puede combinar con otras opciones.")),
    q("text", "comments", T("Any comments (optional)", "Commentaires (facultatif)", "Comentarios (opcional)")),
]

LAB_CHOICES = [
    *country_choices(),
    *YES_NO,
    *choices("yes_no_maybe", ("yes", T("Yes", "Oui", "Sí")), ("maybe", T("Maybe", "Peut-être", "Quizás")), ("no", T("No", "Non", "No"))),
    *choices("pollutant_group",
             ("heavy_metals_total", T("Heavy metals (total)", "Métaux lourds (total)", "Metales pesados (total)")),
             ("heavy_metals_bioavailable", T("Bioavailable heavy metals", "Métaux lourds biodisponibles", "Metales pesados biodisponibles")),
             ("pesticides", T("Pesticides", "Pesticides", "Plaguicidas")),
             ("hhp", T("Highly hazardous pesticides", "Pesticides extrêmement dangereux", "Plaguicidas altamente peligrosos")),
             ("hydrocarbons", T("Hydrocarbons", "Hydrocarbures", "Hidrocarburos"))),
    *choices("metal_method",
             ("aqua_regia_icp", T("Aqua regia digestion + ICP", "Digestion à l'eau régale + ICP", "Digestión con agua regia + ICP")),
             ("aqua_regia_aas", T("Aqua regia digestion + AAS", "Digestion à l'eau régale + SAA", "Digestión con agua regia + EAA")),
             ("microwave", T("Microwave acid digestion", "Digestion acide par micro-ondes", "Digestión ácida por microondas")),
             ("xrf", T("X-ray fluorescence (XRF)", "Fluorescence X (XRF)", "Fluorescencia de rayos X (FRX)"))),
    *choices("training",
             ("webinars", T("Webinars", "Webinaires", "Seminarios web")),
             ("in_person", T("In-person training", "Formation en présentiel", "Formación presencial")),
             ("none", T("None", "Aucune", "Ninguna"))),
]


def write_form(path: Path, survey: list[dict], choice_rows: list[dict], settings: dict[str, str]) -> None:
    """Write one XLSForm workbook with survey, choices and settings sheets."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "survey"
    translated = [f"{column}::{name} ({code})" for column in TRANSLATED_COLUMNS for name, code in LANGUAGES]
    header = ["type", "name", *translated, *PLAIN_COLUMNS]
    sheet.append(header)
    for row in survey:
        cells = {"type": row["type"], "name": row["name"]}
        for column in TRANSLATED_COLUMNS:
            for name, code in LANGUAGES:
                cells[f"{column}::{name} ({code})"] = (row.get(column) or {}).get(code, "")
        for column in PLAIN_COLUMNS:
            cells[column] = row.get(column, "")
        sheet.append([cells.get(column) or None for column in header])
    choice_sheet = workbook.create_sheet("choices")
    choice_header = ["list_name", "name", *[f"label::{name} ({code})" for name, code in LANGUAGES]]
    choice_sheet.append(choice_header)
    for row in choice_rows:
        choice_sheet.append([row["list_name"], row["name"], *[row["label"].get(code) or None for _name, code in LANGUAGES]])
    settings_sheet = workbook.create_sheet("settings")
    settings_sheet.append(list(settings))
    settings_sheet.append(list(settings.values()))
    workbook.save(path)


def build() -> list[Path]:
    """Write both shipped forms next to this script and return their paths."""
    forms = [
        (HERE / "threshold_survey.xlsx", THRESHOLD_SURVEY, THRESHOLD_CHOICES,
         {"form_title": "INSOP soil threshold values", "form_id": "insop_thresholds", "version": "2025060101",
          "default_language": "English (en)"}),
        (HERE / "lab_sop_survey.xlsx", LAB_SURVEY, LAB_CHOICES,
         {"form_title": "INSOP soil laboratory SOP survey", "form_id": "insop_lab_sop", "version": "2025060101",
          "default_language": "English (en)"}),
    ]
    for path, survey, choice_rows, settings in forms:
        write_form(path, survey, choice_rows, settings)
    return [path for path, *_rest in forms]


if __name__ == "__main__":
    for written in build():
        print(f"wrote {written}")
