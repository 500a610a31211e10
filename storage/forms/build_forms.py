"""Write the shipped XLSForms (threshold_survey.xlsx, lab_sop_survey.xlsx) from the readable data below.

Run: python storage/forms/build_forms.py   (then `git diff` shows wording changes here, not in binary files)

A published version never changes: a new version gets a new `version` below and is published next to the
old one at the next start (drafts of the old one stay answerable). Before building a new version, copy the
shipped files to `previous/<name>_<old version>.xlsx`: the first versions (2025060101) and 2026113001 are
kept there, and `bot/reports/indicators.FORM_ANSWERS` reads the answers of every version.

2026113002: the survey texts rechecked against the translation review (French "Politique", "laboratoires
d’analyse des sols", Spanish "valores umbral para suelos"), the Netherlands under their UN name, and an
optional `file` question (`instr_file`) after each instrument's link: the member sends the official text.

2026113003: the questions that name the person (`resp_name`, `resp_email`; in the lab survey `contact_name`,
`contact_email`) carry `bind::insop:personal` = yes (namespace `insop` declared in the settings sheet), and
/forget erases their answers from the member's submitted surveys. Earlier versions lack the column: /forget
takes the question names marked in the current version for them too.

2026113004: fewer messages per key value (issue 16's burden target). What crossing the values means (tier),
their name in the document, whether the document gives one number, a range or "must not be detected", and
whether some values apply only in a pH band are asked once per instrument, like unit, basis and target; per
value only where the instrument says they differ ("Differs between values") or that some values depend on pH.
Earlier versions asked the four for every value; `survey_entries` reads both. Each key value carries the
answers that apply to it (`val_unit_used`, `val_form_used`, `val_tier_used`, `val_name_used`, `val_basis_used`,
`val_target_used`), so an export's key-value rows need no join on their instrument. The pollutant list marks the
eight metals most instruments regulate (choices column `featured`): the chat offers them as buttons.
"""

from __future__ import annotations

import sys
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))  # run as a script: the bot's country names and pollutant catalogue

VERSION = "2026113004"
LANGUAGES = [
    ("English", "en"),
    ("French", "fr"),
    ("Spanish", "es"),
    ("Arabic", "ar"),
    ("Chinese", "zh"),
    ("Russian", "ru"),
]
TRANSLATED_COLUMNS = ("label", "hint", "required_message", "constraint_message")
PLAIN_COLUMNS = (
    "required",
    "relevant",
    "constraint",
    "choice_filter",
    "default",
    "calculation",
    "appearance",
    "body::accept",
    "bind::insop:personal",
)
# Declares the prefix of `bind::insop:personal` (bot/survey/loader.PERSONAL_BIND) so the XForm stays valid.
NAMESPACES = 'insop="https://insop.fao.org/xforms"'
PERSONAL = {"bind::insop:personal": "yes"}


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
    """FAO's member nations with their UN names in the six languages (storage/seed/un_country_names.csv, else CLDR)."""
    from bot.countries import FAO_MEMBERS
    from bot.countries import country_choices as all_countries

    rows = all_countries(tuple(code for _language, code in LANGUAGES), members=FAO_MEMBERS)
    assert len(rows) == len(FAO_MEMBERS), sorted(FAO_MEMBERS - {row["name"] for row in rows})
    return rows


REQUIRED_MESSAGE = T(
    "This answer is required.",
    "Cette réponse est obligatoire.",
    "Esta respuesta es obligatoria.",
    ar="هذه الإجابة مطلوبة.",
    zh="此项为必答题。",
    ru="Это обязательный вопрос.",
)

YES_NO = choices(
    "yes_no",
    ("yes", T("Yes", "Oui", "Sí", ar="نعم", zh="是", ru="Да")),
    ("no", T("No", "Non", "No", ar="لا", zh="否", ru="Нет")),
)
YES_NO_DK = choices(
    "yes_no_dk",
    ("yes", T("Yes", "Oui", "Sí", ar="نعم", zh="是", ru="Да")),
    ("no", T("No", "Non", "No", ar="لا", zh="否", ru="Нет")),
    ("dont_know", T("Don't know", "Je ne sais pas", "No lo sé", ar="لا أعرف", zh="不知道", ru="Не знаю")),
)


# ---------------------------------------------------------------- shared texts

CHOOSE_ALL = T(
    "Choose all that apply.",
    "Choisissez toutes les réponses applicables.",
    "Elija todas las que correspondan.",
    ar="اختر كل ما ينطبق.",
    zh="请选择所有适用项。",
    ru="Выберите все подходящие варианты.",
)
UP_TO_THREE = T(
    "Choose up to three.",
    "Choisissez-en trois au maximum.",
    "Elija hasta tres.",
    ar="اختر ثلاثة خيارات على الأكثر.",
    zh="最多选择三项。",
    ru="Выберите не более трёх вариантов.",
)
AT_MOST_THREE = T(
    "Please choose at most three.",
    "Veuillez en choisir trois au maximum.",
    "Elija como máximo tres.",
    ar="يُرجى اختيار ثلاثة خيارات على الأكثر.",
    zh="最多只能选择三项。",
    ru="Выберите не более трёх вариантов.",
)
NONE_ALONE = T(
    "“None” cannot be combined with other options.",
    "«\u202fAucun\u202f» ne peut pas être combiné avec d’autres options.",
    "«Ninguno» no se puede combinar con otras opciones.",
    ar="لا يمكن الجمع بين «لا شيء» وخيارات أخرى.",
    zh="“无”不能与其他选项同时选择。",
    ru="Вариант «Нет» нельзя сочетать с другими.",
)
SPECIFY_OTHER = T(
    "Please say which.",
    "Veuillez préciser.",
    "Especifique cuál.",
    ar="يُرجى التوضيح.",
    zh="请具体说明。",
    ru="Уточните, пожалуйста.",
)
EMAIL_CONSTRAINT = r"regex(., '^[^@ ]+@[^@ ]+\.[^@ ]+$')"
EMAIL_MESSAGE = T(
    "Please enter an e-mail address such as name@example.org.",
    "Veuillez saisir une adresse électronique du type nom@exemple.org.",
    "Introduzca una dirección de correo electrónico como nombre@ejemplo.org.",
    ar="يُرجى إدخال عنوان بريد إلكتروني مثل name@example.org.",
    zh="请输入电子邮件地址，例如 name@example.org。",
    ru="Введите адрес электронной почты, например name@example.org.",
)
LINK_MESSAGE = T(
    "Please enter a web address starting with http:// or https://.",
    "Veuillez saisir une adresse web commençant par http:// ou https://.",
    "Introduzca una dirección web que empiece por http:// o https://.",
    ar="يُرجى إدخال عنوان ويب يبدأ بـ http:// أو https://.",
    zh="请输入以 http:// 或 https:// 开头的网址。",
    ru="Введите веб-адрес, начинающийся с http:// или https://.",
)
YEAR_CONSTRAINT = ". >= 1900 and . <= number(substring(today(), 1, 4))"
YEAR_MESSAGE = T(
    "Please enter a year from 1900 to this year.",
    "Veuillez saisir une année comprise entre 1900 et cette année.",
    "Introduzca un año entre 1900 y el año en curso.",
    ar="يُرجى إدخال سنة بين 1900 والسنة الحالية.",
    zh="请输入1900年至今年之间的年份。",
    ru="Введите год от 1900 до текущего.",
)
OPTIONAL = {"required": ""}


def other_text(name: str, relevant: str) -> dict:
    """The translated follow-up of an "other" choice (pyxform's or_other is English only in Kobo/ODK)."""
    return q("text", name, SPECIFY_OTHER, required="yes", required_message=REQUIRED_MESSAGE, relevant=relevant)


# ---------------------------------------------------------------- threshold survey (version 2026113001)
# Built around the legal instrument: one repeat per instrument, with an optional nested repeat of its
# key values; the two P2 indicators have their own questions (discussions in the last two years with
# their forums, the regulatory stage); consent has three levels and is enforced by the bot.

HAS_VALUES = "${has_thresholds} = 'yes' or ${has_thresholds} = 'in_preparation'"
METALS = "'arsenic cadmium chromium chromium_vi copper lead mercury nickel zinc'"

THRESHOLD_SURVEY = [
    q(
        "note",
        "intro",
        T(
            "This INSOP survey maps your country's soil threshold values for pollutants: values set by a law, regulation or "
            "official guideline that say when a concentration in soil calls for protection, assessment or action (not "
            "research values). It feeds the INSOP action plan (pillar 2) and FAO's SoiLEX database. One official answer per "
            'country: the GSP focal point\'s answer counts first. Answer for the situation today; "the last two years" means '
            "since the same month two years ago. About 10 minutes, plus about 1 minute per value you type.",
            "Cette enquête de l’INSOP recense les valeurs seuils des polluants dans les sols de votre pays\u202f: valeurs fixées "
            "par une loi, un règlement ou une ligne directrice officielle, qui indiquent à partir de quelle concentration une "
            "protection, une évaluation ou une intervention s’impose (et non des valeurs de recherche). Elle alimente le plan "
            "d’action de l’INSOP (pilier 2) et la base de données SoiLEX de la FAO. Une réponse officielle par pays\u202f: celle "
            "du point focal du PMS compte en premier. Répondez pour la situation actuelle\u202f; «\u202fles deux dernières "
            "années\u202f» signifie depuis le même mois il y a deux ans. Environ 10 minutes, plus environ 1 minute par valeur saisie.",
            "Esta encuesta de INSOP recopila los valores umbral de contaminantes en los suelos de su país: valores fijados por "
            "una ley, un reglamento o una directriz oficial que indican a partir de qué concentración en el suelo se requiere "
            "protección, evaluación o intervención (no valores de investigación). Alimenta el plan de acción de INSOP (pilar 2) "
            "y la base de datos SoiLEX de la FAO. Una respuesta oficial por país: cuenta primero la del punto focal de la AMS. "
            "Responda según la situación actual; «los dos últimos años» significa desde el mismo mes de hace dos años. Unos 10 "
            "minutos, más 1 minuto aproximadamente por cada valor que escriba.",
            ar="يرصد هذا الاستبيان الخاص بالشبكة الدولية المعنية بتلوث التربة (INSOP) القيم الحدية للملوثات في تربة بلدك، أي القيم التي "
            "يحددها قانون أو لائحة أو دليل إرشادي رسمي وتبيّن التركيز الذي يستدعي الحماية أو التقييم أو التدخل (لا القيم البحثية). "
            "ويغذي خطة عمل الشبكة (الركيزة 2) وقاعدة بيانات SoiLEX لدى منظمة الأغذية والزراعة. إجابة رسمية واحدة لكل بلد: تُحتسب "
            "إجابة جهة الاتصال الوطنية للشراكة العالمية من أجل التربة أولًا. أجب وفق الوضع الحالي؛ وتعني «السنتان الماضيتان» الفترة "
            "منذ الشهر نفسه قبل سنتين. يستغرق نحو 10 دقائق، مع دقيقة إضافية تقريبًا لكل قيمة تكتبها.",
            zh="本次国际土壤污染网络（INSOP）调查旨在了解贵国的土壤污染物阈值，即由法律、法规或官方指南规定、表明土壤中污染物浓度达到何种水平"
            "需要保护、评估或采取行动的数值（不包括研究数值）。调查结果将用于INSOP行动计划（支柱2）和粮农组织SoiLEX数据库。每个国家一份"
            "正式答复：优先采用全球土壤伙伴关系国家联络人的答复。请按当前情况作答；“过去两年”指自两年前同月起。约需10分钟，每填写一个数值"
            "另需约1分钟。",
            ru="Этот опрос INSOP собирает сведения о пороговых значениях содержания загрязняющих веществ в почвах вашей страны: значениях, "
            "установленных законом, нормативным актом или официальным руководством, при превышении которых требуется защита, оценка или "
            "принятие мер (а не исследовательских значениях). Ответы используются в плане действий INSOP (направление 2) и в базе данных "
            "ФАО SoiLEX. Одна официальная анкета от страны: в первую очередь учитывается ответ национального координатора ГПП. Отвечайте "
            "применительно к текущей ситуации; «последние два года» — с того же месяца два года назад. Около 10 минут и примерно "
            "1 минута на каждое вводимое значение.",
        ),
    ),
    q(
        "begin_group",
        "respondent",
        T("About you", "À propos de vous", "Sobre usted", ar="معلومات عنك", zh="关于您", ru="О вас"),
    ),
    q(
        "select_one country",
        "country",
        T(
            "Which country are you answering about?",
            "Pour quel pays répondez-vous\u202f?",
            "¿Sobre qué país responde?",
            ar="عن أي بلد تجيب؟",
            zh="您代表哪个国家作答？",
            ru="О какой стране вы отвечаете?",
        ),
        hint=T(
            "Type the country name.",
            "Saisissez le nom du pays.",
            "Escriba el nombre del país.",
            ar="اكتب اسم البلد.",
            zh="请输入国家名称。",
            ru="Введите название страны.",
        ),
        required="yes",
        required_message=REQUIRED_MESSAGE,
        appearance="autocomplete",
    ),
    q(
        "select_one capacity",
        "resp_capacity",
        T(
            "In what capacity are you answering?",
            "À quel titre répondez-vous\u202f?",
            "¿En calidad de qué responde?",
            ar="بأي صفة تجيب؟",
            zh="您以何种身份作答？",
            ru="В каком качестве вы отвечаете?",
        ),
        required="yes",
    ),
    q(
        "text",
        "resp_name",
        T(
            "Your full name",
            "Vos prénom et nom",
            "Su nombre completo",
            ar="اسمك الكامل",
            zh="您的全名",
            ru="Ваши фамилия и имя",
        ),
        required="yes",
        required_message=REQUIRED_MESSAGE,
        **PERSONAL,
    ),
    q(
        "text",
        "resp_email",
        T(
            "Your work e-mail",
            "Votre adresse électronique professionnelle",
            "Su correo electrónico de trabajo",
            ar="بريدك الإلكتروني المهني",
            zh="您的工作电子邮箱",
            ru="Ваш рабочий адрес электронной почты",
        ),
        required="yes",
        constraint=EMAIL_CONSTRAINT,
        constraint_message=EMAIL_MESSAGE,
        **PERSONAL,
    ),
    q(
        "text",
        "institution",
        T(
            "Which institution do you work for?",
            "Pour quelle institution travaillez-vous\u202f?",
            "¿En qué institución trabaja?",
            ar="في أي مؤسسة تعمل؟",
            zh="您在哪个机构工作？",
            ru="В какой организации вы работаете?",
        ),
        required="yes",
        required_message=REQUIRED_MESSAGE,
    ),
    q(
        "select_one validated",
        "validated",
        T(
            "Have these answers been checked with the authority responsible for soil pollution rules?",
            "Ces réponses ont-elles été vérifiées avec l’autorité chargée de la réglementation de la pollution des sols\u202f?",
            "¿Se han verificado estas respuestas con la autoridad responsable de las normas sobre contaminación del suelo?",
            ar="هل رُوجعت هذه الإجابات مع السلطة المسؤولة عن قواعد تلوث التربة؟",
            zh="这些答复是否已与负责土壤污染法规的主管部门核实？",
            ru="Согласованы ли эти ответы с органом, отвечающим за нормы в области загрязнения почв?",
        ),
        required="yes",
    ),
    q("end_group", "respondent"),
    q(
        "begin_group",
        "status",
        T(
            "Soil threshold values",
            "Valeurs seuils des sols",
            "Valores umbral para suelos",
            ar="القيم الحدية للتربة",
            zh="土壤阈值",
            ru="Пороговые значения для почв",
        ),
    ),
    q(
        "select_one has_thresholds",
        "has_thresholds",
        T(
            "Does your country have national soil threshold values for pollutants?",
            "Votre pays dispose-t-il de valeurs seuils nationales pour les polluants des sols\u202f?",
            "¿Tiene su país valores umbral nacionales para contaminantes del suelo?",
            ar="هل لدى بلدك قيم حدية وطنية للملوثات في التربة؟",
            zh="贵国是否制定了国家级土壤污染物阈值？",
            ru="Есть ли в вашей стране национальные пороговые значения содержания загрязняющих веществ в почвах?",
        ),
        required="yes",
        required_message=REQUIRED_MESSAGE,
    ),
    q(
        "select_one yes_no_dk",
        "subnational_values",
        T(
            "Do states or provinces of your country set their own values?",
            "Des États ou provinces de votre pays fixent-ils leurs propres valeurs\u202f?",
            "¿Fijan los estados o provincias de su país sus propios valores?",
            ar="هل تضع الولايات أو المقاطعات في بلدك قيمًا خاصة بها؟",
            zh="贵国的州或省是否自行制定数值？",
            ru="Устанавливают ли штаты или провинции вашей страны собственные значения?",
        ),
        required="yes",
    ),
    q(
        "select_multiple reference",
        "refs_in_practice",
        T(
            "Which other values are used in practice in your country?",
            "Quelles autres valeurs sont utilisées en pratique dans votre pays\u202f?",
            "¿Qué otros valores se utilizan en la práctica en su país?",
            ar="ما القيم الأخرى المستخدمة عمليًا في بلدك؟",
            zh="贵国在实践中还使用哪些其他数值？",
            ru="Какие другие значения применяются на практике в вашей стране?",
        ),
        hint=CHOOSE_ALL,
        required="yes",
        constraint="not(selected(., 'none') and count-selected(.) > 1)",
        constraint_message=NONE_ALONE,
    ),
    other_text("refs_in_practice_other", "selected(${refs_in_practice}, 'other')"),
    q(
        "select_multiple pollutant_group",
        "coverage_groups",
        T(
            "For which groups of pollutants are values set or being prepared?",
            "Pour quels groupes de polluants des valeurs sont-elles fixées ou en préparation\u202f?",
            "¿Para qué grupos de contaminantes hay valores fijados o en preparación?",
            ar="ما مجموعات الملوثات التي حُددت لها قيم أو يجري إعدادها؟",
            zh="已为哪些污染物类别制定或正在制定数值？",
            ru="Для каких групп загрязняющих веществ установлены или готовятся значения?",
        ),
        hint=CHOOSE_ALL,
        required="yes",
        relevant=HAS_VALUES,
    ),
]

POLLUTANT_GROUPS = (
    (
        "metals",
        T(
            "Metals and metalloids",
            "Métaux et métalloïdes",
            "Metales y metaloides",
            ar="المعادن وأشباه المعادن",
            zh="金属和类金属",
            ru="Металлы и металлоиды",
        ),
    ),
    (
        "pesticides_pop",
        T(
            "Obsolete or POP pesticides (DDT, HCH, drins…)",
            "Pesticides obsolètes ou POP (DDT, HCH, drines…)",
            "Plaguicidas obsoletos o COP (DDT, HCH, drines…)",
            ar="مبيدات الآفات المتقادمة أو الثابتة (DDT وHCH والدرينات…)",
            zh="过期农药或持久性有机污染物农药（滴滴涕、六六六、艾氏剂类等）",
            ru="Устаревшие пестициды и пестициды — СОЗ (ДДТ, ГХЦГ, дрины…)",
        ),
    ),
    (
        "pesticides_current",
        T(
            "Pesticides in current use",
            "Pesticides actuellement utilisés",
            "Plaguicidas de uso actual",
            ar="مبيدات الآفات المستخدمة حاليًا",
            zh="现用农药",
            ru="Применяемые в настоящее время пестициды",
        ),
    ),
    (
        "petroleum",
        T(
            "Petroleum hydrocarbons",
            "Hydrocarbures pétroliers",
            "Hidrocarburos de petróleo",
            ar="الهيدروكربونات البترولية",
            zh="石油烃",
            ru="Нефтяные углеводороды",
        ),
    ),
    ("pah", T("PAHs", "HAP", "HAP", ar="الهيدروكربونات العطرية متعددة الحلقات", zh="多环芳烃", ru="ПАУ")),
    (
        "pcb_dioxins",
        T(
            "PCBs, dioxins and furans",
            "PCB, dioxines et furanes",
            "PCB, dioxinas y furanos",
            ar="ثنائيات الفينيل متعددة الكلور والديوكسينات والفيورانات",
            zh="多氯联苯、二噁英和呋喃",
            ru="ПХБ, диоксины и фураны",
        ),
    ),
    (
        "pfas",
        T(
            "PFAS",
            "PFAS",
            "PFAS",
            ar="المواد البيرفلورو ألكيلية ومتعددة الفلورو ألكيل (PFAS)",
            zh="全氟和多氟烷基物质（PFAS）",
            ru="ПФАС",
        ),
    ),
    (
        "other_organic",
        T(
            "Other organic pollutants (solvents, BTEX…)",
            "Autres polluants organiques (solvants, BTEX…)",
            "Otros contaminantes orgánicos (disolventes, BTEX…)",
            ar="ملوثات عضوية أخرى (المذيبات وBTEX…)",
            zh="其他有机污染物（溶剂、苯系物等）",
            ru="Другие органические загрязняющие вещества (растворители, BTEX…)",
        ),
    ),
)
_COVERAGE_QUESTION = T(
    "{group}: for which land uses?",
    "{group}\u202f: pour quels usages des sols\u202f?",
    "{group}: ¿para qué usos del suelo?",
    ar="{group}: لأي استخدامات الأراضي؟",
    zh="{group}：适用于哪些土地用途？",
    ru="{group}: для каких видов землепользования?",
)


def coverage_rows() -> list[dict]:
    """The gap matrix: for each pollutant group covered, the land uses its values apply to."""
    return [
        q(
            "select_multiple matrix_land_use",
            f"coverage_{name}",
            {lang: template.format(group=label[lang]) for lang, template in _COVERAGE_QUESTION.items()},
            hint=CHOOSE_ALL,
            required="yes",
            relevant=f"selected(${{coverage_groups}}, '{name}')",
        )
        for name, label in POLLUTANT_GROUPS
    ]


REG_STAGE_INCONSISTENT = (
    "not(${has_thresholds} = 'no' and (. = 'adopted_not_in_force' or . = 'in_force_revising' or . = 'in_force'))"
)
WORKING_STAGES = "'drafting consultation adopted_not_in_force'"

THRESHOLD_SURVEY += [
    *coverage_rows(),
    q("end_group", "status"),
    q("begin_group", "policy", T("Policy", "Politique", "Política", ar="السياسات", zh="政策", ru="Политика")),
    q(
        "select_one reg_stage",
        "reg_stage",
        T(
            "Which stage best describes national soil threshold values in your country's regulation?",
            "Quelle étape décrit le mieux les valeurs seuils nationales des sols dans la réglementation de votre pays\u202f?",
            "¿Qué etapa describe mejor los valores umbral nacionales para suelos en la normativa de su país?",
            ar="ما المرحلة التي تصف على أفضل وجه وضع القيم الحدية الوطنية للتربة في لوائح بلدك؟",
            zh="以下哪个阶段最能描述贵国法规中国家土壤阈值的现状？",
            ru="Какой этап лучше всего описывает положение национальных пороговых значений для почв в нормативной базе вашей страны?",
        ),
        required="yes",
        constraint=REG_STAGE_INCONSISTENT,
        constraint_message=T(
            "You said your country has no national values: they cannot be in force.",
            "Vous avez indiqué que votre pays n’a pas de valeurs nationales\u202f: elles ne peuvent pas être en vigueur.",
            "Indicó que su país no tiene valores nacionales: no pueden estar en vigor.",
            ar="ذكرتَ أنه لا توجد قيم وطنية في بلدك، فلا يمكن أن تكون نافذة.",
            zh="您已表示贵国没有国家级数值，因此不可能已经生效。",
            ru="Вы указали, что в вашей стране нет национальных значений: они не могут действовать.",
        ),
    ),
    q(
        "integer",
        "expected_year",
        T(
            "In which year do you expect them to be adopted? (optional)",
            "En quelle année prévoyez-vous leur adoption\u202f? (facultatif)",
            "¿En qué año prevé que se adopten? (opcional)",
            ar="في أي سنة تتوقع اعتمادها؟ (اختياري)",
            zh="预计哪一年通过？（选填）",
            ru="В каком году вы ожидаете их принятия? (необязательно)",
        ),
        relevant=f"selected({WORKING_STAGES}, ${{reg_stage}})",
        constraint=". >= 2020 and . <= 2060",
        constraint_message=T(
            "Please enter a year from 2020 to 2060.",
            "Veuillez saisir une année entre 2020 et 2060.",
            "Introduzca un año entre 2020 y 2060.",
            ar="يُرجى إدخال سنة بين 2020 و2060.",
            zh="请输入2020至2060年之间的年份。",
            ru="Введите год от 2020 до 2060.",
        ),
    ),
    q(
        "select_one yes_no_dk",
        "discussions_2y",
        T(
            "In the last two years, has a government body of your country taken part in formal discussions on establishing "
            "or revising soil threshold values?",
            "Au cours des deux dernières années, un organisme public de votre pays a-t-il participé à des discussions formelles "
            "sur l’établissement ou la révision de valeurs seuils pour les sols\u202f?",
            "En los dos últimos años, ¿ha participado un organismo público de su país en debates formales sobre el establecimiento "
            "o la revisión de valores umbral para suelos?",
            ar="خلال السنتين الماضيتين، هل شاركت هيئة حكومية في بلدك في مناقشات رسمية بشأن وضع قيم حدية للتربة أو مراجعتها؟",
            zh="过去两年中，贵国是否有政府机构参加过关于制定或修订土壤阈值的正式讨论？",
            ru="Участвовал ли за последние два года государственный орган вашей страны в официальных обсуждениях установления или "
            "пересмотра пороговых значений для почв?",
        ),
        required="yes",
        required_message=REQUIRED_MESSAGE,
    ),
    q(
        "select_multiple forum",
        "discussion_forums",
        T(
            "In which forums?",
            "Dans quelles instances\u202f?",
            "¿En qué foros?",
            ar="في أي منتديات؟",
            zh="在哪些论坛或机制中？",
            ru="В каких форматах?",
        ),
        hint=CHOOSE_ALL,
        required="yes",
        relevant="${discussions_2y} = 'yes'",
    ),
    other_text("discussion_forums_other", "selected(${discussion_forums}, 'other')"),
    q("end_group", "policy"),
]

SINGLE = "${val_form_used} = 'single'"
UNIT_CHECK = (
    f"{SINGLE} and (${{val_unit_used}} = 'mg_kg' or ${{val_unit_used}} = 'ug_kg' or ${{val_unit_used}} = 'g_kg') and "
    f"((selected({METALS}, ${{pollutant}}) and (${{val_mg_kg}} < 0.05 or ${{val_mg_kg}} > 20000)) "
    "or ${val_mg_kg} > 100000)"
)

THRESHOLD_SURVEY += [
    q(
        "begin_repeat",
        "instrument",
        T(
            "Legal instrument or official guideline",
            "Instrument juridique ou ligne directrice officielle",
            "Instrumento jurídico o directriz oficial",
            ar="صك قانوني أو دليل إرشادي رسمي",
            zh="法律文书或官方指南",
            ru="Правовой акт или официальное руководство",
        ),
        relevant=HAS_VALUES,
    ),
    q("calculate", "instrument_number", calculation="position(..)"),
    q(
        "note",
        "instrument_intro",
        T(
            "Instrument no. ${instrument_number}: one law, regulation, standard or official guideline that sets soil values. "
            "You can give a link to the document instead of typing its values.",
            "Instrument n°\u202f${instrument_number}\u202f: une loi, un règlement, une norme ou une ligne directrice officielle qui "
            "fixe des valeurs pour les sols. Vous pouvez donner un lien vers le document au lieu d’en saisir les valeurs.",
            "Instrumento n.º ${instrument_number}: una ley, un reglamento, una norma o una directriz oficial que fija valores "
            "para el suelo. Puede dar un enlace al documento en lugar de escribir sus valores.",
            ar="الصك رقم ${instrument_number}: قانون أو لائحة أو معيار أو دليل إرشادي رسمي يحدد قيمًا للتربة. يمكنك تقديم رابط "
            "إلى الوثيقة بدلًا من كتابة قيمها.",
            zh="第${instrument_number}项文书：规定土壤数值的一部法律、法规、标准或官方指南。您可以提供文件链接，而不必逐一填写数值。",
            ru="Документ № ${instrument_number}: закон, нормативный акт, стандарт или официальное руководство, устанавливающие "
            "значения для почв. Вместо ввода значений можно дать ссылку на документ.",
        ),
    ),
    q(
        "text",
        "instr_title",
        T(
            "Title of the instrument",
            "Titre de l’instrument",
            "Título del instrumento",
            ar="عنوان الصك",
            zh="文书名称",
            ru="Название документа",
        ),
        required="yes",
        required_message=REQUIRED_MESSAGE,
    ),
    q(
        "text",
        "instr_number",
        T(
            "Official number, if any (e.g. GB 15618-2018) (optional)",
            "Numéro officiel, le cas échéant (par ex. GB 15618-2018) (facultatif)",
            "Número oficial, si lo hay (p. ej., GB 15618-2018) (opcional)",
            ar="الرقم الرسمي إن وُجد (مثل GB 15618-2018) (اختياري)",
            zh="正式编号（如有，例如GB 15618-2018）（选填）",
            ru="Официальный номер, если есть (например, GB 15618-2018) (необязательно)",
        ),
    ),
    q(
        "text",
        "instr_authority",
        T(
            "Issuing authority",
            "Autorité émettrice",
            "Autoridad emisora",
            ar="الجهة المُصدِرة",
            zh="发布机构",
            ru="Орган, принявший документ",
        ),
        required="yes",
        required_message=REQUIRED_MESSAGE,
    ),
    q(
        "select_one level",
        "instr_level",
        T(
            "Does it apply nationally or in part of the country?",
            "S’applique-t-il à l’échelle nationale ou dans une partie du pays\u202f?",
            "¿Se aplica a nivel nacional o en una parte del país?",
            ar="هل يُطبَّق على المستوى الوطني أم في جزء من البلد؟",
            zh="适用于全国还是部分地区？",
            ru="Действует ли он по всей стране или в её части?",
        ),
        required="yes",
    ),
    q(
        "text",
        "instr_area",
        T(
            "Which state, province or area?",
            "Quel État, quelle province ou quelle zone\u202f?",
            "¿Qué estado, provincia o zona?",
            ar="أي ولاية أو مقاطعة أو منطقة؟",
            zh="哪个州、省或地区？",
            ru="Какой штат, провинция или территория?",
        ),
        required="yes",
        relevant="${instr_level} = 'subnational'",
    ),
    q(
        "select_one legal_status",
        "instr_status",
        T(
            "Legal status",
            "Statut juridique",
            "Carácter jurídico",
            ar="الوضع القانوني",
            zh="法律效力",
            ru="Правовой статус",
        ),
        required="yes",
    ),
    q(
        "select_one in_force",
        "instr_in_force",
        T(
            "Is it in force?",
            "Est-il en vigueur\u202f?",
            "¿Está en vigor?",
            ar="هل هو نافذ؟",
            zh="是否有效？",
            ru="Действует ли он?",
        ),
        required="yes",
    ),
    q(
        "integer",
        "instr_year",
        T(
            "Year of adoption (optional)",
            "Année d’adoption (facultatif)",
            "Año de adopción (opcional)",
            ar="سنة الاعتماد (اختياري)",
            zh="通过年份（选填）",
            ru="Год принятия (необязательно)",
        ),
        constraint=YEAR_CONSTRAINT,
        constraint_message=YEAR_MESSAGE,
    ),
    q(
        "integer",
        "instr_amended",
        T(
            "Year of the last amendment (optional)",
            "Année de la dernière modification (facultatif)",
            "Año de la última modificación (opcional)",
            ar="سنة آخر تعديل (اختياري)",
            zh="最近一次修订年份（选填）",
            ru="Год последнего изменения (необязательно)",
        ),
        constraint=YEAR_CONSTRAINT + " and (not(${instr_year}) or . >= ${instr_year})",
        constraint_message=YEAR_MESSAGE,
    ),
    q(
        "select_multiple scope",
        "instr_scope",
        T(
            "What does it cover?",
            "Que couvre-t-il\u202f?",
            "¿Qué abarca?",
            ar="ما الذي يغطيه؟",
            zh="涵盖哪些方面？",
            ru="Что он охватывает?",
        ),
        hint=CHOOSE_ALL,
        required="yes",
    ),
    q(
        "text",
        "instr_link",
        T(
            "Link to the document (optional)",
            "Lien vers le document (facultatif)",
            "Enlace al documento (opcional)",
            ar="رابط الوثيقة (اختياري)",
            zh="文件链接（选填）",
            ru="Ссылка на документ (необязательно)",
        ),
        hint=T(
            "Or e-mail the document to the INSOP secretariat.",
            "Ou envoyez le document par courriel au secrétariat de l’INSOP.",
            "O envíe el documento por correo electrónico a la secretaría de INSOP.",
            ar="أو أرسل الوثيقة بالبريد الإلكتروني إلى أمانة الشبكة.",
            zh="或将文件通过电子邮件发送给INSOP秘书处。",
            ru="Или отправьте документ по электронной почте в секретариат INSOP.",
        ),
        constraint="regex(., '^https?://')",
        constraint_message=LINK_MESSAGE,
    ),
    # The official text itself, so a coordinator checks each reported value against it (issue 16). The bot
    # sniffs the type from the bytes (PDF, DOCX, XLSX, pictures); body::accept tells Kobo and ODK the same.
    q(
        "file",
        "instr_file",
        T(
            "You may also send the document itself here as a file (optional).",
            "Vous pouvez aussi envoyer ici le document lui-même sous forme de fichier (facultatif).",
            "También puede enviar aquí el propio documento como archivo (opcional).",
            ar="يمكنك أيضًا إرسال الوثيقة نفسها هنا في شكل ملف (اختياري).",
            zh="您也可以在此以文件形式发送该文件本身（选填）。",
            ru="Вы также можете отправить сюда сам документ в виде файла (необязательно).",
        ),
        hint=T(
            "PDF, Word (DOCX) or a photo or scan of the pages. Use the paper clip to attach it, or /skip.",
            "PDF, Word (DOCX) ou photo ou numérisation des pages. Joignez-le avec le trombone, ou /skip.",
            "PDF, Word (DOCX) o una foto o un escaneo de las páginas. Adjúntelo con el clip, o /skip.",
            ar="ملف PDF أو Word (DOCX) أو صورة أو نسخة ممسوحة ضوئيًا للصفحات. أرفقه بزر المشبك، أو /skip.",
            zh="PDF、Word（DOCX）文件或页面的照片、扫描件。请用回形针图标附上，或发送 /skip。",
            ru="PDF, Word (DOCX) или фотография либо скан страниц. Прикрепите его скрепкой или отправьте /skip.",
        ),
        **{
            "body::accept": ".pdf,.docx,application/pdf,application/vnd.openxmlformats-officedocument.wordprocessingml.document,image/*"
        },
    ),
    q(
        "select_one yes_no",
        "instr_type_values",
        T(
            "Would you like to type some key values of this instrument now (for example cadmium and lead for agricultural land)?",
            "Souhaitez-vous saisir maintenant quelques valeurs clés de cet instrument (par exemple le cadmium et le plomb pour les "
            "terres agricoles)\u202f?",
            "¿Desea escribir ahora algunos valores clave de este instrumento (por ejemplo, cadmio y plomo para suelo agrícola)?",
            ar="هل تود كتابة بعض القيم الرئيسية لهذا الصك الآن (مثل الكادميوم والرصاص للأراضي الزراعية)؟",
            zh="您现在是否愿意填写该文书中的一些关键数值（例如农用地的镉和铅）？",
            ru="Хотите ли вы сейчас ввести несколько ключевых значений из этого документа (например, кадмий и свинец для "
            "сельскохозяйственных земель)?",
        ),
        required="yes",
    ),
    q(
        "select_one unit_doc",
        "instr_unit",
        T(
            "Unit of the values in this instrument",
            "Unité des valeurs de cet instrument",
            "Unidad de los valores de este instrumento",
            ar="وحدة القيم في هذا الصك",
            zh="该文书中数值的单位",
            ru="Единица измерения значений в этом документе",
        ),
        required="yes",
        relevant="${instr_type_values} = 'yes'",
    ),
    q(
        "select_one basis_doc",
        "instr_basis",
        T(
            "Basis or extraction of its values",
            "Base ou extraction de ses valeurs",
            "Base o extracción de sus valores",
            ar="أساس قياس قيمه أو طريقة استخلاصها",
            zh="其数值的测定基础或提取方法",
            ru="Основа определения или экстракция для его значений",
        ),
        required="yes",
        relevant="${instr_type_values} = 'yes'",
    ),
    q(
        "select_one target_doc",
        "instr_target",
        T(
            "What do its values protect?",
            "Que protègent ses valeurs ?",
            "¿Qué protegen sus valores?",
            ar="ما الذي تحميه قيمه؟",
            zh="其数值的保护对象是什么？",
            ru="Что защищают его значения?",
        ),
        required="yes",
        relevant="${instr_type_values} = 'yes'",
    ),
    q(
        "select_one tier_doc",
        "instr_tier",
        T(
            "What does crossing its values mean?",
            "Que signifie le dépassement de ses valeurs\u202f?",
            "¿Qué significa superar sus valores?",
            ar="ماذا يعني تجاوز قيمه؟",
            zh="超过其数值意味着什么？",
            ru="Что означает превышение его значений?",
        ),
        required="yes",
        relevant="${instr_type_values} = 'yes'",
    ),
    q(
        "text",
        "instr_val_name",
        T(
            "Name of these values in the document (e.g. 筛选值, ПДК, Prüfwert) (optional)",
            "Nom de ces valeurs dans le document (par ex. 筛选值, ПДК, Prüfwert) (facultatif)",
            "Nombre de estos valores en el documento (p. ej., 筛选值, ПДК, Prüfwert) (opcional)",
            ar="اسم هذه القيم في الوثيقة (مثل 筛选值 أو ПДК أو Prüfwert) (اختياري)",
            zh="这些数值在文件中的名称（例如筛选值、ПДК、Prüfwert）（选填）",
            ru="Название этих значений в документе (например, 筛选值, ПДК, Prüfwert) (необязательно)",
        ),
        relevant="${instr_type_values} = 'yes' and ${instr_tier} != 'varies'",
    ),
    q(
        "select_one value_form_doc",
        "instr_form",
        T(
            "For each value, the document gives…",
            "Pour chaque valeur, le document donne…",
            "Para cada valor, el documento indica…",
            ar="تحدد الوثيقة لكل قيمة…",
            zh="对每个数值，文件给出的是……",
            ru="Для каждого значения в документе указано…",
        ),
        required="yes",
        relevant="${instr_type_values} = 'yes'",
    ),
    q(
        "select_one yes_no",
        "instr_ph",
        T(
            "Do some of its values apply only in a pH band?",
            "Certaines de ses valeurs ne s’appliquent-elles que dans une plage de pH\u202f?",
            "¿Algunos de sus valores se aplican solo en un intervalo de pH?",
            ar="هل تنطبق بعض قيمه فقط ضمن نطاق معين من pH؟",
            zh="其中是否有数值仅适用于某一pH范围？",
            ru="Применяются ли некоторые его значения только в определённом диапазоне pH?",
        ),
        required="yes",
        relevant="${instr_type_values} = 'yes'",
    ),
    q(
        "begin_repeat",
        "key_value",
        T("Key value", "Valeur clé", "Valor clave", ar="قيمة رئيسية", zh="关键数值", ru="Ключевое значение"),
        relevant="${instr_type_values} = 'yes'",
    ),
    q(
        "select_one pollutant",
        "pollutant",
        T("Pollutant", "Polluant", "Contaminante", ar="الملوث", zh="污染物", ru="Загрязняющее вещество"),
        hint=T(
            "Choose it, or type its name or chemical symbol.",
            "Choisissez-le, ou saisissez son nom ou son symbole chimique.",
            "Elíjalo, o escriba su nombre o símbolo químico.",
            ar="اختره، أو اكتب اسمه أو رمزه الكيميائي.",
            zh="请选择，或输入名称或化学符号。",
            ru="Выберите его или введите название или химический символ.",
        ),
        required="yes",
        required_message=REQUIRED_MESSAGE,
        appearance="autocomplete",
    ),
    other_text("pollutant_other", "${pollutant} = 'other'"),
    q(
        "text",
        "pollutant_cas",
        T(
            "CAS number, if known (optional)",
            "Numéro CAS, s’il est connu (facultatif)",
            "Número CAS, si se conoce (opcional)",
            ar="رقم CAS إن كان معروفًا (اختياري)",
            zh="CAS号（如已知，选填）",
            ru="Номер CAS, если известен (необязательно)",
        ),
        relevant="${pollutant} = 'other'",
        constraint="regex(., '^[0-9]{2,7}-[0-9]{2}-[0-9]$')",
        constraint_message=T(
            "A CAS number looks like 7440-43-9.",
            "Un numéro CAS a la forme 7440-43-9.",
            "Un número CAS tiene la forma 7440-43-9.",
            ar="يكون رقم CAS على شكل 7440-43-9.",
            zh="CAS号的格式如7440-43-9。",
            ru="Номер CAS имеет вид 7440-43-9.",
        ),
    ),
    q(
        "select_one val_land_use",
        "val_land_use",
        T(
            "Land use this value applies to",
            "Usage des sols auquel la valeur s’applique",
            "Uso del suelo al que se aplica el valor",
            ar="استخدام الأراضي الذي تنطبق عليه القيمة",
            zh="该数值适用的土地用途",
            ru="Вид землепользования, к которому относится значение",
        ),
        required="yes",
    ),
    other_text("val_land_use_other", "${val_land_use} = 'other'"),
    q(
        "select_one tier",
        "val_tier",
        T(
            "What does crossing this value mean?",
            "Que signifie le dépassement de cette valeur\u202f?",
            "¿Qué significa superar este valor?",
            ar="ماذا يعني تجاوز هذه القيمة؟",
            zh="超过该数值意味着什么？",
            ru="Что означает превышение этого значения?",
        ),
        required="yes",
        relevant="${instr_tier} = 'varies'",
    ),
    q(
        "select_one target",
        "val_target",
        T(
            "What does it protect?",
            "Que protège-t-elle\u202f?",
            "¿Qué protege?",
            ar="ما الذي تحميه؟",
            zh="保护对象是什么？",
            ru="Что оно защищает?",
        ),
        required="yes",
        relevant="${instr_target} = 'varies'",
    ),
    q(
        "text",
        "val_name",
        T(
            "Name of the value in the document (e.g. 筛选值, ПДК, Prüfwert) (optional)",
            "Nom de la valeur dans le document (par ex. 筛选值, ПДК, Prüfwert) (facultatif)",
            "Nombre del valor en el documento (p. ej., 筛选值, ПДК, Prüfwert) (opcional)",
            ar="اسم القيمة في الوثيقة (مثل 筛选值 أو ПДК أو Prüfwert) (اختياري)",
            zh="该数值在文件中的名称（例如筛选值、ПДК、Prüfwert）（选填）",
            ru="Название значения в документе (например, 筛选值, ПДК, Prüfwert) (необязательно)",
        ),
        relevant="${instr_tier} = 'varies'",
    ),
    q(
        "select_one basis",
        "val_basis",
        T(
            "Basis or extraction",
            "Base ou extraction",
            "Base o extracción",
            ar="أساس القياس أو الاستخلاص",
            zh="测定基础或提取方法",
            ru="Основа определения или экстракция",
        ),
        required="yes",
        relevant="${instr_basis} = 'varies'",
    ),
    q(
        "select_one unit",
        "val_unit",
        T(
            "Unit of the value",
            "Unité de la valeur",
            "Unidad del valor",
            ar="وحدة القيمة",
            zh="数值单位",
            ru="Единица измерения значения",
        ),
        required="yes",
        relevant="${instr_unit} = 'varies'",
    ),
    q("calculate", "val_unit_used", calculation="if(${instr_unit} = 'varies', ${val_unit}, ${instr_unit})"),
    q(
        "select_one value_form",
        "val_form",
        T(
            "The document gives…",
            "Le document donne…",
            "El documento indica…",
            ar="تحدد الوثيقة…",
            zh="文件给出的是……",
            ru="В документе указано…",
        ),
        required="yes",
        relevant="${instr_form} = 'varies'",
    ),
    q("calculate", "val_form_used", calculation="if(${instr_form} = 'varies', ${val_form}, ${instr_form})"),
    # What the instrument answered for all its values, or the value's own answer where they differ: each key
    # value's row of an export (Kobo's and ODK's too) carries them without a join on its instrument.
    q("calculate", "val_tier_used", calculation="if(${instr_tier} = 'varies', ${val_tier}, ${instr_tier})"),
    q("calculate", "val_name_used", calculation="if(${instr_tier} = 'varies', ${val_name}, ${instr_val_name})"),
    q("calculate", "val_basis_used", calculation="if(${instr_basis} = 'varies', ${val_basis}, ${instr_basis})"),
    q("calculate", "val_target_used", calculation="if(${instr_target} = 'varies', ${val_target}, ${instr_target})"),
    q(
        "decimal",
        "value",
        T(
            "Value (number only)",
            "Valeur (nombre uniquement)",
            "Valor (solo el número)",
            ar="القيمة (رقم فقط)",
            zh="数值（仅填数字）",
            ru="Значение (только число)",
        ),
        required="yes",
        relevant=SINGLE,
        constraint=". > 0 and . < 1000000",
        constraint_message=T(
            "Please enter a number above 0 and below 1000000.",
            "Veuillez saisir un nombre supérieur à 0 et inférieur à 1000000.",
            "Introduzca un número mayor que 0 y menor que 1000000.",
            ar="يُرجى إدخال رقم أكبر من 0 وأصغر من 1000000.",
            zh="请输入大于0且小于1000000的数字。",
            ru="Введите число больше 0 и меньше 1000000.",
        ),
    ),
    q(
        "decimal",
        "value_min",
        T(
            "Lowest value of the range",
            "Valeur basse de la fourchette",
            "Valor mínimo del intervalo",
            ar="أدنى قيمة في النطاق",
            zh="范围下限",
            ru="Нижняя граница диапазона",
        ),
        required="yes",
        relevant="${val_form_used} = 'range'",
        constraint=". >= 0 and . < 1000000",
        constraint_message=T(
            "Please enter a number from 0 to 999999.",
            "Veuillez saisir un nombre de 0 à 999999.",
            "Introduzca un número de 0 a 999999.",
            ar="يُرجى إدخال رقم من 0 إلى 999999.",
            zh="请输入0至999999之间的数字。",
            ru="Введите число от 0 до 999999.",
        ),
    ),
    q(
        "decimal",
        "value_max",
        T(
            "Highest value of the range",
            "Valeur haute de la fourchette",
            "Valor máximo del intervalo",
            ar="أعلى قيمة في النطاق",
            zh="范围上限",
            ru="Верхняя граница диапазона",
        ),
        required="yes",
        relevant="${val_form_used} = 'range'",
        constraint=". > ${value_min} and . < 1000000",
        constraint_message=T(
            "The highest value must be above the lowest.",
            "La valeur haute doit dépasser la valeur basse.",
            "El valor máximo debe ser mayor que el mínimo.",
            ar="يجب أن تكون أعلى قيمة أكبر من أدنى قيمة.",
            zh="上限必须大于下限。",
            ru="Верхняя граница должна быть больше нижней.",
        ),
    ),
    q(
        "calculate",
        "val_mg_kg",
        calculation="if(${val_unit_used} = 'ug_kg', ${value} div 1000, "
        "if(${val_unit_used} = 'g_kg', ${value} * 1000, ${value}))",
    ),
    q(
        "select_one yes_no",
        "unit_confirm",
        T(
            "That is ${val_mg_kg} mg/kg, unusual for this pollutant in soil. Are the value and the unit right?",
            "Cela fait ${val_mg_kg} mg/kg, valeur inhabituelle pour ce polluant dans les sols. La valeur et l’unité sont-elles justes\u202f?",
            "Equivale a ${val_mg_kg} mg/kg, un valor inusual para este contaminante en el suelo. ¿Son correctos el valor y la unidad?",
            ar="يعادل ذلك ${val_mg_kg} ملغم/كغم، وهي قيمة غير معتادة لهذا الملوث في التربة. هل القيمة والوحدة صحيحتان؟",
            zh="即${val_mg_kg} mg/kg，对于土壤中的该污染物而言并不常见。数值和单位是否正确？",
            ru="Это ${val_mg_kg} мг/кг — необычное значение для этого вещества в почве. Значение и единица указаны верно?",
        ),
        required="yes",
        relevant=UNIT_CHECK,
        constraint=". = 'yes'",
        constraint_message=T(
            "Please go back (/back) and correct the value or the unit.",
            "Veuillez revenir en arrière (/back) et corriger la valeur ou l’unité.",
            "Vuelva atrás (/back) y corrija el valor o la unidad.",
            ar="يُرجى الرجوع (/back) وتصحيح القيمة أو الوحدة.",
            zh="请返回（/back）更正数值或单位。",
            ru="Вернитесь назад (/back) и исправьте значение или единицу.",
        ),
    ),
    q(
        "select_one yes_no",
        "ph_dependent",
        T(
            "Does this value apply only in a pH band?",
            "Cette valeur ne s’applique-t-elle que dans une plage de pH\u202f?",
            "¿Se aplica este valor solo en un intervalo de pH?",
            ar="هل تنطبق هذه القيمة فقط ضمن نطاق معين من pH؟",
            zh="该数值是否仅适用于某一pH范围？",
            ru="Применяется ли это значение только в определённом диапазоне pH?",
        ),
        required="yes",
        relevant="${instr_ph} = 'yes'",
    ),
    q(
        "decimal",
        "ph_min",
        T(
            "Applies from pH (optional)",
            "S’applique à partir du pH (facultatif)",
            "Se aplica desde pH (opcional)",
            ar="تنطبق ابتداءً من pH (اختياري)",
            zh="适用的pH下限（选填）",
            ru="Применяется от pH (необязательно)",
        ),
        relevant="${ph_dependent} = 'yes'",
        constraint=". >= 0 and . <= 14",
        constraint_message=T(
            "pH runs from 0 to 14.",
            "Le pH va de 0 à 14.",
            "El pH va de 0 a 14.",
            ar="يتراوح pH بين 0 و14.",
            zh="pH范围为0至14。",
            ru="pH находится в пределах от 0 до 14.",
        ),
    ),
    q(
        "decimal",
        "ph_max",
        T(
            "Applies up to pH (optional)",
            "S’applique jusqu’au pH (facultatif)",
            "Se aplica hasta pH (opcional)",
            ar="تنطبق حتى pH (اختياري)",
            zh="适用的pH上限（选填）",
            ru="Применяется до pH (необязательно)",
        ),
        relevant="${ph_dependent} = 'yes'",
        constraint=". >= 0 and . <= 14 and (not(${ph_min}) or . > ${ph_min})",
        constraint_message=T(
            "pH runs from 0 to 14, above the lower pH.",
            "Le pH va de 0 à 14 et dépasse le pH bas.",
            "El pH va de 0 a 14 y supera el pH mínimo.",
            ar="يتراوح pH بين 0 و14 ويجب أن يتجاوز الحد الأدنى.",
            zh="pH范围为0至14，且须大于下限。",
            ru="pH от 0 до 14 и выше нижней границы.",
        ),
    ),
    q("end_repeat", "key_value"),
    q("end_repeat", "instrument"),
    q(
        "calculate",
        "has_binding_in_force",
        calculation="if(count(${instrument}[instr_status = 'binding' and instr_in_force = 'in_force']) > 0, 'yes', 'no')",
    ),
    q(
        "begin_group",
        "needs",
        T(
            "Obstacles and needs",
            "Obstacles et besoins",
            "Obstáculos y necesidades",
            ar="العوائق والاحتياجات",
            zh="障碍与需求",
            ru="Препятствия и потребности",
        ),
    ),
    q(
        "select_multiple obstacle",
        "obstacles",
        T(
            "What most hinders setting or updating soil threshold values in your country?",
            "Qu’est-ce qui freine le plus l’établissement ou la mise à jour de valeurs seuils pour les sols dans votre pays\u202f?",
            "¿Qué dificulta más el establecimiento o la actualización de valores umbral para suelos en su país?",
            ar="ما أكثر ما يعيق وضع القيم الحدية للتربة أو تحديثها في بلدك؟",
            zh="在贵国，制定或更新土壤阈值的最大障碍是什么？",
            ru="Что больше всего мешает установлению или обновлению пороговых значений для почв в вашей стране?",
        ),
        hint=UP_TO_THREE,
        required="yes",
        constraint="count-selected(.) <= 3 and not(selected(., 'none') and count-selected(.) > 1)",
        constraint_message=AT_MOST_THREE,
    ),
    other_text("obstacles_other", "selected(${obstacles}, 'other')"),
    q(
        "select_multiple need",
        "support_needs",
        T(
            "Which support would help most?",
            "Quel soutien serait le plus utile\u202f?",
            "¿Qué apoyo sería más útil?",
            ar="ما الدعم الأكثر فائدة؟",
            zh="哪些支持最有帮助？",
            ru="Какая поддержка была бы наиболее полезной?",
        ),
        hint=UP_TO_THREE,
        required="yes",
        constraint="count-selected(.) <= 3 and not(selected(., 'none') and count-selected(.) > 1)",
        constraint_message=AT_MOST_THREE,
    ),
    other_text("support_needs_other", "selected(${support_needs}, 'other')"),
    q("end_group", "needs"),
    q(
        "note",
        "privacy",
        T(
            "Your name and e-mail are kept by INSOP (FAO Global Soil Partnership) only to follow up on these answers; they are "
            "never published, and /forget erases them.",
            "Vos nom et adresse électronique sont conservés par l’INSOP (Partenariat mondial sur les sols de la FAO) uniquement "
            "pour le suivi de ces réponses ; ils ne sont jamais publiés et /forget les efface.",
            "INSOP (Alianza Mundial por el Suelo de la FAO) conserva su nombre y su correo electrónico solo para dar seguimiento a "
            "estas respuestas; nunca se publican y /forget los elimina.",
            ar="تحتفظ الشبكة (الشراكة العالمية من أجل التربة في منظمة الأغذية والزراعة) باسمك وبريدك الإلكتروني لمتابعة هذه الإجابات "
            "فقط، ولا تنشرهما أبدًا، ويحذفهما الأمر /forget.",
            zh="INSOP（粮农组织全球土壤伙伴关系）保存您的姓名和电子邮箱，仅用于跟进这些答复，绝不公开；发送 /forget 即可删除。",
            ru="Ваши имя и адрес электронной почты хранятся INSOP (Глобальное почвенное партнерство ФАО) только для работы с этими "
            "ответами; они никогда не публикуются, а команда /forget их удаляет.",
        ),
    ),
    q(
        "select_one publish",
        "consent_publish",
        T(
            "How may INSOP use your country's answers?",
            "Comment l’INSOP peut-il utiliser les réponses de votre pays\u202f?",
            "¿Cómo puede INSOP utilizar las respuestas de su país?",
            ar="كيف يجوز للشبكة استخدام إجابات بلدك؟",
            zh="INSOP可以如何使用贵国的答复？",
            ru="Как INSOP может использовать ответы вашей страны?",
        ),
        hint=T(
            "Only answers published with the country named become values that the bot shows.",
            "Seules les réponses publiées en nommant le pays deviennent des valeurs que le bot affiche.",
            "Solo las respuestas publicadas con el nombre del país se convierten en valores que muestra el bot.",
            ar="لا تصبح قيمًا يعرضها الروبوت إلا الإجابات المنشورة مع ذكر اسم البلد.",
            zh="只有注明国家名称公开的答复才会成为机器人显示的数值。",
            ru="Только ответы, публикуемые с указанием страны, становятся значениями, которые показывает бот.",
        ),
        required="yes",
        required_message=REQUIRED_MESSAGE,
    ),
    q(
        "select_one yes_no",
        "contact_ok",
        T(
            "May INSOP contact you about these answers?",
            "L’INSOP peut-il vous contacter au sujet de ces réponses\u202f?",
            "¿Puede INSOP ponerse en contacto con usted sobre estas respuestas?",
            ar="هل يجوز للشبكة التواصل معك بشأن هذه الإجابات؟",
            zh="INSOP是否可以就这些答复与您联系？",
            ru="Может ли INSOP связаться с вами по поводу этих ответов?",
        ),
        required="yes",
    ),
    q(
        "text",
        "comments",
        T(
            "Any comments (optional)",
            "Commentaires (facultatif)",
            "Comentarios (opcional)",
            ar="تعليقات (اختياري)",
            zh="其他意见（选填）",
            ru="Комментарии (необязательно)",
        ),
    ),
]

YES = T("Yes", "Oui", "Sí", ar="نعم", zh="是", ru="Да")
NO = T("No", "Non", "No", ar="لا", zh="否", ru="Нет")
DONT_KNOW = T("Don't know", "Je ne sais pas", "No lo sé", ar="لا أعرف", zh="不知道", ru="Не знаю")
OTHER = T("Other", "Autre", "Otro", ar="أخرى", zh="其他", ru="Другое")
NONE = T("None", "Aucun", "Ninguno", ar="لا شيء", zh="无", ru="Нет")
NOT_SPECIFIED = T(
    "Not specified in the document",
    "Non précisé dans le document",
    "No especificado en el documento",
    ar="غير محدد في الوثيقة",
    zh="文件中未说明",
    ru="В документе не указано",
)

LAND_USES = (
    (
        "all_uses",
        T(
            "All soils, whatever the land use",
            "Tous les sols, quel que soit l’usage",
            "Todos los suelos, sea cual sea el uso",
            ar="جميع أنواع التربة أيًا كان استخدامها",
            zh="所有土壤（不分用途）",
            ru="Все почвы независимо от землепользования",
        ),
    ),
    (
        "agricultural",
        T(
            "Agricultural land",
            "Terres agricoles",
            "Suelo agrícola",
            ar="الأراضي الزراعية",
            zh="农用地",
            ru="Земли сельскохозяйственного назначения",
        ),
    ),
    (
        "arable",
        T(
            "Agricultural: arable land",
            "Agricole\u202f: terres arables",
            "Agrícola: tierras de cultivo",
            ar="زراعي: أراضٍ صالحة للزراعة",
            zh="农用地：耕地",
            ru="Сельскохозяйственные: пашня",
        ),
    ),
    (
        "paddy",
        T(
            "Agricultural: paddy fields",
            "Agricole\u202f: rizières",
            "Agrícola: arrozales",
            ar="زراعي: حقول الأرز",
            zh="农用地：水田",
            ru="Сельскохозяйственные: рисовые поля",
        ),
    ),
    (
        "grassland",
        T(
            "Agricultural: grassland and pasture",
            "Agricole\u202f: prairies et pâturages",
            "Agrícola: praderas y pastos",
            ar="زراعي: المراعي والأراضي العشبية",
            zh="农用地：草地和牧场",
            ru="Сельскохозяйственные: луга и пастбища",
        ),
    ),
    (
        "orchard",
        T(
            "Agricultural: orchards and plantations",
            "Agricole\u202f: vergers et plantations",
            "Agrícola: huertos frutales y plantaciones",
            ar="زراعي: البساتين والمزارع",
            zh="农用地：果园和种植园",
            ru="Сельскохозяйственные: сады и плантации",
        ),
    ),
    (
        "kitchen_garden",
        T(
            "Kitchen gardens",
            "Jardins potagers",
            "Huertos familiares",
            ar="حدائق الخضروات المنزلية",
            zh="菜园",
            ru="Огороды",
        ),
    ),
    (
        "sludge_land",
        T(
            "Land receiving sewage sludge",
            "Sols recevant des boues d’épuration",
            "Suelos que reciben lodos de depuradora",
            ar="الأراضي التي تتلقى حمأة الصرف الصحي",
            zh="施用污水污泥的土地",
            ru="Земли, на которые вносят осадки сточных вод",
        ),
    ),
    (
        "residential",
        T(
            "Residential land",
            "Zones résidentielles",
            "Suelo residencial",
            ar="الأراضي السكنية",
            zh="住宅用地",
            ru="Территории жилой застройки",
        ),
    ),
    (
        "playground",
        T(
            "Children's playgrounds",
            "Aires de jeux pour enfants",
            "Parques infantiles",
            ar="ملاعب الأطفال",
            zh="儿童游乐场",
            ru="Детские игровые площадки",
        ),
    ),
    (
        "park",
        T(
            "Parks and recreation",
            "Parcs et loisirs",
            "Parques y zonas recreativas",
            ar="الحدائق العامة ومناطق الترفيه",
            zh="公园和休闲用地",
            ru="Парки и зоны отдыха",
        ),
    ),
    (
        "commercial",
        T(
            "Commercial land",
            "Zones commerciales",
            "Suelo comercial",
            ar="الأراضي التجارية",
            zh="商业用地",
            ru="Территории коммерческого назначения",
        ),
    ),
    (
        "industrial",
        T(
            "Industrial land",
            "Zones industrielles",
            "Suelo industrial",
            ar="الأراضي الصناعية",
            zh="工业用地",
            ru="Территории промышленного назначения",
        ),
    ),
    (
        "natural",
        T(
            "Natural areas and ecosystems",
            "Espaces naturels et écosystèmes",
            "Espacios naturales y ecosistemas",
            ar="المناطق الطبيعية والنظم الإيكولوجية",
            zh="自然区域和生态系统",
            ru="Природные территории и экосистемы",
        ),
    ),
)
MATRIX_LAND_USES = ("all_uses", "agricultural", "sludge_land", "residential", "commercial", "industrial", "natural")


# The metals most national instruments set values for: offered as buttons in the chat (choices column
# `featured`), the rest of the catalogue is typed. Kobo and ODK ignore the column (autocomplete lists them all).
FEATURED_POLLUTANTS = ("cadmium", "lead", "mercury", "arsenic", "chromium", "copper", "nickel", "zinc")


def pollutant_choices() -> list[dict]:
    """The bot's pollutant catalogue (ids = catalogue ids, names in the six languages), DDT as a sum, and other."""
    from bot.lookup.pollutants import POLLUTANTS, display_name

    rows = []
    for pollutant in POLLUTANTS:
        label = {lang: display_name(pollutant.id, lang) for lang, _code in [(code, code) for _name, code in LANGUAGES]}
        label = {lang: (text[:1].upper() + text[1:]) for lang, text in label.items()}
        symbol = pollutant.symbols[0] if pollutant.symbols else ""
        if symbol:
            label = {lang: f"{text} ({symbol})" for lang, text in label.items()}
        featured = {"featured": "yes"} if pollutant.id in FEATURED_POLLUTANTS else {}
        rows.append({"list_name": "pollutant", "name": pollutant.id, "label": label, **featured})
    rows += choices(
        "pollutant",
        (
            "ddt_sum",
            T(
                "DDT, sum of DDT, DDE and DDD",
                "DDT, somme DDT, DDE et DDD",
                "DDT, suma de DDT, DDE y DDD",
                ar="DDT، مجموع DDT وDDE وDDD",
                zh="滴滴涕总量（DDT、DDE和DDD之和）",
                ru="ДДТ, сумма ДДТ, ДДЭ и ДДД",
            ),
        ),
        ("other", OTHER),
    )
    return rows


TARGETS = (
    (
        "human_health",
        T("Human health", "Santé humaine", "Salud humana", ar="صحة الإنسان", zh="人体健康", ru="Здоровье человека"),
    ),
    (
        "ecosystem",
        T("Ecosystems", "Écosystèmes", "Ecosistemas", ar="النظم الإيكولوجية", zh="生态系统", ru="Экосистемы"),
    ),
    (
        "groundwater",
        T(
            "Groundwater",
            "Eaux souterraines",
            "Aguas subterráneas",
            ar="المياه الجوفية",
            zh="地下水",
            ru="Подземные воды",
        ),
    ),
    (
        "food",
        T(
            "Crops and food",
            "Cultures et aliments",
            "Cultivos y alimentos",
            ar="المحاصيل والأغذية",
            zh="作物和食品",
            ru="Урожай и пищевые продукты",
        ),
    ),
    (
        "several",
        T(
            "Several of these",
            "Plusieurs de ces éléments",
            "Varios de ellos",
            ar="عدة مما سبق",
            zh="以上多项",
            ru="Несколько из перечисленного",
        ),
    ),
    ("not_specified", NOT_SPECIFIED),
)
BASES = (
    (
        "total",
        T("Total content", "Teneur totale", "Contenido total", ar="المحتوى الكلي", zh="全量", ru="Валовое содержание"),
    ),
    (
        "aqua_regia",
        T(
            "Aqua regia extractable",
            "Extractible à l’eau régale",
            "Extraíble con agua regia",
            ar="القابل للاستخلاص بالماء الملكي",
            zh="王水提取态",
            ru="Извлекаемое царской водкой",
        ),
    ),
    (
        "extractable",
        T(
            "Other extraction (bioavailable, mobile)",
            "Autre extraction (biodisponible, mobile)",
            "Otra extracción (biodisponible, móvil)",
            ar="استخلاص آخر (متاح حيويًا، متحرك)",
            zh="其他提取（生物有效态、可移动态）",
            ru="Другая экстракция (биодоступные, подвижные формы)",
        ),
    ),
    ("not_specified", NOT_SPECIFIED),
)
UNITS = (
    (
        "mg_kg",
        T(
            "mg/kg dry weight",
            "mg/kg de matière sèche",
            "mg/kg de peso seco",
            ar="ملغم/كغم وزن جاف",
            zh="mg/kg（干重）",
            ru="мг/кг сухого веса",
        ),
    ),
    (
        "ug_kg",
        T(
            "µg/kg dry weight",
            "µg/kg de matière sèche",
            "µg/kg de peso seco",
            ar="ميكروغرام/كغم وزن جاف",
            zh="µg/kg（干重）",
            ru="мкг/кг сухого веса",
        ),
    ),
    (
        "g_kg",
        T(
            "g/kg dry weight",
            "g/kg de matière sèche",
            "g/kg de peso seco",
            ar="غم/كغم وزن جاف",
            zh="g/kg（干重）",
            ru="г/кг сухого веса",
        ),
    ),
    (
        "ng_teq_kg",
        T(
            "ng TEQ/kg (dioxins)",
            "ng TEQ/kg (dioxines)",
            "ng TEQ/kg (dioxinas)",
            ar="نانوغرام TEQ/كغم (الديوكسينات)",
            zh="ng TEQ/kg（二噁英）",
            ru="нг TEQ/кг (диоксины)",
        ),
    ),
    (
        "mg_kg_fw",
        T(
            "mg/kg fresh weight",
            "mg/kg de matière fraîche",
            "mg/kg de peso fresco",
            ar="ملغم/كغم وزن رطب",
            zh="mg/kg（鲜重）",
            ru="мг/кг сырого веса",
        ),
    ),
    (
        "mg_l",
        T(
            "mg/L in an extract",
            "mg/L dans un extrait",
            "mg/L en un extracto",
            ar="ملغم/لتر في مستخلص",
            zh="mg/L（提取液）",
            ru="мг/л в вытяжке",
        ),
    ),
)
VARIES = T(
    "Differs between values",
    "Varie selon les valeurs",
    "Varía según los valores",
    ar="تختلف من قيمة إلى أخرى",
    zh="因数值而异",
    ru="Различается для разных значений",
)


TIERS = (
    (
        "protection",
        T(
            "Precautionary or background level: soil protection",
            "Niveau de précaution ou de fond\u202f: protection des sols",
            "Nivel de precaución o de fondo: protección del suelo",
            ar="مستوى احترازي أو مستوى الخلفية: حماية التربة",
            zh="风险预防或背景水平：土壤保护",
            ru="Предупредительный или фоновый уровень: охрана почв",
        ),
    ),
    (
        "assessment",
        T(
            "Screening or trigger: assessment needed above it",
            "Dépistage ou déclenchement\u202f: évaluation nécessaire au-delà",
            "Cribado o activación: evaluación necesaria por encima",
            ar="فحص أولي أو إنذار: يلزم التقييم عند تجاوزها",
            zh="筛选或触发值：超过即需评估",
            ru="Скрининговый или пороговый: выше него нужна оценка",
        ),
    ),
    (
        "action",
        T(
            "Intervention or action: action needed above it",
            "Intervention ou action\u202f: intervention nécessaire au-delà",
            "Intervención o acción: intervención necesaria por encima",
            ar="تدخل أو إجراء: يلزم التدخل عند تجاوزها",
            zh="干预或行动值：超过即需采取行动",
            ru="Уровень вмешательства: выше него нужны меры",
        ),
    ),
    (
        "sludge",
        T(
            "Limit for soil receiving sewage sludge",
            "Limite pour les sols recevant des boues d’épuration",
            "Límite para suelos que reciben lodos de depuradora",
            ar="حد للتربة التي تتلقى حمأة الصرف الصحي",
            zh="施用污水污泥土壤的限值",
            ru="Предел для почв, на которые вносят осадки сточных вод",
        ),
    ),
    (
        "food",
        T(
            "Safety of crops or food",
            "Sécurité des cultures ou des aliments",
            "Inocuidad de cultivos o alimentos",
            ar="سلامة المحاصيل أو الأغذية",
            zh="作物或食品安全",
            ru="Безопасность урожая или пищевых продуктов",
        ),
    ),
    ("dont_know", NOT_SPECIFIED),
)


VALUE_FORMS = (
    ("single", T("One number", "Un nombre", "Un número", ar="رقمًا واحدًا", zh="一个数值", ru="Одно число")),
    (
        "range",
        T(
            "A range (e.g. 1–3)",
            "Une fourchette (par ex. 1–3)",
            "Un intervalo (p. ej., 1–3)",
            ar="نطاقًا (مثل 1–3)",
            zh="一个范围（例如1–3）",
            ru="Диапазон (например, 1–3)",
        ),
    ),
    (
        "not_detected",
        T(
            "Must not be detected",
            "Ne doit pas être détecté",
            "No debe detectarse",
            ar="يجب ألا يُكشف عنه",
            zh="不得检出",
            ru="Не должно обнаруживаться",
        ),
    ),
)


THRESHOLD_CHOICES = [
    *country_choices(),
    *choices(
        "capacity",
        (
            "gsp_focal_point",
            T(
                "Official GSP national focal point",
                "Point focal national officiel du PMS",
                "Punto focal nacional oficial de la AMS",
                ar="جهة الاتصال الوطنية الرسمية للشراكة",
                zh="全球土壤伙伴关系官方国家联络人",
                ru="Официальный национальный координатор ГПП",
            ),
        ),
        (
            "designated",
            T(
                "Designated by the responsible ministry or agency",
                "Désigné par le ministère ou l’agence compétent",
                "Designado por el ministerio o la agencia competente",
                ar="معيَّن من الوزارة أو الهيئة المسؤولة",
                zh="由主管部委或机构指定",
                ru="Назначен(а) ответственным министерством или ведомством",
            ),
        ),
        (
            "insop_member",
            T(
                "INSOP member (expert view)",
                "Membre de l’INSOP (avis d’expert)",
                "Miembro de INSOP (opinión experta)",
                ar="عضو في الشبكة (رأي خبير)",
                zh="INSOP成员（专家意见）",
                ru="Член INSOP (экспертное мнение)",
            ),
        ),
        ("other", OTHER),
    ),
    *choices(
        "validated",
        ("yes", YES),
        ("not_yet", T("Not yet", "Pas encore", "Todavía no", ar="ليس بعد", zh="尚未", ru="Пока нет")),
        ("no", NO),
    ),
    *choices(
        "has_thresholds",
        (
            "yes",
            T("Yes, in force", "Oui, en vigueur", "Sí, en vigor", ar="نعم، نافذة", zh="是，已生效", ru="Да, действуют"),
        ),
        (
            "in_preparation",
            T(
                "In preparation",
                "En préparation",
                "En preparación",
                ar="قيد الإعداد",
                zh="正在制定",
                ru="В стадии подготовки",
            ),
        ),
        ("no", NO),
        ("dont_know", DONT_KNOW),
    ),
    *choices(
        "reference",
        ("none", NONE),
        (
            "netherlands",
            T(
                "Dutch values",
                "Valeurs néerlandaises",
                "Valores neerlandeses",
                ar="القيم الهولندية",
                zh="荷兰数值",
                ru="Нидерландские значения",
            ),
        ),
        (
            "ccme",
            T(
                "Canadian guidelines (CCME)",
                "Recommandations canadiennes (CCME)",
                "Directrices canadienses (CCME)",
                ar="المبادئ التوجيهية الكندية (CCME)",
                zh="加拿大指南（CCME）",
                ru="Канадские руководства (CCME)",
            ),
        ),
        (
            "us_epa",
            T(
                "US EPA values",
                "Valeurs de l’US EPA",
                "Valores de la US EPA",
                ar="قيم وكالة حماية البيئة الأمريكية",
                zh="美国环保署数值",
                ru="Значения US EPA",
            ),
        ),
        (
            "eu_sludge",
            T(
                "EU sewage sludge directive",
                "Directive européenne sur les boues d’épuration",
                "Directiva europea sobre lodos de depuradora",
                ar="توجيه الاتحاد الأوروبي بشأن حمأة الصرف الصحي",
                zh="欧盟污水污泥指令",
                ru="Директива ЕС об осадках сточных вод",
            ),
        ),
        (
            "who_fao",
            T(
                "WHO or FAO guidance",
                "Orientations de l’OMS ou de la FAO",
                "Orientaciones de la OMS o la FAO",
                ar="إرشادات منظمة الصحة العالمية أو منظمة الأغذية والزراعة",
                zh="世卫组织或粮农组织指导",
                ru="Рекомендации ВОЗ или ФАО",
            ),
        ),
        ("other", OTHER),
    ),
    *choices("pollutant_group", *POLLUTANT_GROUPS),
    *choices("matrix_land_use", *[(name, label) for name, label in LAND_USES if name in MATRIX_LAND_USES]),
    *choices(
        "reg_stage",
        (
            "none",
            T(
                "No work on national values",
                "Aucun travail sur des valeurs nationales",
                "Ningún trabajo sobre valores nacionales",
                ar="لا يوجد عمل على قيم وطنية",
                zh="尚未开展国家数值相关工作",
                ru="Работа над национальными значениями не ведётся",
            ),
        ),
        (
            "considered",
            T("Being considered", "À l’étude", "En estudio", ar="قيد النظر", zh="正在考虑", ru="Рассматривается"),
        ),
        (
            "drafting",
            T(
                "Being drafted",
                "En cours de rédaction",
                "En redacción",
                ar="قيد الصياغة",
                zh="正在起草",
                ru="Разрабатывается проект",
            ),
        ),
        (
            "consultation",
            T(
                "Draft in consultation",
                "Projet en consultation",
                "Proyecto en consulta",
                ar="مشروع قيد التشاور",
                zh="草案征求意见中",
                ru="Проект на общественном обсуждении",
            ),
        ),
        (
            "adopted_not_in_force",
            T(
                "Adopted, not yet in force",
                "Adoptées, pas encore en vigueur",
                "Adoptados, aún no en vigor",
                ar="معتمدة ولم تدخل حيز النفاذ بعد",
                zh="已通过，尚未生效",
                ru="Приняты, но ещё не вступили в силу",
            ),
        ),
        (
            "in_force_revising",
            T(
                "In force and being revised or extended",
                "En vigueur et en cours de révision ou d’extension",
                "En vigor y en revisión o ampliación",
                ar="نافذة ويجري تنقيحها أو توسيعها",
                zh="已生效，正在修订或扩充",
                ru="Действуют и пересматриваются или расширяются",
            ),
        ),
        (
            "in_force",
            T(
                "In force, no revision under way",
                "En vigueur, aucune révision en cours",
                "En vigor, sin revisión en curso",
                ar="نافذة ولا يجري تنقيحها",
                zh="已生效，未在修订",
                ru="Действуют, пересмотр не ведётся",
            ),
        ),
        ("dont_know", DONT_KNOW),
    ),
    *choices(
        "forum",
        (
            "national_wg",
            T(
                "National working group or committee",
                "Groupe de travail ou comité national",
                "Grupo de trabajo o comité nacional",
                ar="فريق عامل أو لجنة وطنية",
                zh="国家工作组或委员会",
                ru="Национальная рабочая группа или комитет",
            ),
        ),
        (
            "draft_consultation",
            T(
                "Consultation on a draft",
                "Consultation sur un projet",
                "Consulta sobre un proyecto",
                ar="مشاورات بشأن مشروع",
                zh="草案征求意见",
                ru="Обсуждение проекта",
            ),
        ),
        (
            "legislative",
            T(
                "Legislative or regulatory process",
                "Processus législatif ou réglementaire",
                "Proceso legislativo o reglamentario",
                ar="عملية تشريعية أو تنظيمية",
                zh="立法或监管程序",
                ru="Законодательный или нормотворческий процесс",
            ),
        ),
        (
            "regional",
            T(
                "Regional process (e.g. regional soil partnership)",
                "Processus régional (par ex. partenariat régional sur les sols)",
                "Proceso regional (p. ej., alianza regional por el suelo)",
                ar="عملية إقليمية (مثل شراكة إقليمية للتربة)",
                zh="区域进程（例如区域土壤伙伴关系）",
                ru="Региональный процесс (например, региональное почвенное партнерство)",
            ),
        ),
        (
            "insop_gsp",
            T(
                "INSOP or Global Soil Partnership meetings",
                "Réunions de l’INSOP ou du Partenariat mondial sur les sols",
                "Reuniones de INSOP o de la Alianza Mundial por el Suelo",
                ar="اجتماعات الشبكة أو الشراكة العالمية من أجل التربة",
                zh="INSOP或全球土壤伙伴关系会议",
                ru="Совещания INSOP или Глобального почвенного партнерства",
            ),
        ),
        ("other", OTHER),
    ),
    *choices(
        "level",
        (
            "national",
            T(
                "Nationally",
                "À l’échelle nationale",
                "A nivel nacional",
                ar="على المستوى الوطني",
                zh="全国",
                ru="По всей стране",
            ),
        ),
        (
            "subnational",
            T(
                "In a state, province or area",
                "Dans un État, une province ou une zone",
                "En un estado, provincia o zona",
                ar="في ولاية أو مقاطعة أو منطقة",
                zh="某个州、省或地区",
                ru="В штате, провинции или на территории",
            ),
        ),
    ),
    *choices(
        "legal_status",
        (
            "binding",
            T(
                "Legally binding",
                "Juridiquement contraignant",
                "Jurídicamente vinculante",
                ar="ملزم قانونًا",
                zh="具有法律约束力",
                ru="Юридически обязательный",
            ),
        ),
        (
            "guideline",
            T(
                "Guideline, not binding",
                "Indicatif, non contraignant",
                "Orientativo, no vinculante",
                ar="إرشادي وغير ملزم",
                zh="指导性，不具约束力",
                ru="Рекомендательный, не имеющий обязательной силы",
            ),
        ),
        ("draft", T("Draft", "Projet", "Proyecto", ar="مشروع", zh="草案", ru="Проект")),
        ("dont_know", DONT_KNOW),
    ),
    *choices(
        "in_force",
        (
            "in_force",
            T("Yes, in force", "Oui, en vigueur", "Sí, en vigor", ar="نعم، نافذ", zh="是，有效", ru="Да, действует"),
        ),
        ("not_yet", T("Not yet", "Pas encore", "Todavía no", ar="ليس بعد", zh="尚未生效", ru="Ещё не вступил в силу")),
        (
            "repealed",
            T(
                "No longer (repealed or replaced)",
                "Plus maintenant (abrogé ou remplacé)",
                "Ya no (derogado o sustituido)",
                ar="لم يعد نافذًا (أُلغي أو استُبدل)",
                zh="已失效（废止或被取代）",
                ru="Уже нет (отменён или заменён)",
            ),
        ),
        ("dont_know", DONT_KNOW),
    ),
    *choices(
        "scope",
        (
            "general_soil",
            T(
                "Soil quality in general",
                "Qualité des sols en général",
                "Calidad del suelo en general",
                ar="جودة التربة عمومًا",
                zh="一般土壤质量",
                ru="Качество почв в целом",
            ),
        ),
        (
            "agricultural",
            T(
                "Agricultural land",
                "Terres agricoles",
                "Suelo agrícola",
                ar="الأراضي الزراعية",
                zh="农用地",
                ru="Земли сельскохозяйственного назначения",
            ),
        ),
        (
            "contaminated_sites",
            T(
                "Contaminated sites",
                "Sites contaminés",
                "Sitios contaminados",
                ar="المواقع الملوثة",
                zh="污染场地",
                ru="Загрязнённые участки",
            ),
        ),
        (
            "sludge",
            T(
                "Use of sewage sludge on land",
                "Épandage des boues d’épuration",
                "Aplicación de lodos de depuradora al suelo",
                ar="استخدام حمأة الصرف الصحي في الأراضي",
                zh="污水污泥土地施用",
                ru="Внесение осадков сточных вод в почву",
            ),
        ),
        ("other", OTHER),
    ),
    *YES_NO,
    *YES_NO_DK,
    *pollutant_choices(),
    *choices("val_land_use", *LAND_USES, ("other", OTHER)),
    *choices("tier", *TIERS),
    *choices("target", *TARGETS),
    *choices("basis", *BASES),
    *choices("unit", *UNITS),
    *[dict(row, list_name="unit_doc") for row in choices("unit", *UNITS)],
    *choices("unit_doc", ("varies", VARIES)),
    *[dict(row, list_name="basis_doc") for row in choices("basis", *BASES)],
    *choices("basis_doc", ("varies", VARIES)),
    *[dict(row, list_name="target_doc") for row in choices("target", *TARGETS)],
    *choices("target_doc", ("varies", VARIES)),
    *choices("tier_doc", *TIERS, ("varies", VARIES)),
    *choices("value_form", *VALUE_FORMS),
    *choices("value_form_doc", *VALUE_FORMS, ("varies", VARIES)),
    *choices(
        "obstacle",
        ("none", NONE),
        (
            "lack_of_data",
            T(
                "Lack of data on soil pollution",
                "Manque de données sur la pollution des sols",
                "Falta de datos sobre la contaminación del suelo",
                ar="نقص البيانات عن تلوث التربة",
                zh="缺乏土壤污染数据",
                ru="Недостаток данных о загрязнении почв",
            ),
        ),
        (
            "lack_of_funding",
            T(
                "Lack of funding",
                "Manque de financement",
                "Falta de financiación",
                ar="نقص التمويل",
                zh="缺乏资金",
                ru="Недостаток финансирования",
            ),
        ),
        (
            "lack_of_expertise",
            T(
                "Lack of expertise",
                "Manque d’expertise",
                "Falta de conocimientos técnicos",
                ar="نقص الخبرة الفنية",
                zh="缺乏专业知识",
                ru="Недостаток экспертных знаний",
            ),
        ),
        (
            "lab_capacity",
            T(
                "Limited laboratory capacity",
                "Capacité de laboratoire limitée",
                "Capacidad de laboratorio limitada",
                ar="محدودية قدرات المختبرات",
                zh="实验室能力有限",
                ru="Ограниченные возможности лабораторий",
            ),
        ),
        (
            "no_mandate",
            T(
                "No legal mandate",
                "Absence de mandat juridique",
                "Sin mandato legal",
                ar="عدم وجود ولاية قانونية",
                zh="缺乏法律授权",
                ru="Отсутствие правовых полномочий",
            ),
        ),
        (
            "coordination",
            T(
                "Unclear responsibilities between institutions",
                "Répartition floue des responsabilités entre institutions",
                "Responsabilidades poco claras entre instituciones",
                ar="عدم وضوح المسؤوليات بين المؤسسات",
                zh="机构间职责不清",
                ru="Нечёткое распределение обязанностей между ведомствами",
            ),
        ),
        (
            "low_priority",
            T(
                "Low political priority",
                "Faible priorité politique",
                "Baja prioridad política",
                ar="انخفاض الأولوية السياسية",
                zh="政策优先程度低",
                ru="Низкий политический приоритет",
            ),
        ),
        ("other", OTHER),
    ),
    *choices(
        "need",
        ("none", NONE),
        (
            "guidance",
            T(
                "Guidance on deriving values",
                "Orientations pour établir des valeurs",
                "Orientaciones para derivar valores",
                ar="إرشادات بشأن اشتقاق القيم",
                zh="数值推导方法指导",
                ru="Методические рекомендации по обоснованию значений",
            ),
        ),
        ("training", T("Training", "Formation", "Capacitación", ar="التدريب", zh="培训", ru="Обучение")),
        (
            "lab_support",
            T(
                "Laboratory support",
                "Appui aux laboratoires",
                "Apoyo a los laboratorios",
                ar="دعم المختبرات",
                zh="实验室支持",
                ru="Поддержка лабораторий",
            ),
        ),
        (
            "data",
            T(
                "Soil pollution data and mapping",
                "Données et cartographie de la pollution des sols",
                "Datos y cartografía de la contaminación del suelo",
                ar="بيانات تلوث التربة ورسم خرائطه",
                zh="土壤污染数据和制图",
                ru="Данные о загрязнении почв и картографирование",
            ),
        ),
        (
            "legal",
            T(
                "Legal drafting support",
                "Appui à la rédaction juridique",
                "Apoyo para la redacción jurídica",
                ar="دعم الصياغة القانونية",
                zh="法律起草支持",
                ru="Помощь в подготовке нормативных текстов",
            ),
        ),
        ("funding", T("Funding", "Financement", "Financiación", ar="التمويل", zh="资金", ru="Финансирование")),
        ("other", OTHER),
    ),
    *choices(
        "publish",
        (
            "named",
            T(
                "Publish them, naming my country",
                "Les publier en nommant mon pays",
                "Publicarlas indicando mi país",
                ar="نشرها مع ذكر اسم بلدي",
                zh="公开发布并注明我国名称",
                ru="Публиковать с указанием моей страны",
            ),
        ),
        (
            "aggregate",
            T(
                "Only in aggregated results, without naming my country",
                "Uniquement dans des résultats agrégés, sans nommer mon pays",
                "Solo en resultados agregados, sin indicar mi país",
                ar="في النتائج المجمّعة فقط، دون ذكر اسم بلدي",
                zh="仅用于汇总结果，不注明我国名称",
                ru="Только в обобщённых результатах, без указания моей страны",
            ),
        ),
        (
            "internal",
            T(
                "Only for INSOP's internal work",
                "Uniquement pour le travail interne de l’INSOP",
                "Solo para el trabajo interno de INSOP",
                ar="للعمل الداخلي للشبكة فقط",
                zh="仅供INSOP内部工作使用",
                ru="Только для внутренней работы INSOP",
            ),
        ),
    ),
]

# ---------------------------------------------------------------- laboratory SOP survey (version 2026113001)
# A screening question first; active ingredients instead of "highly hazardous pesticides" (a regulatory
# category, decided from the ingredients with the FAO/WHO criteria); structured methods; quality; the
# P1 indicators: SOP knowledge as a ladder, involvement apart from willingness, GLOSOLAN registration.

SCREENED = "${analyses_pollutants} = 'routinely' or ${analyses_pollutants} = 'occasionally'"
METALS_TOTAL = "selected(${pollutant_groups}, 'metals_total')"
ANY_METALS = (
    METALS_TOTAL + " or selected(${pollutant_groups}, 'metals_extractable') or selected(${pollutant_groups}, 'mercury')"
)
ORGANICS = (
    "selected(${pollutant_groups}, 'pest_ocp') or selected(${pollutant_groups}, 'pest_other') or "
    "selected(${pollutant_groups}, 'petroleum') or selected(${pollutant_groups}, 'pah_pcb') or selected(${pollutant_groups}, 'pfas')"
)
PESTICIDES = "selected(${pollutant_groups}, 'pest_ocp') or selected(${pollutant_groups}, 'pest_other')"
EXCLUSIVE_NONE = "not(selected(., 'none') and count-selected(.) > 1)"


def loq(name: str, element: dict[str, str], relevant: str) -> dict:
    """A limit of quantification (mg/kg dry weight), optional."""
    template = T(
        "Your limit of quantification for {element} in soil, mg/kg dry weight (optional)",
        "Votre limite de quantification pour {element} dans les sols, en mg/kg de matière sèche (facultatif)",
        "Su límite de cuantificación para {element} en suelo, en mg/kg de peso seco (opcional)",
        ar="حد القياس الكمي لديكم لـ{element} في التربة، ملغم/كغم وزن جاف (اختياري)",
        zh="贵实验室土壤中{element}的定量限，mg/kg干重（选填）",
        ru="Ваш предел количественного определения для {element} в почве, мг/кг сухого веса (необязательно)",
    )
    return q(
        "decimal",
        name,
        {lang: text.format(element=element[lang]) for lang, text in template.items()},
        relevant=relevant,
        constraint=". > 0 and . < 100",
        constraint_message=T(
            "Please enter a number above 0 and below 100.",
            "Veuillez saisir un nombre supérieur à 0 et inférieur à 100.",
            "Introduzca un número mayor que 0 y menor que 100.",
            ar="يُرجى إدخال رقم أكبر من 0 وأصغر من 100.",
            zh="请输入大于0且小于100的数字。",
            ru="Введите число больше 0 и меньше 100.",
        ),
    )


LAB_SURVEY = [
    q(
        "note",
        "intro",
        T(
            "This INSOP survey maps soil laboratories' capacity for pollutants and their work with the harmonized procedures (SOPs) "
            "developed with GLOSOLAN. It takes about 10 minutes, almost all buttons.",
            "Cette enquête de l’INSOP recense les capacités d’analyse des polluants des laboratoires d’analyse des sols et leur travail avec "
            "les modes opératoires normalisés (MON) harmonisés élaborés avec GLOSOLAN. Elle prend environ 10 minutes, presque "
            "uniquement avec des boutons.",
            "Esta encuesta de INSOP recopila la capacidad de los laboratorios de suelos para analizar contaminantes y su trabajo "
            "con los procedimientos operativos estándar (POE) armonizados elaborados con GLOSOLAN. Le llevará unos 10 minutos, "
            "casi todo con botones.",
            ar="يرصد هذا الاستبيان الخاص بالشبكة الدولية المعنية بتلوث التربة (INSOP) قدرات مختبرات التربة على تحليل الملوثات وعملها "
            "بإجراءات التشغيل الموحدة المنسقة التي وُضعت مع الشبكة العالمية لمختبرات التربة (GLOSOLAN). يستغرق نحو 10 دقائق، "
            "وتكاد كل إجاباته تكون بالأزرار.",
            zh="本次INSOP调查旨在了解土壤实验室的污染物分析能力，以及其应用与GLOSOLAN共同制定的统一标准操作规程（SOP）的情况。约需10分钟，"
            "几乎全部通过按钮作答。",
            ru="Этот опрос INSOP собирает сведения о возможностях почвенных лабораторий по определению загрязняющих веществ и об их "
            "работе с гармонизированными СОП, разработанными совместно с GLOSOLAN. Около 10 минут, почти всё — кнопками.",
        ),
    ),
    q(
        "begin_group",
        "identity",
        T("Your laboratory", "Votre laboratoire", "Su laboratorio", ar="مختبرك", zh="贵实验室", ru="Ваша лаборатория"),
    ),
    q(
        "text",
        "lab_name",
        T(
            "Name of your laboratory",
            "Nom de votre laboratoire",
            "Nombre de su laboratorio",
            ar="اسم مختبرك",
            zh="贵实验室名称",
            ru="Название вашей лаборатории",
        ),
        required="yes",
        required_message=REQUIRED_MESSAGE,
    ),
    q(
        "text",
        "lab_institution",
        T(
            "Parent institution (university, ministry, company)",
            "Institution de rattachement (université, ministère, entreprise)",
            "Institución de la que depende (universidad, ministerio, empresa)",
            ar="المؤسسة الأم (جامعة أو وزارة أو شركة)",
            zh="上级机构（大学、部委、公司）",
            ru="Вышестоящая организация (университет, министерство, компания)",
        ),
        required="yes",
        required_message=REQUIRED_MESSAGE,
    ),
    q(
        "select_one country",
        "country",
        T("Country", "Pays", "País", ar="البلد", zh="国家", ru="Страна"),
        required="yes",
        appearance="autocomplete",
    ),
    q(
        "text",
        "state_province",
        T(
            "State or province (optional)",
            "État ou province (facultatif)",
            "Estado o provincia (opcional)",
            ar="الولاية أو المقاطعة (اختياري)",
            zh="州或省（选填）",
            ru="Штат или провинция (необязательно)",
        ),
    ),
    q(
        "select_one lab_type",
        "lab_type",
        T(
            "Type of laboratory",
            "Type de laboratoire",
            "Tipo de laboratorio",
            ar="نوع المختبر",
            zh="实验室类型",
            ru="Тип лаборатории",
        ),
        required="yes",
    ),
    q(
        "select_one yes_no_dk",
        "glosolan_member",
        T(
            "Is your laboratory registered in GLOSOLAN?",
            "Votre laboratoire est-il inscrit à GLOSOLAN\u202f?",
            "¿Está su laboratorio registrado en GLOSOLAN?",
            ar="هل مختبرك مسجّل في الشبكة العالمية لمختبرات التربة (GLOSOLAN)؟",
            zh="贵实验室是否已在GLOSOLAN注册？",
            ru="Зарегистрирована ли ваша лаборатория в GLOSOLAN?",
        ),
        required="yes",
    ),
    q(
        "text",
        "glosolan_code",
        T(
            "Your GLOSOLAN laboratory code, if you know it (optional)",
            "Le code GLOSOLAN de votre laboratoire, si vous le connaissez (facultatif)",
            "El código GLOSOLAN de su laboratorio, si lo conoce (opcional)",
            ar="رمز مختبرك في GLOSOLAN إن كنت تعرفه (اختياري)",
            zh="贵实验室的GLOSOLAN代码（如知道，选填）",
            ru="Код вашей лаборатории в GLOSOLAN, если известен (необязательно)",
        ),
        relevant="${glosolan_member} = 'yes'",
    ),
    q(
        "select_one yes_no_dk",
        "nrl",
        T(
            "Is it your country's National Reference Laboratory for GLOSOLAN?",
            "Est-ce le laboratoire national de référence de votre pays pour GLOSOLAN\u202f?",
            "¿Es el laboratorio nacional de referencia de su país para GLOSOLAN?",
            ar="هل هو المختبر المرجعي الوطني لبلدك لدى GLOSOLAN؟",
            zh="是否为贵国GLOSOLAN国家参比实验室？",
            ru="Является ли она национальной референтной лабораторией вашей страны в GLOSOLAN?",
        ),
        required="yes",
        relevant="${glosolan_member} = 'yes'",
    ),
    q("end_group", "identity"),
    q(
        "begin_group",
        "scope",
        T("Pollutants", "Polluants", "Contaminantes", ar="الملوثات", zh="污染物", ru="Загрязняющие вещества"),
    ),
    q(
        "select_one analyses",
        "analyses_pollutants",
        T(
            "Does your laboratory analyse pollutants in soil?",
            "Votre laboratoire analyse-t-il des polluants dans les sols\u202f?",
            "¿Analiza su laboratorio contaminantes en el suelo?",
            ar="هل يحلل مختبرك الملوثات في التربة؟",
            zh="贵实验室是否分析土壤中的污染物？",
            ru="Определяет ли ваша лаборатория загрязняющие вещества в почве?",
        ),
        required="yes",
        required_message=REQUIRED_MESSAGE,
    ),
    q(
        "select_multiple lab_pollutant_group",
        "pollutant_groups",
        T(
            "Which pollutants do you analyse in soil?",
            "Quels polluants analysez-vous dans les sols\u202f?",
            "¿Qué contaminantes analiza en el suelo?",
            ar="ما الملوثات التي تحللونها في التربة؟",
            zh="您分析土壤中的哪些污染物？",
            ru="Какие загрязняющие вещества вы определяете в почве?",
        ),
        hint=CHOOSE_ALL,
        required="yes",
        relevant=SCREENED,
    ),
    other_text("pollutant_groups_other", "selected(${pollutant_groups}, 'other')"),
    q(
        "select_multiple pesticide",
        "pesticides_quantified",
        T(
            "Which of these can you quantify in soil?",
            "Lesquels de ces composés pouvez-vous quantifier dans les sols\u202f?",
            "¿Cuáles de estos puede cuantificar en el suelo?",
            ar="أيٌّ من هذه يمكنكم قياسه كميًا في التربة؟",
            zh="您能定量测定土壤中的以下哪些物质？",
            ru="Какие из этих веществ вы можете количественно определять в почве?",
        ),
        hint=CHOOSE_ALL,
        required="yes",
        relevant=PESTICIDES,
    ),
    other_text("pesticides_quantified_other", "selected(${pesticides_quantified}, 'other')"),
    q(
        "integer",
        "n_pesticides",
        T(
            "How many pesticide active ingredients does your multi-residue method cover? (optional)",
            "Combien de substances actives couvre votre méthode multirésidus\u202f? (facultatif)",
            "¿Cuántas sustancias activas abarca su método multirresiduo? (opcional)",
            ar="كم عدد المواد الفعالة لمبيدات الآفات التي تغطيها طريقتكم متعددة المخلفات؟ (اختياري)",
            zh="贵实验室的多残留方法涵盖多少种农药有效成分？（选填）",
            ru="Сколько действующих веществ пестицидов охватывает ваш мультиостаточный метод? (необязательно)",
        ),
        relevant=PESTICIDES,
        constraint=". >= 0 and . <= 1000",
        constraint_message=T(
            "Please enter a number from 0 to 1000.",
            "Veuillez saisir un nombre de 0 à 1000.",
            "Introduzca un número de 0 a 1000.",
            ar="يُرجى إدخال رقم من 0 إلى 1000.",
            zh="请输入0至1000之间的数字。",
            ru="Введите число от 0 до 1000.",
        ),
    ),
    q("end_group", "scope"),
    q("begin_group", "methods", T("Methods", "Méthodes", "Métodos", ar="الطرائق", zh="方法", ru="Методы")),
    q(
        "select_multiple digestion",
        "metal_digestion",
        T(
            "Sample digestion for total metals",
            "Minéralisation des échantillons pour les métaux totaux",
            "Digestión de muestras para metales totales",
            ar="هضم العينات لتحليل المعادن الكلية",
            zh="总金属测定的样品消解方法",
            ru="Разложение проб для определения валового содержания металлов",
        ),
        hint=CHOOSE_ALL,
        required="yes",
        relevant=METALS_TOTAL,
    ),
    q(
        "select_multiple detection",
        "metal_detection",
        T(
            "Measurement technique for metals",
            "Technique de mesure des métaux",
            "Técnica de medición de metales",
            ar="تقنية قياس المعادن",
            zh="金属测定技术",
            ru="Метод измерения металлов",
        ),
        hint=CHOOSE_ALL,
        required="yes",
        relevant=ANY_METALS,
    ),
    q(
        "select_multiple extractant",
        "metal_extractants",
        T(
            "Extractions for bioavailable metals",
            "Extractions pour les métaux biodisponibles",
            "Extracciones para metales biodisponibles",
            ar="طرائق استخلاص المعادن المتاحة حيويًا",
            zh="生物有效态金属的提取方法",
            ru="Экстракции для биодоступных форм металлов",
        ),
        hint=CHOOSE_ALL,
        required="yes",
        relevant="selected(${pollutant_groups}, 'metals_extractable')",
    ),
    q(
        "select_multiple org_ext",
        "organic_extraction",
        T(
            "Extraction for organic pollutants",
            "Extraction des polluants organiques",
            "Extracción de contaminantes orgánicos",
            ar="استخلاص الملوثات العضوية",
            zh="有机污染物提取方法",
            ru="Экстракция органических загрязняющих веществ",
        ),
        hint=CHOOSE_ALL,
        required="yes",
        relevant=ORGANICS,
    ),
    q(
        "select_multiple org_det",
        "organic_detection",
        T(
            "Measurement technique for organic pollutants",
            "Technique de mesure des polluants organiques",
            "Técnica de medición de contaminantes orgánicos",
            ar="تقنية قياس الملوثات العضوية",
            zh="有机污染物测定技术",
            ru="Метод измерения органических загрязняющих веществ",
        ),
        hint=CHOOSE_ALL,
        required="yes",
        relevant=ORGANICS,
    ),
    q(
        "text",
        "method_refs",
        T(
            "Standard methods you follow, e.g. ISO 10382, US EPA 8081B (optional)",
            "Méthodes normalisées que vous suivez, par ex. ISO 10382, US EPA 8081B (facultatif)",
            "Métodos normalizados que sigue, p. ej., ISO 10382, US EPA 8081B (opcional)",
            ar="الطرائق القياسية التي تتبعونها، مثل ISO 10382 أو US EPA 8081B (اختياري)",
            zh="您遵循的标准方法，例如ISO 10382、US EPA 8081B（选填）",
            ru="Стандартные методы, которые вы применяете, например ISO 10382, US EPA 8081B (необязательно)",
        ),
        relevant=SCREENED,
    ),
    loq("loq_cd", T("cadmium", "le cadmium", "cadmio", ar="الكادميوم", zh="镉", ru="кадмия"), METALS_TOTAL),
    loq(
        "loq_hg",
        T("mercury", "le mercure", "mercurio", ar="الزئبق", zh="汞", ru="ртути"),
        METALS_TOTAL + " or selected(${pollutant_groups}, 'mercury')",
    ),
    loq("loq_as", T("arsenic", "l’arsenic", "arsénico", ar="الزرنيخ", zh="砷", ru="мышьяка"), METALS_TOTAL),
    q(
        "select_one volume",
        "samples_per_year",
        T(
            "Soil samples analysed for pollutants per year",
            "Échantillons de sol analysés pour les polluants par an",
            "Muestras de suelo analizadas para contaminantes al año",
            ar="عدد عينات التربة المحللة للملوثات سنويًا",
            zh="每年分析污染物的土壤样品数量",
            ru="Число проб почвы, анализируемых на загрязняющие вещества за год",
        ),
        required="yes",
        relevant=SCREENED,
    ),
    q("end_group", "methods"),
    q("begin_group", "quality", T("Quality", "Qualité", "Calidad", ar="الجودة", zh="质量", ru="Качество")),
    q(
        "select_one accreditation",
        "iso17025",
        T(
            "Is your laboratory accredited to ISO/IEC 17025?",
            "Votre laboratoire est-il accrédité selon l’ISO/IEC 17025\u202f?",
            "¿Está su laboratorio acreditado según la ISO/IEC 17025?",
            ar="هل مختبرك معتمد وفق المعيار ISO/IEC 17025؟",
            zh="贵实验室是否通过ISO/IEC 17025认可？",
            ru="Аккредитована ли ваша лаборатория по ISO/IEC 17025?",
        ),
        required="yes",
    ),
    q(
        "select_multiple pt",
        "pt_last2y",
        T(
            "Proficiency tests for soil pollutants you took part in during the last two years",
            "Essais d’aptitude sur les polluants des sols auxquels vous avez participé au cours des deux dernières années",
            "Ensayos de aptitud sobre contaminantes del suelo en los que participó en los dos últimos años",
            ar="اختبارات الكفاءة الخاصة بملوثات التربة التي شاركتم فيها خلال السنتين الماضيتين",
            zh="过去两年参加的土壤污染物能力验证",
            ru="Проверки квалификации по загрязняющим веществам в почве за последние два года",
        ),
        hint=CHOOSE_ALL,
        required="yes",
        relevant=SCREENED,
        constraint=EXCLUSIVE_NONE,
        constraint_message=NONE_ALONE,
    ),
    q(
        "select_one crm",
        "crm_use",
        T(
            "Do you analyse certified reference materials with pollutant batches?",
            "Analysez-vous des matériaux de référence certifiés avec les séries de polluants\u202f?",
            "¿Analiza materiales de referencia certificados con los lotes de contaminantes?",
            ar="هل تحللون مواد مرجعية معتمدة مع دفعات الملوثات؟",
            zh="分析污染物批次时是否同时分析有证标准物质？",
            ru="Анализируете ли вы сертифицированные стандартные образцы вместе с сериями проб?",
        ),
        required="yes",
        relevant=SCREENED,
    ),
    q("end_group", "quality"),
    q(
        "begin_group",
        "sops",
        T(
            "Harmonized procedures (SOPs)",
            "Modes opératoires harmonisés (MON)",
            "Procedimientos armonizados (POE)",
            ar="إجراءات التشغيل الموحدة المنسقة",
            zh="统一标准操作规程（SOP）",
            ru="Гармонизированные СОП",
        ),
    ),
    q(
        "select_one sop_knowledge",
        "sop_knowledge",
        T(
            "Which best describes your knowledge of the harmonized procedures (SOPs) for soil pollutants developed with GLOSOLAN "
            "and INSOP, including drafts?",
            "Qu’est-ce qui décrit le mieux votre connaissance des modes opératoires normalisés (MON) harmonisés pour les polluants "
            "des sols élaborés avec GLOSOLAN et l’INSOP, projets compris\u202f?",
            "¿Qué describe mejor su conocimiento de los procedimientos operativos estándar (POE) armonizados para contaminantes "
            "del suelo elaborados con GLOSOLAN e INSOP, incluidos los borradores?",
            ar="ما الذي يصف على أفضل وجه معرفتك بإجراءات التشغيل الموحدة المنسقة لملوثات التربة التي وُضعت مع GLOSOLAN والشبكة، بما فيها المسودات؟",
            zh="以下哪项最能描述您对与GLOSOLAN和INSOP共同制定的土壤污染物统一标准操作规程（含草案）的了解程度？",
            ru="Что лучше всего описывает ваше знакомство с гармонизированными СОП для загрязняющих веществ в почвах, разработанными "
            "с GLOSOLAN и INSOP, включая проекты?",
        ),
        required="yes",
        required_message=REQUIRED_MESSAGE,
    ),
    q(
        "select_multiple sop_inv",
        "sop_involvement",
        T(
            "Has your laboratory taken part in developing these SOPs?",
            "Votre laboratoire a-t-il participé à l’élaboration de ces MON\u202f?",
            "¿Ha participado su laboratorio en la elaboración de estos POE?",
            ar="هل شارك مختبرك في وضع إجراءات التشغيل الموحدة هذه؟",
            zh="贵实验室是否参与过这些SOP的制定？",
            ru="Участвовала ли ваша лаборатория в разработке этих СОП?",
        ),
        hint=CHOOSE_ALL,
        required="yes",
        constraint=EXCLUSIVE_NONE,
        constraint_message=NONE_ALONE,
    ),
    q(
        "select_one willing",
        "sop_willing",
        T(
            "Would your laboratory like to take part in the next round?",
            "Votre laboratoire souhaiterait-il participer à la prochaine série\u202f?",
            "¿Le gustaría a su laboratorio participar en la próxima ronda?",
            ar="هل يرغب مختبرك في المشاركة في الجولة القادمة؟",
            zh="贵实验室是否愿意参与下一轮工作？",
            ru="Хотела бы ваша лаборатория участвовать в следующем этапе?",
        ),
        required="yes",
        relevant="selected(${sop_involvement}, 'none')",
    ),
    q(
        "select_multiple roles",
        "sop_roles",
        T("How?", "Comment\u202f?", "¿Cómo?", ar="كيف؟", zh="以何种方式？", ru="В какой форме?"),
        hint=CHOOSE_ALL,
        required="yes",
        relevant="${sop_willing} = 'yes' or ${sop_willing} = 'yes_if_supported'",
    ),
    q(
        "select_multiple topic",
        "training_topics",
        T(
            "Which training would help most?",
            "Quelles formations seraient les plus utiles\u202f?",
            "¿Qué formación sería más útil?",
            ar="ما التدريب الأكثر فائدة؟",
            zh="哪些培训最有帮助？",
            ru="Какое обучение было бы наиболее полезным?",
        ),
        hint=UP_TO_THREE,
        required="yes",
        constraint="count-selected(.) <= 3 and " + EXCLUSIVE_NONE,
        constraint_message=AT_MOST_THREE,
    ),
    q(
        "select_multiple format",
        "training_format",
        T(
            "Preferred formats",
            "Formats préférés",
            "Formatos preferidos",
            ar="الأشكال المفضلة",
            zh="偏好的培训形式",
            ru="Предпочтительные форматы",
        ),
        hint=CHOOSE_ALL,
        required="yes",
        relevant="not(selected(${training_topics}, 'none'))",
    ),
    q(
        "select_multiple lab_constraint",
        "lab_constraints",
        T(
            "Main constraints for pollutant analysis",
            "Principales contraintes pour l’analyse des polluants",
            "Principales limitaciones para el análisis de contaminantes",
            ar="أهم القيود على تحليل الملوثات",
            zh="污染物分析的主要制约因素",
            ru="Основные ограничения при определении загрязняющих веществ",
        ),
        hint=UP_TO_THREE,
        required="yes",
        constraint="count-selected(.) <= 3 and " + EXCLUSIVE_NONE,
        constraint_message=AT_MOST_THREE,
    ),
    q("end_group", "sops"),
    q(
        "text",
        "contact_name",
        T(
            "Contact person for INSOP (full name)",
            "Personne à contacter pour l’INSOP (prénom et nom)",
            "Persona de contacto para INSOP (nombre completo)",
            ar="جهة الاتصال لدى الشبكة (الاسم الكامل)",
            zh="INSOP联系人（全名）",
            ru="Контактное лицо для INSOP (фамилия и имя)",
        ),
        required="yes",
        required_message=REQUIRED_MESSAGE,
        **PERSONAL,
    ),
    q(
        "text",
        "contact_email",
        T(
            "Contact person's work e-mail",
            "Adresse électronique professionnelle de cette personne",
            "Correo electrónico de trabajo de esa persona",
            ar="البريد الإلكتروني المهني لجهة الاتصال",
            zh="联系人的工作电子邮箱",
            ru="Рабочий адрес электронной почты контактного лица",
        ),
        required="yes",
        constraint=EMAIL_CONSTRAINT,
        constraint_message=EMAIL_MESSAGE,
        **PERSONAL,
    ),
    q(
        "select_one yes_no",
        "consent_directory",
        T(
            "May INSOP list your laboratory (name, country, pollutants analysed) in a public directory?",
            "L’INSOP peut-il inscrire votre laboratoire (nom, pays, polluants analysés) dans un annuaire public\u202f?",
            "¿Puede INSOP incluir su laboratorio (nombre, país, contaminantes analizados) en un directorio público?",
            ar="هل يجوز للشبكة إدراج مختبرك (الاسم والبلد والملوثات المحللة) في دليل عام؟",
            zh="INSOP是否可以将贵实验室（名称、国家、所分析的污染物）列入公开名录？",
            ru="Может ли INSOP включить вашу лабораторию (название, страна, определяемые вещества) в открытый справочник?",
        ),
        required="yes",
    ),
    q(
        "select_one yes_no",
        "contact_ok",
        T(
            "May INSOP contact you about the SOP work?",
            "L’INSOP peut-il vous contacter au sujet des travaux sur les MON\u202f?",
            "¿Puede INSOP ponerse en contacto con usted sobre el trabajo en los POE?",
            ar="هل يجوز للشبكة التواصل معك بشأن العمل على إجراءات التشغيل الموحدة؟",
            zh="INSOP是否可以就SOP工作与您联系？",
            ru="Может ли INSOP связаться с вами по поводу работы над СОП?",
        ),
        required="yes",
    ),
    q(
        "text",
        "comments",
        T(
            "Any comments (optional)",
            "Commentaires (facultatif)",
            "Comentarios (opcional)",
            ar="تعليقات (اختياري)",
            zh="其他意见（选填）",
            ru="Комментарии (необязательно)",
        ),
    ),
]

LAB_CHOICES = [
    *country_choices(),
    *YES_NO,
    *YES_NO_DK,
    *choices(
        "lab_type",
        (
            "gov_research",
            T(
                "Government research institute",
                "Institut public de recherche",
                "Instituto público de investigación",
                ar="معهد بحثي حكومي",
                zh="政府科研机构",
                ru="Государственный научно-исследовательский институт",
            ),
        ),
        ("university", T("University", "Université", "Universidad", ar="جامعة", zh="大学", ru="Университет")),
        (
            "gov_service",
            T(
                "Government service or extension laboratory",
                "Laboratoire de service public ou de vulgarisation",
                "Laboratorio de servicio público o de extensión",
                ar="مختبر خدمات حكومية أو إرشاد زراعي",
                zh="政府服务或推广实验室",
                ru="Государственная служебная лаборатория или лаборатория службы распространения знаний",
            ),
        ),
        (
            "private",
            T(
                "Private commercial laboratory",
                "Laboratoire commercial privé",
                "Laboratorio comercial privado",
                ar="مختبر تجاري خاص",
                zh="私营商业实验室",
                ru="Частная коммерческая лаборатория",
            ),
        ),
        ("other", OTHER),
    ),
    *choices(
        "analyses",
        (
            "routinely",
            T(
                "Yes, routinely",
                "Oui, en routine",
                "Sí, de forma rutinaria",
                ar="نعم، بشكل روتيني",
                zh="是，常规分析",
                ru="Да, регулярно",
            ),
        ),
        (
            "occasionally",
            T(
                "Yes, occasionally",
                "Oui, occasionnellement",
                "Sí, ocasionalmente",
                ar="نعم، أحيانًا",
                zh="是，偶尔分析",
                ru="Да, иногда",
            ),
        ),
        (
            "planned",
            T(
                "No, but we plan to",
                "Non, mais c’est prévu",
                "No, pero está previsto",
                ar="لا، لكننا نعتزم ذلك",
                zh="否，但计划开展",
                ru="Нет, но планируем",
            ),
        ),
        ("no", NO),
    ),
    *choices(
        "lab_pollutant_group",
        (
            "metals_total",
            T(
                "Heavy metals and metalloids: total or aqua regia",
                "Métaux lourds et métalloïdes\u202f: total ou eau régale",
                "Metales pesados y metaloides: total o agua regia",
                ar="المعادن الثقيلة وأشباه المعادن: الكلي أو بالماء الملكي",
                zh="重金属和类金属：全量或王水提取",
                ru="Тяжёлые металлы и металлоиды: валовое содержание или царская водка",
            ),
        ),
        (
            "metals_extractable",
            T(
                "Heavy metals: extractable or bioavailable fractions",
                "Métaux lourds\u202f: fractions extractibles ou biodisponibles",
                "Metales pesados: fracciones extraíbles o biodisponibles",
                ar="المعادن الثقيلة: الأجزاء القابلة للاستخلاص أو المتاحة حيويًا",
                zh="重金属：可提取态或生物有效态",
                ru="Тяжёлые металлы: извлекаемые или биодоступные формы",
            ),
        ),
        ("mercury", T("Mercury", "Mercure", "Mercurio", ar="الزئبق", zh="汞", ru="Ртуть")),
        (
            "pest_ocp",
            T(
                "Organochlorine pesticides (e.g. DDT, HCH, endosulfan)",
                "Pesticides organochlorés (par ex. DDT, HCH, endosulfan)",
                "Plaguicidas organoclorados (p. ej., DDT, HCH, endosulfán)",
                ar="مبيدات الآفات الكلورية العضوية (مثل DDT وHCH والإندوسلفان)",
                zh="有机氯农药（如滴滴涕、六六六、硫丹）",
                ru="Хлорорганические пестициды (например, ДДТ, ГХЦГ, эндосульфан)",
            ),
        ),
        (
            "pest_other",
            T(
                "Other pesticides (organophosphates, carbamates, triazines, glyphosate…)",
                "Autres pesticides (organophosphorés, carbamates, triazines, glyphosate…)",
                "Otros plaguicidas (organofosforados, carbamatos, triazinas, glifosato…)",
                ar="مبيدات آفات أخرى (الفوسفاتية العضوية والكربامات والتريازينات والغليفوسات…)",
                zh="其他农药（有机磷、氨基甲酸酯、三嗪类、草甘膦等）",
                ru="Другие пестициды (фосфорорганические, карбаматы, триазины, глифосат…)",
            ),
        ),
        (
            "petroleum",
            T(
                "Petroleum hydrocarbons",
                "Hydrocarbures pétroliers",
                "Hidrocarburos de petróleo",
                ar="الهيدروكربونات البترولية",
                zh="石油烃",
                ru="Нефтяные углеводороды",
            ),
        ),
        (
            "pah_pcb",
            T(
                "PAHs, PCBs, dioxins",
                "HAP, PCB, dioxines",
                "HAP, PCB, dioxinas",
                ar="الهيدروكربونات العطرية متعددة الحلقات وثنائيات الفينيل متعددة الكلور والديوكسينات",
                zh="多环芳烃、多氯联苯、二噁英",
                ru="ПАУ, ПХБ, диоксины",
            ),
        ),
        (
            "pfas",
            T(
                "PFAS",
                "PFAS",
                "PFAS",
                ar="المواد البيرفلورو ألكيلية (PFAS)",
                zh="全氟和多氟烷基物质（PFAS）",
                ru="ПФАС",
            ),
        ),
        ("other", OTHER),
    ),
    *choices(
        "pesticide",
        (
            "ddt",
            T(
                "DDT and metabolites",
                "DDT et métabolites",
                "DDT y metabolitos",
                ar="DDT ونواتج استقلابه",
                zh="滴滴涕及其代谢物",
                ru="ДДТ и метаболиты",
            ),
        ),
        (
            "hch",
            T(
                "HCH isomers, including lindane",
                "Isomères du HCH, dont le lindane",
                "Isómeros del HCH, incluido el lindano",
                ar="أيزومرات HCH بما فيها الليندين",
                zh="六六六异构体（含林丹）",
                ru="Изомеры ГХЦГ, включая линдан",
            ),
        ),
        (
            "drins",
            T(
                "Aldrin, dieldrin, endrin",
                "Aldrine, dieldrine, endrine",
                "Aldrín, dieldrín, endrín",
                ar="الألدرين والديلدرين والإندرين",
                zh="艾氏剂、狄氏剂、异狄氏剂",
                ru="Альдрин, дильдрин, эндрин",
            ),
        ),
        ("endosulfan", T("Endosulfan", "Endosulfan", "Endosulfán", ar="الإندوسلفان", zh="硫丹", ru="Эндосульфан")),
        (
            "chlordane_heptachlor",
            T(
                "Chlordane, heptachlor",
                "Chlordane, heptachlore",
                "Clordano, heptacloro",
                ar="الكلوردان والهبتاكلور",
                zh="氯丹、七氯",
                ru="Хлордан, гептахлор",
            ),
        ),
        (
            "hcb",
            T(
                "Hexachlorobenzene",
                "Hexachlorobenzène",
                "Hexaclorobenceno",
                ar="سداسي كلور البنزين",
                zh="六氯苯",
                ru="Гексахлорбензол",
            ),
        ),
        (
            "chlorpyrifos",
            T("Chlorpyrifos", "Chlorpyriphos", "Clorpirifós", ar="الكلوربيريفوس", zh="毒死蜱", ru="Хлорпирифос"),
        ),
        (
            "other_op",
            T(
                "Other organophosphates",
                "Autres organophosphorés",
                "Otros organofosforados",
                ar="مركبات فوسفاتية عضوية أخرى",
                zh="其他有机磷农药",
                ru="Другие фосфорорганические соединения",
            ),
        ),
        (
            "carbamates",
            T(
                "Carbofuran and other carbamates",
                "Carbofuran et autres carbamates",
                "Carbofurano y otros carbamatos",
                ar="الكاربوفوران والكربامات الأخرى",
                zh="克百威及其他氨基甲酸酯类",
                ru="Карбофуран и другие карбаматы",
            ),
        ),
        (
            "triazines",
            T(
                "Atrazine and other triazines",
                "Atrazine et autres triazines",
                "Atrazina y otras triazinas",
                ar="الأترازين والتريازينات الأخرى",
                zh="莠去津及其他三嗪类",
                ru="Атразин и другие триазины",
            ),
        ),
        (
            "paraquat",
            T(
                "Paraquat, diquat",
                "Paraquat, diquat",
                "Paraquat, diquat",
                ar="الباراكوات والديكوات",
                zh="百草枯、敌草快",
                ru="Паракват, дикват",
            ),
        ),
        (
            "glyphosate",
            T(
                "Glyphosate, AMPA",
                "Glyphosate, AMPA",
                "Glifosato, AMPA",
                ar="الغليفوسات وAMPA",
                zh="草甘膦、氨甲基膦酸",
                ru="Глифосат, АМФК",
            ),
        ),
        (
            "phenoxy",
            T(
                "2,4-D and other phenoxy acids",
                "2,4-D et autres acides phénoxy",
                "2,4-D y otros ácidos fenoxi",
                ar="2,4-D وأحماض الفينوكسي الأخرى",
                zh="2,4-滴及其他苯氧羧酸类",
                ru="2,4-Д и другие феноксикислоты",
            ),
        ),
        (
            "pyrethroids",
            T("Pyrethroids", "Pyréthrinoïdes", "Piretroides", ar="البيريثرويدات", zh="拟除虫菊酯类", ru="Пиретроиды"),
        ),
        (
            "neonicotinoids",
            T(
                "Neonicotinoids",
                "Néonicotinoïdes",
                "Neonicotinoides",
                ar="النيونيكوتينويدات",
                zh="新烟碱类",
                ru="Неоникотиноиды",
            ),
        ),
        ("other", OTHER),
    ),
    *choices(
        "digestion",
        (
            "aqua_regia_open",
            T(
                "Aqua regia, open or reflux (ISO 11466 / ISO 54321)",
                "Eau régale, ouverte ou à reflux (ISO 11466 / ISO 54321)",
                "Agua regia, abierta o a reflujo (ISO 11466 / ISO 54321)",
                ar="الماء الملكي، مفتوح أو بالارتداد (ISO 11466 / ISO 54321)",
                zh="王水，敞开或回流消解（ISO 11466 / ISO 54321）",
                ru="Царская водка, открытое разложение или с обратным холодильником (ISO 11466 / ISO 54321)",
            ),
        ),
        (
            "aqua_regia_mw",
            T(
                "Aqua regia, microwave",
                "Eau régale, micro-ondes",
                "Agua regia, microondas",
                ar="الماء الملكي بالموجات الدقيقة",
                zh="王水，微波消解",
                ru="Царская водка, микроволновое разложение",
            ),
        ),
        (
            "hno3_mw",
            T(
                "Nitric acid, microwave (e.g. US EPA 3051A)",
                "Acide nitrique, micro-ondes (par ex. US EPA 3051A)",
                "Ácido nítrico, microondas (p. ej., US EPA 3051A)",
                ar="حمض النتريك بالموجات الدقيقة (مثل US EPA 3051A)",
                zh="硝酸微波消解（如US EPA 3051A）",
                ru="Азотная кислота, микроволновое разложение (например, US EPA 3051A)",
            ),
        ),
        (
            "hf_total",
            T(
                "Total digestion with HF (e.g. ISO 14869-1, US EPA 3052)",
                "Minéralisation totale à l’HF (par ex. ISO 14869-1, US EPA 3052)",
                "Digestión total con HF (p. ej., ISO 14869-1, US EPA 3052)",
                ar="هضم كلي بحمض الهيدروفلوريك (مثل ISO 14869-1 وUS EPA 3052)",
                zh="含氢氟酸全消解（如ISO 14869-1、US EPA 3052）",
                ru="Полное разложение с HF (например, ISO 14869-1, US EPA 3052)",
            ),
        ),
        (
            "fusion",
            T(
                "Alkaline fusion",
                "Fusion alcaline",
                "Fusión alcalina",
                ar="الصهر القلوي",
                zh="碱熔",
                ru="Щелочное сплавление",
            ),
        ),
        (
            "xrf_solid",
            T(
                "No digestion: XRF on the solid sample",
                "Sans minéralisation\u202f: XRF sur l’échantillon solide",
                "Sin digestión: FRX sobre la muestra sólida",
                ar="دون هضم: XRF على العينة الصلبة",
                zh="不消解：固体样品XRF",
                ru="Без разложения: РФА твёрдой пробы",
            ),
        ),
    ),
    *choices(
        "detection",
        ("icp_oes", T("ICP-OES", "ICP-OES", "ICP-OES", ar="ICP-OES", zh="ICP-OES", ru="ИСП-ОЭС")),
        ("icp_ms", T("ICP-MS", "ICP-MS", "ICP-MS", ar="ICP-MS", zh="ICP-MS", ru="ИСП-МС")),
        ("faas", T("Flame AAS", "SAA flamme", "EAA de llama", ar="AAS باللهب", zh="火焰原子吸收", ru="Пламенная ААС")),
        (
            "gfaas",
            T(
                "Graphite furnace AAS",
                "SAA four graphite",
                "EAA de horno de grafito",
                ar="AAS بالفرن الغرافيتي",
                zh="石墨炉原子吸收",
                ru="ААС с графитовой печью",
            ),
        ),
        (
            "hydride",
            T(
                "Hydride generation AAS/AFS (As, Se)",
                "SAA/SFA à génération d’hydrures (As, Se)",
                "EAA/EFA con generación de hidruros (As, Se)",
                ar="AAS/AFS بتوليد الهيدريد (As وSe)",
                zh="氢化物发生原子吸收/原子荧光（As、Se）",
                ru="ААС/АФС с генерацией гидридов (As, Se)",
            ),
        ),
        (
            "cold_vapour",
            T(
                "Cold vapour AAS/AFS (Hg)",
                "SAA/SFA à vapeur froide (Hg)",
                "EAA/EFA de vapor frío (Hg)",
                ar="AAS/AFS بالبخار البارد (Hg)",
                zh="冷原子吸收/原子荧光（Hg）",
                ru="ААС/АФС холодного пара (Hg)",
            ),
        ),
        (
            "dma",
            T(
                "Direct mercury analyser",
                "Analyseur direct de mercure",
                "Analizador directo de mercurio",
                ar="محلل الزئبق المباشر",
                zh="直接测汞仪",
                ru="Прямой анализатор ртути",
            ),
        ),
        (
            "xrf_lab",
            T(
                "Laboratory XRF",
                "XRF de laboratoire",
                "FRX de laboratorio",
                ar="XRF مخبري",
                zh="实验室XRF",
                ru="Лабораторный РФА",
            ),
        ),
        (
            "pxrf",
            T("Portable XRF", "XRF portable", "FRX portátil", ar="XRF محمول", zh="便携式XRF", ru="Портативный РФА"),
        ),
    ),
    *choices(
        "extractant",
        (
            "dtpa",
            T(
                "DTPA (ISO 14870)",
                "DTPA (ISO 14870)",
                "DTPA (ISO 14870)",
                ar="DTPA (ISO 14870)",
                zh="DTPA（ISO 14870）",
                ru="ДТПА (ISO 14870)",
            ),
        ),
        (
            "cacl2",
            T(
                "0.01 M CaCl2",
                "CaCl2 0,01 M",
                "CaCl2 0,01 M",
                ar="CaCl2 بتركيز 0.01 مولار",
                zh="0.01 M CaCl2",
                ru="0,01 М CaCl2",
            ),
        ),
        (
            "nh4no3",
            T(
                "1 M NH4NO3 (ISO 19730)",
                "NH4NO3 1 M (ISO 19730)",
                "NH4NO3 1 M (ISO 19730)",
                ar="NH4NO3 بتركيز 1 مولار (ISO 19730)",
                zh="1 M NH4NO3（ISO 19730）",
                ru="1 М NH4NO3 (ISO 19730)",
            ),
        ),
        (
            "hno3_dilute",
            T(
                "0.43 M HNO3 (ISO 17586)",
                "HNO3 0,43 M (ISO 17586)",
                "HNO3 0,43 M (ISO 17586)",
                ar="HNO3 بتركيز 0.43 مولار (ISO 17586)",
                zh="0.43 M HNO3（ISO 17586）",
                ru="0,43 М HNO3 (ISO 17586)",
            ),
        ),
        ("edta", T("EDTA", "EDTA", "EDTA", ar="EDTA", zh="EDTA", ru="ЭДТА")),
        ("mehlich3", T("Mehlich 3", "Mehlich 3", "Mehlich 3", ar="Mehlich 3", zh="Mehlich 3", ru="Мелих 3")),
        (
            "sequential",
            T(
                "Sequential extraction (e.g. BCR)",
                "Extraction séquentielle (par ex. BCR)",
                "Extracción secuencial (p. ej., BCR)",
                ar="الاستخلاص المتسلسل (مثل BCR)",
                zh="连续提取（如BCR）",
                ru="Последовательная экстракция (например, BCR)",
            ),
        ),
        (
            "dgt",
            T(
                "DGT or pore water",
                "DGT ou eau interstitielle",
                "DGT o agua intersticial",
                ar="DGT أو ماء المسام",
                zh="DGT或孔隙水",
                ru="DGT или поровая вода",
            ),
        ),
    ),
    *choices(
        "org_ext",
        ("soxhlet", T("Soxhlet", "Soxhlet", "Soxhlet", ar="سوكسليت", zh="索氏提取", ru="Сокслет")),
        (
            "ple",
            T(
                "Pressurized liquid extraction (ASE/PLE)",
                "Extraction par liquide pressurisé (ASE/PLE)",
                "Extracción con líquidos presurizados (ASE/PLE)",
                ar="الاستخلاص بالسائل المضغوط (ASE/PLE)",
                zh="加压液体萃取（ASE/PLE）",
                ru="Экстракция жидкостью под давлением (ASE/PLE)",
            ),
        ),
        (
            "ultrasonic",
            T(
                "Ultrasonic extraction",
                "Extraction par ultrasons",
                "Extracción por ultrasonidos",
                ar="الاستخلاص بالموجات فوق الصوتية",
                zh="超声萃取",
                ru="Ультразвуковая экстракция",
            ),
        ),
        ("quechers", T("QuEChERS", "QuEChERS", "QuEChERS", ar="QuEChERS", zh="QuEChERS", ru="QuEChERS")),
        ("shaking", T("Shaking", "Agitation", "Agitación", ar="الرج", zh="振荡提取", ru="Встряхивание")),
    ),
    *choices(
        "org_det",
        ("gc_ecd", T("GC-ECD", "GC-ECD", "GC-ECD", ar="GC-ECD", zh="GC-ECD", ru="ГХ-ЭЗД")),
        ("gc_ms", T("GC-MS", "GC-MS", "GC-MS", ar="GC-MS", zh="GC-MS", ru="ГХ-МС")),
        ("gc_msms", T("GC-MS/MS", "GC-MS/MS", "GC-MS/MS", ar="GC-MS/MS", zh="GC-MS/MS", ru="ГХ-МС/МС")),
        ("lc_msms", T("LC-MS/MS", "LC-MS/MS", "LC-MS/MS", ar="LC-MS/MS", zh="LC-MS/MS", ru="ВЭЖХ-МС/МС")),
        (
            "hplc_uv",
            T("HPLC-UV/DAD", "HPLC-UV/DAD", "HPLC-UV/DAD", ar="HPLC-UV/DAD", zh="HPLC-UV/DAD", ru="ВЭЖХ-УФ/ДМД"),
        ),
        (
            "gc_fid",
            T(
                "GC-FID (hydrocarbons)",
                "GC-FID (hydrocarbures)",
                "GC-FID (hidrocarburos)",
                ar="GC-FID (الهيدروكربونات)",
                zh="GC-FID（烃类）",
                ru="ГХ-ПИД (углеводороды)",
            ),
        ),
        (
            "immunoassay",
            T("Immunoassay", "Immunoessai", "Inmunoensayo", ar="المقايسة المناعية", zh="免疫分析", ru="Иммуноанализ"),
        ),
    ),
    *choices(
        "volume",
        ("lt100", T("Fewer than 100", "Moins de 100", "Menos de 100", ar="أقل من 100", zh="少于100个", ru="Менее 100")),
        ("s100_999", T("100–999", "100–999", "100–999", ar="100–999", zh="100–999个", ru="100–999")),
        ("s1000_9999", T("1000–9999", "1000–9999", "1000–9999", ar="1000–9999", zh="1000–9999个", ru="1000–9999")),
        (
            "ge10000",
            T(
                "10 000 or more",
                "10\u202f000 ou plus",
                "10 000 o más",
                ar="10000 أو أكثر",
                zh="10000个及以上",
                ru="10 000 и более",
            ),
        ),
    ),
    *choices(
        "accreditation",
        (
            "yes_pollutants",
            T(
                "Yes, including methods for soil pollutants",
                "Oui, y compris des méthodes pour les polluants des sols",
                "Sí, incluidos métodos para contaminantes del suelo",
                ar="نعم، بما في ذلك طرائق ملوثات التربة",
                zh="是，包括土壤污染物方法",
                ru="Да, включая методы определения загрязняющих веществ в почве",
            ),
        ),
        (
            "yes_other",
            T(
                "Yes, but not for soil pollutant methods",
                "Oui, mais pas pour les méthodes relatives aux polluants des sols",
                "Sí, pero no para métodos de contaminantes del suelo",
                ar="نعم، ولكن ليس لطرائق ملوثات التربة",
                zh="是，但不包括土壤污染物方法",
                ru="Да, но не для методов определения загрязняющих веществ в почве",
            ),
        ),
        (
            "in_progress",
            T(
                "Accreditation in progress",
                "Accréditation en cours",
                "Acreditación en curso",
                ar="الاعتماد قيد الإنجاز",
                zh="正在申请认可",
                ru="Аккредитация в процессе",
            ),
        ),
        ("no", NO),
        ("dont_know", DONT_KNOW),
    ),
    *choices(
        "pt",
        ("glosolan", T("GLOSOLAN", "GLOSOLAN", "GLOSOLAN", ar="GLOSOLAN", zh="GLOSOLAN", ru="GLOSOLAN")),
        ("wepal", T("WEPAL-ISE", "WEPAL-ISE", "WEPAL-ISE", ar="WEPAL-ISE", zh="WEPAL-ISE", ru="WEPAL-ISE")),
        (
            "national",
            T(
                "A national scheme",
                "Un programme national",
                "Un programa nacional",
                ar="برنامج وطني",
                zh="国家能力验证计划",
                ru="Национальная программа",
            ),
        ),
        (
            "regional",
            T(
                "A regional scheme",
                "Un programme régional",
                "Un programa regional",
                ar="برنامج إقليمي",
                zh="区域能力验证计划",
                ru="Региональная программа",
            ),
        ),
        (
            "other_intl",
            T(
                "Another international scheme",
                "Un autre programme international",
                "Otro programa internacional",
                ar="برنامج دولي آخر",
                zh="其他国际能力验证计划",
                ru="Другая международная программа",
            ),
        ),
        ("none", NONE),
    ),
    *choices(
        "crm",
        (
            "every_batch",
            T(
                "With every batch",
                "À chaque série",
                "En cada lote",
                ar="مع كل دفعة",
                zh="每批都分析",
                ru="С каждой серией",
            ),
        ),
        ("sometimes", T("Sometimes", "Parfois", "A veces", ar="أحيانًا", zh="有时", ru="Иногда")),
        ("never", T("Never", "Jamais", "Nunca", ar="أبدًا", zh="从不", ru="Никогда")),
    ),
    *choices(
        "sop_knowledge",
        (
            "not_aware",
            T(
                "I was not aware of them",
                "Je ne les connaissais pas",
                "No los conocía",
                ar="لم أكن على علم بها",
                zh="此前不知道",
                ru="Я о них не знал(а)",
            ),
        ),
        (
            "aware",
            T(
                "I know they exist but have not read them",
                "Je sais qu’ils existent mais je ne les ai pas lus",
                "Sé que existen, pero no los he leído",
                ar="أعرف أنها موجودة لكنني لم أقرأها",
                zh="知道但未阅读",
                ru="Знаю, что они есть, но не читал(а)",
            ),
        ),
        (
            "read",
            T(
                "I have read at least one",
                "J’en ai lu au moins un",
                "He leído al menos uno",
                ar="قرأت واحدًا منها على الأقل",
                zh="至少阅读过一份",
                ru="Прочитал(а) хотя бы одну",
            ),
        ),
        (
            "trained",
            T(
                "Our staff were trained on at least one (webinar or course)",
                "Notre personnel a été formé à au moins un (webinaire ou cours)",
                "Nuestro personal recibió formación sobre al menos uno (seminario web o curso)",
                ar="تلقى موظفونا تدريبًا على واحد منها على الأقل (ندوة عبر الإنترنت أو دورة)",
                zh="我们的工作人员至少接受过一份的培训（网络研讨会或课程）",
                ru="Наши сотрудники прошли обучение хотя бы по одной (вебинар или курс)",
            ),
        ),
        (
            "using",
            T(
                "We use at least one in routine work",
                "Nous en utilisons au moins un en routine",
                "Utilizamos al menos uno en el trabajo rutinario",
                ar="نستخدم واحدًا منها على الأقل في العمل الروتيني",
                zh="我们在日常工作中至少使用一份",
                ru="Мы применяем хотя бы одну в повседневной работе",
            ),
        ),
    ),
    *choices(
        "sop_inv",
        (
            "drafting",
            T(
                "Drafting or reviewing a procedure",
                "Rédaction ou relecture d’un mode opératoire",
                "Redacción o revisión de un procedimiento",
                ar="صياغة إجراء أو مراجعته",
                zh="起草或审阅规程",
                ru="Подготовка или рецензирование методики",
            ),
        ),
        (
            "ring_test",
            T(
                "Inter-laboratory validation (ring test)",
                "Validation interlaboratoires (essai circulaire)",
                "Validación interlaboratorios (ensayo circular)",
                ar="التحقق بين المختبرات (اختبار دائري)",
                zh="实验室间验证（环形试验）",
                ru="Межлабораторная валидация (кольцевые испытания)",
            ),
        ),
        (
            "training_host",
            T(
                "Hosting or giving training",
                "Accueil ou animation de formations",
                "Acoger o impartir formación",
                ar="استضافة التدريب أو تقديمه",
                zh="主办或讲授培训",
                ru="Проведение обучения или предоставление площадки",
            ),
        ),
        (
            "none",
            T(
                "None so far",
                "Aucune jusqu’à présent",
                "Ninguna hasta ahora",
                ar="لا شيء حتى الآن",
                zh="迄今未参与",
                ru="Пока нет",
            ),
        ),
    ),
    *choices(
        "willing",
        ("yes", YES),
        (
            "yes_if_supported",
            T(
                "Yes, if the costs (samples, consumables, shipping) are covered",
                "Oui, si les coûts (échantillons, consommables, expédition) sont pris en charge",
                "Sí, si se cubren los costos (muestras, consumibles, envío)",
                ar="نعم، إذا غُطيت التكاليف (العينات والمستهلكات والشحن)",
                zh="是，前提是费用（样品、耗材、运输）得到支付",
                ru="Да, если расходы (образцы, расходные материалы, доставка) будут покрыты",
            ),
        ),
        ("no", NO),
        ("dont_know", DONT_KNOW),
    ),
    *choices(
        "roles",
        (
            "review",
            T(
                "Reviewing draft procedures",
                "Relecture de projets de modes opératoires",
                "Revisión de borradores de procedimientos",
                ar="مراجعة مسودات الإجراءات",
                zh="审阅规程草案",
                ru="Рецензирование проектов методик",
            ),
        ),
        (
            "ring_test",
            T(
                "Ring tests",
                "Essais circulaires",
                "Ensayos circulares",
                ar="الاختبارات الدائرية",
                zh="环形试验",
                ru="Кольцевые испытания",
            ),
        ),
        (
            "translate",
            T(
                "Translating procedures",
                "Traduction de modes opératoires",
                "Traducción de procedimientos",
                ar="ترجمة الإجراءات",
                zh="翻译规程",
                ru="Перевод методик",
            ),
        ),
        (
            "host_training",
            T(
                "Hosting training",
                "Accueil de formations",
                "Acoger formaciones",
                ar="استضافة التدريب",
                zh="主办培训",
                ru="Проведение обучения",
            ),
        ),
    ),
    *choices(
        "topic",
        (
            "qaqc",
            T(
                "Quality assurance and control",
                "Assurance et contrôle de la qualité",
                "Aseguramiento y control de la calidad",
                ar="ضمان الجودة ومراقبتها",
                zh="质量保证与质量控制",
                ru="Обеспечение и контроль качества",
            ),
        ),
        (
            "validation",
            T(
                "Method validation and measurement uncertainty",
                "Validation des méthodes et incertitude de mesure",
                "Validación de métodos e incertidumbre de medición",
                ar="التحقق من صحة الطرائق وعدم اليقين في القياس",
                zh="方法验证与测量不确定度",
                ru="Валидация методов и неопределённость измерений",
            ),
        ),
        (
            "metals_total",
            T(
                "Total metals",
                "Métaux totaux",
                "Metales totales",
                ar="المعادن الكلية",
                zh="金属全量",
                ru="Валовое содержание металлов",
            ),
        ),
        (
            "metals_bioavailable",
            T(
                "Bioavailable metals",
                "Métaux biodisponibles",
                "Metales biodisponibles",
                ar="المعادن المتاحة حيويًا",
                zh="生物有效态金属",
                ru="Биодоступные формы металлов",
            ),
        ),
        (
            "pesticide_residues",
            T(
                "Pesticide residues",
                "Résidus de pesticides",
                "Residuos de plaguicidas",
                ar="مخلفات مبيدات الآفات",
                zh="农药残留",
                ru="Остатки пестицидов",
            ),
        ),
        (
            "sampling",
            T(
                "Sampling and sample preparation",
                "Échantillonnage et préparation des échantillons",
                "Muestreo y preparación de muestras",
                ar="أخذ العينات وتحضيرها",
                zh="采样与样品制备",
                ru="Отбор и подготовка проб",
            ),
        ),
        (
            "reporting",
            T(
                "Reporting results",
                "Communication des résultats",
                "Informe de resultados",
                ar="الإبلاغ عن النتائج",
                zh="结果报告",
                ru="Представление результатов",
            ),
        ),
        (
            "maintenance",
            T(
                "Instrument maintenance",
                "Maintenance des instruments",
                "Mantenimiento de instrumentos",
                ar="صيانة الأجهزة",
                zh="仪器维护",
                ru="Обслуживание приборов",
            ),
        ),
        ("none", NONE),
    ),
    *choices(
        "format",
        (
            "webinars",
            T("Webinars", "Webinaires", "Seminarios web", ar="ندوات عبر الإنترنت", zh="网络研讨会", ru="Вебинары"),
        ),
        (
            "self_paced",
            T(
                "Self-paced e-learning",
                "Formation en ligne à son rythme",
                "Aprendizaje en línea a su ritmo",
                ar="التعلم الإلكتروني الذاتي",
                zh="自主在线学习",
                ru="Самостоятельное онлайн-обучение",
            ),
        ),
        (
            "in_person",
            T(
                "In-person training",
                "Formation en présentiel",
                "Formación presencial",
                ar="تدريب حضوري",
                zh="现场培训",
                ru="Очное обучение",
            ),
        ),
        (
            "exchange",
            T(
                "Laboratory exchange or twinning",
                "Échange ou jumelage de laboratoires",
                "Intercambio o hermanamiento de laboratorios",
                ar="تبادل المختبرات أو التوأمة بينها",
                zh="实验室交流或结对",
                ru="Обмен или партнёрство между лабораториями",
            ),
        ),
    ),
    *choices(
        "lab_constraint",
        ("equipment", T("Equipment", "Équipement", "Equipos", ar="المعدات", zh="设备", ru="Оборудование")),
        (
            "consumables",
            T(
                "Consumables and standards",
                "Consommables et étalons",
                "Consumibles y patrones",
                ar="المستهلكات والمعايير",
                zh="耗材和标准品",
                ru="Расходные материалы и стандарты",
            ),
        ),
        (
            "reference_materials",
            T(
                "Reference materials",
                "Matériaux de référence",
                "Materiales de referencia",
                ar="المواد المرجعية",
                zh="标准物质",
                ru="Стандартные образцы",
            ),
        ),
        (
            "staff",
            T(
                "Trained staff",
                "Personnel formé",
                "Personal capacitado",
                ar="الموظفون المدربون",
                zh="受过培训的人员",
                ru="Подготовленный персонал",
            ),
        ),
        (
            "maintenance",
            T(
                "Instrument maintenance",
                "Maintenance des instruments",
                "Mantenimiento de instrumentos",
                ar="صيانة الأجهزة",
                zh="仪器维护",
                ru="Обслуживание приборов",
            ),
        ),
        ("funding", T("Funding", "Financement", "Financiación", ar="التمويل", zh="资金", ru="Финансирование")),
        (
            "few_samples",
            T(
                "Too few samples to justify the method",
                "Trop peu d’échantillons pour justifier la méthode",
                "Demasiado pocas muestras para justificar el método",
                ar="قلة العينات بحيث لا تبرر الطريقة",
                zh="样品太少，不值得建立该方法",
                ru="Слишком мало проб, чтобы оправдать метод",
            ),
        ),
        ("none", NONE),
    ),
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
    # Columns of their own after the labels (`featured`), in the order they first appear.
    extra = list(dict.fromkeys(key for row in choice_rows for key in row if key not in ("list_name", "name", "label")))
    choice_header = ["list_name", "name", *[f"label::{name} ({code})" for name, code in LANGUAGES], *extra]
    choice_sheet.append(choice_header)
    for row in choice_rows:
        labels = [row["label"].get(code) or None for _name, code in LANGUAGES]
        choice_sheet.append([row["list_name"], row["name"], *labels, *[row.get(key) or None for key in extra]])
    settings_sheet = workbook.create_sheet("settings")
    settings_sheet.append(list(settings))
    settings_sheet.append(list(settings.values()))
    workbook.save(path)


def build() -> list[Path]:
    """Write both shipped forms next to this script and return their paths."""
    forms = [
        (
            HERE / "threshold_survey.xlsx",
            THRESHOLD_SURVEY,
            THRESHOLD_CHOICES,
            {
                "form_title": "INSOP soil threshold values",
                "form_id": "insop_thresholds",
                "version": VERSION,
                "default_language": "English (en)",
                "namespaces": NAMESPACES,
            },
        ),
        (
            HERE / "lab_sop_survey.xlsx",
            LAB_SURVEY,
            LAB_CHOICES,
            {
                "form_title": "INSOP soil laboratory SOP survey",
                "form_id": "insop_lab_sop",
                "version": VERSION,
                "default_language": "English (en)",
                "namespaces": NAMESPACES,
            },
        ),
    ]
    for path, survey, choice_rows, settings in forms:
        write_form(path, survey, choice_rows, settings)
    return [path for path, *_rest in forms]


if __name__ == "__main__":
    for written in build():
        print(f"wrote {written}")
