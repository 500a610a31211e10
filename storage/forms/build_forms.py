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


REQUIRED_MESSAGE = T("This answer is required.", "Cette réponse est obligatoire.", "Esta respuesta es obligatoria.",
                     ar="هذه الإجابة مطلوبة.", zh="此项为必答题。", ru="Это обязательный вопрос.")

YES_NO = choices(
    "yes_no",
    ("yes", T("Yes", "Oui", "Sí", ar="نعم", zh="是", ru="Да")), ("no", T("No", "Non", "No", ar="لا", zh="否", ru="Нет")),
)
YES_NO_DK = choices(
    "yes_no_dk",
    ("yes", T("Yes", "Oui", "Sí", ar="نعم", zh="是", ru="Да")), ("no", T("No", "Non", "No", ar="لا", zh="否", ru="Нет")),
    ("dont_know", T("Don't know", "Je ne sais pas", "No lo sé", ar="لا أعرف", zh="不知道", ru="Не знаю")),
)

THRESHOLD_SURVEY = [
    q("note", "intro", T(
        "This INSOP survey collects your country's soil threshold values for pollutants. It takes about 10 minutes.",
        "Cette enquête de l'INSOP recueille les valeurs seuils des polluants dans les sols de votre pays. Elle dure environ 10 minutes.",
        "Esta encuesta de INSOP recopila los valores umbral de contaminantes en los suelos de su país. Le llevará unos 10 minutos.",
        ar="يجمع هذا الاستبيان الخاص بالشبكة الدولية المعنية بتلوث التربة (INSOP) القيم الحدية للملوثات في تربة بلدك. يستغرق ملؤه نحو 10 دقائق.",
        zh="本次国际土壤污染网络（INSOP）调查旨在收集贵国土壤污染物阈值，填写约需10分钟。",
        ru="Этот опрос INSOP собирает пороговые значения содержания загрязняющих веществ в почвах вашей страны. Он займёт около 10 минут.")),
    q("begin_group", "respondent", T("About you", "À propos de vous", "Sobre usted", ar="معلومات عنك", zh="关于您", ru="О вас")),
    q("select_one country", "country", T("Which country do you represent?", "Quel pays représentez-vous ?", "¿Qué país representa?",
                                         ar="أي بلد تمثل؟", zh="您代表哪个国家？", ru="Какую страну вы представляете?"),
      hint=T("Type the country name.", "Saisissez le nom du pays.", "Escriba el nombre del país.",
             ar="اكتب اسم البلد.", zh="请输入国家名称。", ru="Введите название страны."), required="yes",
      required_message=REQUIRED_MESSAGE, appearance="autocomplete"),
    q("text", "role", T("What is your role or position?", "Quelle est votre fonction ou votre poste ?", "¿Cuál es su función o cargo?",
                        ar="ما دورك أو منصبك؟", zh="您的职能或职务是什么？", ru="Какова ваша роль или должность?"),
      required="yes", required_message=REQUIRED_MESSAGE),
    q("text", "institution", T("Which institution do you work for?", "Pour quelle institution travaillez-vous ?", "¿En qué institución trabaja?",
                               ar="في أي مؤسسة تعمل؟", zh="您在哪个机构工作？", ru="В какой организации вы работаете?"),
      required="yes", required_message=REQUIRED_MESSAGE),
    q("end_group", "respondent"),
    q("begin_group", "status", T("Soil threshold values", "Valeurs seuils des sols", "Valores umbral del suelo",
                                 ar="القيم الحدية للتربة", zh="土壤阈值", ru="Пороговые значения для почв")),
    q("select_one has_thresholds", "has_thresholds",
      T("Does your country have soil threshold values for pollutants?",
        "Votre pays dispose-t-il de valeurs seuils pour les polluants des sols ?",
        "¿Tiene su país valores umbral para contaminantes del suelo?",
        ar="هل لدى بلدك قيم حدية للملوثات في التربة؟",
        zh="贵国是否制定了土壤污染物阈值？",
        ru="Есть ли в вашей стране пороговые значения содержания загрязняющих веществ в почвах?"),
      required="yes", required_message=REQUIRED_MESSAGE),
    q("select_one legal_status", "legal_status",
      T("Are these values legally binding or guidelines?", "Ces valeurs sont-elles juridiquement contraignantes ou indicatives ?",
        "¿Estos valores son jurídicamente vinculantes u orientativos?",
        ar="هل هذه القيم ملزمة قانونًا أم إرشادية؟",
        zh="这些数值具有法律约束力还是仅为指导性数值？",
        ru="Эти значения юридически обязательны или носят рекомендательный характер?"),
      required="yes", relevant="${has_thresholds} = 'yes' or ${has_thresholds} = 'in_preparation'"),
    q("select_multiple land_use or_other", "land_uses",
      T("For which land uses are values set?", "Quels usages des sols sont couverts par des valeurs ?",
        "¿Para qué usos del suelo se han establecido valores?",
        ar="ما استخدامات الأراضي التي حُددت لها قيم؟",
        zh="针对哪些土地用途设定了阈值？",
        ru="Для каких видов землепользования установлены значения?"),
      hint=T("Choose all that apply.", "Choisissez toutes les réponses applicables.", "Elija todas las que correspondan.",
             ar="اختر كل ما ينطبق.", zh="请选择所有适用项。", ru="Выберите все подходящие варианты."),
      required="yes", relevant="${has_thresholds} = 'yes' or ${has_thresholds} = 'in_preparation'"),
    q("end_group", "status"),
    q("begin_repeat", "threshold", T("Threshold value", "Valeur seuil", "Valor umbral",
                                     ar="قيمة حدية", zh="阈值", ru="Пороговое значение"), relevant="${has_thresholds} = 'yes'"),
    q("calculate", "threshold_number", calculation="position(..)"),
    q("note", "threshold_intro", T(
        "Threshold value no. ${threshold_number}: one pollutant, one land use.",
        "Valeur seuil n° ${threshold_number} : un polluant, un usage des sols.",
        "Valor umbral n.º ${threshold_number}: un contaminante, un uso del suelo.",
        ar="القيمة الحدية رقم ${threshold_number}: ملوث واحد لاستخدام واحد للأراضي.",
        zh="第${threshold_number}项阈值：一种污染物，一种土地用途。",
        ru="Пороговое значение № ${threshold_number}: одно загрязняющее вещество, один вид землепользования.")),
    q("select_one pollutant or_other", "pollutant", T("Pollutant", "Polluant", "Contaminante",
                                                      ar="الملوث", zh="污染物", ru="Загрязняющее вещество"),
      required="yes", required_message=REQUIRED_MESSAGE),
    q("select_one land_use", "threshold_land_use", T("Land use", "Usage des sols", "Uso del suelo",
                                                     ar="استخدام الأراضي", zh="土地用途", ru="Вид землепользования"),
      required="yes", choice_filter="selected(${land_uses}, name)"),
    q("decimal", "value", T("Threshold value (number only)", "Valeur seuil (nombre uniquement)", "Valor umbral (solo el número)",
                            ar="القيمة الحدية (رقم فقط)", zh="阈值（仅填数字）", ru="Пороговое значение (только число)"),
      required="yes", constraint=". >= 0 and . < 1000000",
      constraint_message=T("Please enter a value from 0 to 999999.", "Veuillez saisir une valeur de 0 à 999999.",
                           "Introduzca un valor de 0 a 999999.",
                           ar="يُرجى إدخال قيمة من 0 إلى 999999.",
                           zh="请输入0至999999之间的数值。",
                           ru="Введите значение от 0 до 999999.")),
    q("select_one unit", "unit", T("Unit", "Unité", "Unidad",
                                   ar="الوحدة", zh="单位", ru="Единица измерения"), required="yes", default="mg_kg"),
    q("select_one value_type", "value_type", T("Type of value", "Type de valeur", "Tipo de valor",
                                               ar="نوع القيمة", zh="数值类型", ru="Тип значения"), required="yes"),
    q("select_one basis or_other", "basis", T("Basis or extraction method", "Base ou méthode d'extraction", "Base o método de extracción",
                                              ar="أساس القياس أو طريقة الاستخلاص",
                                              zh="测定基础或提取方法",
                                              ru="Основа определения или метод экстракции"),
      required="yes"),
    q("text", "soil_conditions", T("pH or soil conditions the value applies to (optional)",
                                   "pH ou conditions du sol auxquels la valeur s'applique (facultatif)",
                                   "pH o condiciones del suelo a las que se aplica el valor (opcional)",
                                   ar="قيمة pH أو ظروف التربة التي تنطبق عليها القيمة (اختياري)",
                                   zh="该数值适用的pH或土壤条件（选填）",
                                   ru="pH или почвенные условия, к которым относится значение (необязательно)"),
      hint=T("For example: pH < 6, sandy soils.", "Par exemple : pH < 6, sols sableux.", "Por ejemplo: pH < 6, suelos arenosos.",
             ar="مثال: pH < 6، تربة رملية.", zh="例如：pH < 6，砂质土壤。", ru="Например: pH < 6, песчаные почвы.")),
    q("text", "instrument", T("Name of the legal instrument or guideline", "Nom de l'instrument juridique ou du document d'orientation",
                              "Nombre del instrumento jurídico o de la directriz",
                              ar="اسم الصك القانوني أو المبدأ التوجيهي",
                              zh="法律文书或指南的名称",
                              ru="Название правового акта или руководящего документа"), required="yes"),
    q("integer", "year", T("Year of adoption", "Année d'adoption", "Año de adopción",
                           ar="سنة الاعتماد", zh="通过年份", ru="Год принятия"), required="yes",
      constraint=". >= 1950 and . <= 2026",
      constraint_message=T("Please enter a year between 1950 and 2026.", "Veuillez saisir une année entre 1950 et 2026.",
                           "Introduzca un año entre 1950 y 2026.",
                           ar="يُرجى إدخال سنة بين 1950 و2026.", zh="请输入1950至2026年之间的年份。", ru="Введите год от 1950 до 2026.")),
    q("text", "link", T("Link to the document (optional)", "Lien vers le document (facultatif)", "Enlace al documento (opcional)",
                        ar="رابط الوثيقة (اختياري)", zh="文件链接（选填）", ru="Ссылка на документ (необязательно)"),
      constraint="regex(., '^https?://')",
      constraint_message=T("Please enter a web address starting with http:// or https://.",
                           "Veuillez saisir une adresse web commençant par http:// ou https://.",
                           "Introduzca una dirección web que empiece por http:// o https://.",
                           ar="يُرجى إدخال عنوان ويب يبدأ بـ http:// أو https://.",
                           zh="请输入以 http:// 或 https:// 开头的网址。",
                           ru="Введите веб-адрес, начинающийся с http:// или https://.")),
    q("end_repeat", "threshold"),
    q("calculate", "threshold_count", calculation="count(${threshold})"),
    q("begin_group", "policy", T("Policy", "Politiques", "Política", ar="السياسات", zh="政策", ru="Политика")),
    q("select_one yes_no", "in_discussions",
      T("Is your country involved in discussions on soil threshold values?",
        "Votre pays participe-t-il à des discussions sur les valeurs seuils des sols ?",
        "¿Participa su país en debates sobre valores umbral del suelo?",
        ar="هل يشارك بلدك في مناقشات بشأن القيم الحدية للتربة؟",
        zh="贵国是否参与有关土壤阈值的讨论？",
        ru="Участвует ли ваша страна в обсуждении пороговых значений для почв?"), required="yes"),
    q("select_one yes_no_dk", "working_toward",
      T("Is your country working toward adopting soil threshold values?",
        "Votre pays travaille-t-il à l'adoption de valeurs seuils pour les sols ?",
        "¿Trabaja su país para adoptar valores umbral del suelo?",
        ar="هل يعمل بلدك على اعتماد قيم حدية للتربة؟",
        zh="贵国是否正在推动制定土壤阈值？",
        ru="Ведёт ли ваша страна работу по принятию пороговых значений для почв?"),
      required="yes", relevant="${has_thresholds} != 'yes'"),
    q("select_multiple obstacle or_other", "obstacles",
      T("What stands in the way?", "Qu'est-ce qui fait obstacle ?", "¿Qué lo impide?",
        ar="ما العوائق التي تحول دون ذلك؟", zh="存在哪些障碍？", ru="Что этому препятствует?"),
      hint=T("Choose all that apply.", "Choisissez toutes les réponses applicables.", "Elija todas las que correspondan.",
             ar="اختر كل ما ينطبق.", zh="请选择所有适用项。", ru="Выберите все подходящие варианты."),
      required="yes", relevant="${working_toward} = 'yes' or ${working_toward} = 'no'"),
    q("end_group", "policy"),
    q("select_one yes_no", "consent_publish",
      T("Do you agree that INSOP publishes these answers, with your country named?",
        "Acceptez-vous que l'INSOP publie ces réponses en nommant votre pays ?",
        "¿Acepta que INSOP publique estas respuestas indicando su país?",
        ar="هل توافق على أن تنشر INSOP هذه الإجابات مع ذكر اسم بلدك؟",
        zh="您是否同意INSOP公布这些答复并注明贵国名称？",
        ru="Согласны ли вы, чтобы INSOP опубликовала эти ответы с указанием вашей страны?"),
      required="yes", required_message=REQUIRED_MESSAGE),
]

THRESHOLD_CHOICES = [
    *country_choices(),
    *choices("has_thresholds",
             ("yes", T("Yes", "Oui", "Sí", ar="نعم", zh="是", ru="Да")),
             ("in_preparation", T("In preparation", "En préparation", "En preparación",
                                  ar="قيد الإعداد", zh="正在制定", ru="В стадии подготовки")),
             ("no", T("No", "Non", "No", ar="لا", zh="否", ru="Нет")),
             ("dont_know", T("Don't know", "Je ne sais pas", "No lo sé", ar="لا أعرف", zh="不知道", ru="Не знаю"))),
    *choices("legal_status",
             ("binding", T("Legally binding", "Juridiquement contraignantes", "Jurídicamente vinculantes",
                           ar="ملزمة قانونًا", zh="具有法律约束力", ru="Юридически обязательные")),
             ("guideline", T("Guideline", "Indicatives", "Orientativos", ar="إرشادية", zh="指导性", ru="Рекомендательные")),
             ("both", T("Both", "Les deux", "Ambos", ar="كلاهما", zh="两者兼有", ru="И то, и другое"))),
    *choices("land_use",
             ("agricultural", T("Agricultural", "Agricole", "Agrícola", ar="زراعي", zh="农用地", ru="Сельскохозяйственные земли")),
             ("residential", T("Residential", "Résidentiel", "Residencial", ar="سكني", zh="住宅用地", ru="Жилая застройка")),
             ("commercial", T("Commercial", "Commercial", "Comercial", ar="تجاري", zh="商业用地", ru="Коммерческие территории")),
             ("industrial", T("Industrial", "Industriel", "Industrial", ar="صناعي", zh="工业用地", ru="Промышленные территории"))),
    *choices("pollutant",
             ("arsenic", T("Arsenic (As)", "Arsenic (As)", "Arsénico (As)", ar="الزرنيخ (As)", zh="砷（As）", ru="Мышьяк (As)")),
             ("cadmium", T("Cadmium (Cd)", "Cadmium (Cd)", "Cadmio (Cd)", ar="الكادميوم (Cd)", zh="镉（Cd）", ru="Кадмий (Cd)")),
             ("chromium", T("Chromium, total (Cr)", "Chrome total (Cr)", "Cromo total (Cr)",
                            ar="الكروم الكلي (Cr)", zh="总铬（Cr）", ru="Хром общий (Cr)")),
             ("chromium_vi", T("Chromium VI (Cr VI)", "Chrome VI (Cr VI)", "Cromo VI (Cr VI)",
                               ar="الكروم السداسي (Cr VI)", zh="六价铬（Cr VI）", ru="Хром шестивалентный (Cr VI)")),
             ("copper", T("Copper (Cu)", "Cuivre (Cu)", "Cobre (Cu)", ar="النحاس (Cu)", zh="铜（Cu）", ru="Медь (Cu)")),
             ("lead", T("Lead (Pb)", "Plomb (Pb)", "Plomo (Pb)", ar="الرصاص (Pb)", zh="铅（Pb）", ru="Свинец (Pb)")),
             ("mercury", T("Mercury (Hg)", "Mercure (Hg)", "Mercurio (Hg)", ar="الزئبق (Hg)", zh="汞（Hg）", ru="Ртуть (Hg)")),
             ("nickel", T("Nickel (Ni)", "Nickel (Ni)", "Níquel (Ni)", ar="النيكل (Ni)", zh="镍（Ni）", ru="Никель (Ni)")),
             ("zinc", T("Zinc (Zn)", "Zinc (Zn)", "Zinc (Zn)", ar="الزنك (Zn)", zh="锌（Zn）", ru="Цинк (Zn)")),
             ("ddt", T("DDT", "DDT", "DDT", ar="DDT", zh="滴滴涕（DDT）", ru="ДДТ")),
             ("lindane", T("Lindane", "Lindane", "Lindano", ar="الليندين", zh="林丹", ru="Линдан")),
             ("tph", T("Total petroleum hydrocarbons (TPH)", "Hydrocarbures pétroliers totaux (HCT)",
                       "Hidrocarburos totales de petróleo (HTP)",
                       ar="الهيدروكربونات البترولية الكلية (TPH)", zh="总石油烃（TPH）", ru="Общие нефтяные углеводороды (TPH)"))),
    *choices("unit", ("mg_kg", T("mg/kg")), ("ug_kg", T("µg/kg")), ("g_kg", T("g/kg"))),
    *choices("value_type",
             ("screening", T("Screening value", "Valeur de dépistage", "Valor de cribado",
                             ar="قيمة الفرز", zh="筛选值", ru="Скрининговое значение")),
             ("guideline", T("Guideline value", "Valeur guide", "Valor guía",
                             ar="قيمة إرشادية", zh="指导值", ru="Рекомендуемое значение")),
             ("intervention", T("Intervention value", "Valeur d'intervention", "Valor de intervención",
                                ar="قيمة التدخل", zh="干预值", ru="Значение для вмешательства")),
             ("limit", T("Limit value", "Valeur limite", "Valor límite",
                         ar="قيمة الحد المسموح به", zh="限值", ru="Предельное значение")),
             ("background", T("Background value", "Valeur de fond", "Valor de fondo",
                              ar="قيمة الخلفية الطبيعية", zh="背景值", ru="Фоновое значение"))),
    *choices("basis",
             ("total", T("Total content", "Teneur totale", "Contenido total",
                         ar="المحتوى الكلي", zh="全量", ru="Валовое содержание")),
             ("aqua_regia", T("Aqua regia", "Eau régale", "Agua regia", ar="الماء الملكي", zh="王水", ru="Царская водка")),
             ("extractable", T("Extractable", "Fraction extractible", "Fracción extraíble",
                               ar="الجزء القابل للاستخلاص", zh="可提取态", ru="Экстрагируемые формы"))),
    *YES_NO,
    *YES_NO_DK,
    *choices("obstacle",
             ("lack_of_data", T("Lack of data", "Manque de données", "Falta de datos",
                                ar="نقص البيانات", zh="缺乏数据", ru="Недостаток данных")),
             ("lack_of_funding", T("Lack of funding", "Manque de financement", "Falta de financiación",
                                   ar="نقص التمويل", zh="缺乏资金", ru="Недостаток финансирования")),
             ("lack_of_expertise", T("Lack of expertise", "Manque d'expertise", "Falta de conocimientos técnicos",
                                     ar="نقص الخبرة الفنية", zh="缺乏专业知识", ru="Недостаток экспертных знаний")),
             ("lab_capacity", T("Limited laboratory capacity", "Capacité de laboratoire limitée", "Capacidad de laboratorio limitada",
                                ar="محدودية قدرات المختبرات", zh="实验室能力有限", ru="Ограниченные возможности лабораторий")),
             ("no_mandate", T("No legal mandate", "Absence de mandat juridique", "Sin mandato legal",
                              ar="عدم وجود ولاية قانونية", zh="缺乏法律授权", ru="Отсутствие правовых полномочий")),
             ("low_priority", T("Low political priority", "Faible priorité politique", "Baja prioridad política",
                                ar="انخفاض الأولوية السياسية", zh="政治优先级低", ru="Низкий политический приоритет"))),
]

LAB_SURVEY = [
    q("note", "intro", T(
        "This INSOP survey maps soil laboratories' methods for pollutants and their interest in GLOSOLAN's harmonized procedures.",
        "Cette enquête de l'INSOP recense les méthodes d'analyse des polluants utilisées par les laboratoires des sols et leur intérêt pour les procédures harmonisées de GLOSOLAN.",
        "Esta encuesta de INSOP recopila los métodos de análisis de contaminantes que utilizan los laboratorios de suelos y su interés en los procedimientos armonizados de GLOSOLAN.",
        ar="يرصد هذا الاستبيان الخاص بالشبكة الدولية المعنية بتلوث التربة (INSOP) الطرائق التي تستخدمها مختبرات التربة لتحليل الملوثات ومدى اهتمامها بالإجراءات المنسقة للشبكة العالمية لمختبرات التربة (GLOSOLAN).",
        zh="本次INSOP调查旨在了解土壤实验室的污染物分析方法，以及它们对全球土壤实验室网络（GLOSOLAN）统一规程的兴趣。",
        ru="Этот опрос INSOP собирает сведения о методах определения загрязняющих веществ в почвенных лабораториях и об их интересе к гармонизированным методикам GLOSOLAN.")),
    q("text", "lab_name", T("Name of your laboratory", "Nom de votre laboratoire", "Nombre de su laboratorio",
                            ar="اسم مختبرك", zh="贵实验室名称", ru="Название вашей лаборатории"),
      required="yes", required_message=REQUIRED_MESSAGE),
    q("select_one country", "country", T("Country", "Pays", "País",
                                         ar="البلد", zh="国家", ru="Страна"), required="yes", appearance="autocomplete"),
    q("text", "region", T("Region or province (optional)", "Région ou province (facultatif)", "Región o provincia (opcional)",
                          ar="المنطقة أو المقاطعة (اختياري)", zh="地区或省份（选填）", ru="Регион или провинция (необязательно)")),
    q("select_one yes_no", "glosolan_aware",
      T("Are you aware of GLOSOLAN's harmonized standard operating procedures (SOPs) for soil pollutants?",
        "Connaissez-vous les modes opératoires normalisés (MON) harmonisés de GLOSOLAN pour les polluants des sols ?",
        "¿Conoce los procedimientos operativos estándar (POE) armonizados de GLOSOLAN para contaminantes del suelo?",
        ar="هل أنت على علم بإجراءات التشغيل الموحدة (SOPs) المنسقة التي وضعتها الشبكة العالمية لمختبرات التربة (GLOSOLAN) لملوثات التربة؟",
        zh="您是否了解GLOSOLAN针对土壤污染物制定的统一标准操作规程（SOP）？",
        ru="Знаете ли вы о гармонизированных стандартных операционных процедурах (СОП) GLOSOLAN для загрязняющих веществ в почвах?"),
      required="yes"),
    q("select_multiple pollutant_group or_other", "pollutant_groups",
      T("Which pollutants does your laboratory measure?", "Quels polluants votre laboratoire analyse-t-il ?",
        "¿Qué contaminantes mide su laboratorio?",
        ar="ما الملوثات التي يقيسها مختبرك؟", zh="贵实验室检测哪些污染物？", ru="Какие загрязняющие вещества определяет ваша лаборатория?"),
      hint=T("Choose all that apply.", "Choisissez toutes les réponses applicables.", "Elija todas las que correspondan.",
             ar="اختر كل ما ينطبق.", zh="请选择所有适用项。", ru="Выберите все подходящие варианты."),
      required="yes"),
    q("begin_group", "methods", T("Methods", "Méthodes", "Métodos", ar="الطرائق", zh="方法", ru="Методы")),
    q("select_multiple metal_method or_other", "method_metals_total",
      T("Methods for total heavy metals", "Méthodes pour les métaux lourds totaux", "Métodos para metales pesados totales",
        ar="طرائق تحليل المحتوى الكلي للمعادن الثقيلة",
        zh="重金属全量测定方法",
        ru="Методы определения валового содержания тяжёлых металлов"),
      required="yes", relevant="selected(${pollutant_groups}, 'heavy_metals_total')"),
    q("text", "method_metals_bioavailable",
      T("Methods for bioavailable heavy metals", "Méthodes pour les métaux lourds biodisponibles", "Métodos para metales pesados biodisponibles",
        ar="طرائق تحليل المعادن الثقيلة المتاحة حيويًا",
        zh="生物有效态重金属测定方法",
        ru="Методы определения биодоступных форм тяжёлых металлов"),
      hint=T("For example: DTPA, CaCl2 or NH4NO3 extraction.", "Par exemple : extraction DTPA, CaCl2 ou NH4NO3.",
             "Por ejemplo: extracción con DTPA, CaCl2 o NH4NO3.",
             ar="مثال: الاستخلاص بـ DTPA أو CaCl2 أو NH4NO3.",
             zh="例如：DTPA、CaCl2或NH4NO3提取。",
             ru="Например: экстракция DTPA, CaCl2 или NH4NO3."),
      required="yes", relevant="selected(${pollutant_groups}, 'heavy_metals_bioavailable')"),
    q("text", "method_pesticides", T("Methods for pesticides", "Méthodes pour les pesticides", "Métodos para plaguicidas",
                                     ar="طرائق تحليل مبيدات الآفات", zh="农药测定方法", ru="Методы определения пестицидов"),
      hint=T("For example: GC-MS, LC-MS/MS.", "Par exemple : GC-MS, LC-MS/MS.", "Por ejemplo: GC-MS, LC-MS/MS.",
             ar="مثال: GC-MS أو LC-MS/MS.", zh="例如：GC-MS、LC-MS/MS。", ru="Например: GC-MS, LC-MS/MS."),
      required="yes", relevant="selected(${pollutant_groups}, 'pesticides')"),
    q("text", "method_hhp", T("Methods for highly hazardous pesticides", "Méthodes pour les pesticides extrêmement dangereux",
                              "Métodos para plaguicidas altamente peligrosos",
                              ar="طرائق تحليل مبيدات الآفات شديدة الخطورة",
                              zh="高危农药测定方法",
                              ru="Методы определения особо опасных пестицидов"),
      required="yes", relevant="selected(${pollutant_groups}, 'hhp')"),
    q("text", "method_hydrocarbons", T("Methods for hydrocarbons", "Méthodes pour les hydrocarbures", "Métodos para hidrocarburos",
                                       ar="طرائق تحليل الهيدروكربونات", zh="烃类测定方法", ru="Методы определения углеводородов"),
      hint=T("For example: GC-FID for TPH C10–C40.", "Par exemple : GC-FID pour HCT C10–C40.", "Por ejemplo: GC-FID para HTP C10–C40.",
             ar="مثال: GC-FID لتحليل TPH C10–C40.", zh="例如：用GC-FID测定TPH C10–C40。", ru="Например: GC-FID для TPH C10–C40."),
      required="yes", relevant="selected(${pollutant_groups}, 'hydrocarbons')"),
    q("text", "method_other", T("Methods for the other pollutants", "Méthodes pour les autres polluants", "Métodos para los demás contaminantes",
                                ar="طرائق تحليل الملوثات الأخرى",
                                zh="其他污染物的测定方法",
                                ru="Методы определения других загрязняющих веществ"),
      required="yes", relevant="selected(${pollutant_groups}, 'other')"),
    q("end_group", "methods"),
    q("select_one yes_no_maybe", "sop_participation",
      T("Would your laboratory take part in developing SOPs for soil pollutants?",
        "Votre laboratoire participerait-il à l'élaboration de MON pour les polluants des sols ?",
        "¿Participaría su laboratorio en la elaboración de POE para contaminantes del suelo?",
        ar="هل سيشارك مختبرك في وضع إجراءات تشغيل موحدة لملوثات التربة؟",
        zh="贵实验室是否愿意参与制定土壤污染物标准操作规程？",
        ru="Готова ли ваша лаборатория участвовать в разработке СОП для загрязняющих веществ в почвах?"),
      required="yes"),
    q("select_multiple training", "training_needs",
      T("Which training would help your laboratory?", "Quelles formations aideraient votre laboratoire ?",
        "¿Qué formación ayudaría a su laboratorio?",
        ar="ما التدريب الذي قد يفيد مختبرك؟", zh="哪些培训对贵实验室有帮助？", ru="Какое обучение было бы полезно вашей лаборатории?"),
      required="yes", constraint="not(selected(., 'none') and count-selected(.) > 1)",
      constraint_message=T("'None' cannot be combined with other options.",
                           "« Aucune » ne peut pas être combinée avec d'autres options.",
                           "«Ninguna» no se puede combinar con otras opciones.",
                           ar="لا يمكن الجمع بين «لا شيء» وخيارات أخرى.",
                           zh="“无”不能与其他选项同时选择。",
                           ru="Вариант «Не требуется» нельзя сочетать с другими.")),
    q("text", "comments", T("Any comments (optional)", "Commentaires (facultatif)", "Comentarios (opcional)",
                            ar="تعليقات (اختياري)", zh="其他意见（选填）", ru="Комментарии (необязательно)")),
]

LAB_CHOICES = [
    *country_choices(),
    *YES_NO,
    *choices("yes_no_maybe",
             ("yes", T("Yes", "Oui", "Sí", ar="نعم", zh="是", ru="Да")),
             ("maybe", T("Maybe", "Peut-être", "Quizás", ar="ربما", zh="也许", ru="Возможно")),
             ("no", T("No", "Non", "No", ar="لا", zh="否", ru="Нет"))),
    *choices("pollutant_group",
             ("heavy_metals_total", T("Heavy metals (total)", "Métaux lourds (total)", "Metales pesados (total)",
                                      ar="المعادن الثقيلة (المحتوى الكلي)",
                                      zh="重金属（全量）",
                                      ru="Тяжёлые металлы (валовое содержание)")),
             ("heavy_metals_bioavailable", T("Bioavailable heavy metals", "Métaux lourds biodisponibles", "Metales pesados biodisponibles",
                                             ar="المعادن الثقيلة المتاحة حيويًا",
                                             zh="生物有效态重金属",
                                             ru="Биодоступные формы тяжёлых металлов")),
             ("pesticides", T("Pesticides", "Pesticides", "Plaguicidas", ar="مبيدات الآفات", zh="农药", ru="Пестициды")),
             ("hhp", T("Highly hazardous pesticides", "Pesticides extrêmement dangereux", "Plaguicidas altamente peligrosos",
                       ar="مبيدات الآفات شديدة الخطورة", zh="高危农药", ru="Особо опасные пестициды")),
             ("hydrocarbons", T("Hydrocarbons", "Hydrocarbures", "Hidrocarburos",
                                ar="الهيدروكربونات", zh="烃类", ru="Углеводороды"))),
    *choices("metal_method",
             ("aqua_regia_icp", T("Aqua regia digestion + ICP", "Digestion à l'eau régale + ICP", "Digestión con agua regia + ICP",
                                  ar="الهضم بالماء الملكي + ICP", zh="王水消解 + ICP", ru="Разложение царской водкой + ИСП")),
             ("aqua_regia_aas", T("Aqua regia digestion + AAS", "Digestion à l'eau régale + SAA", "Digestión con agua regia + EAA",
                                  ar="الهضم بالماء الملكي + AAS", zh="王水消解 + AAS", ru="Разложение царской водкой + ААС")),
             ("microwave", T("Microwave acid digestion", "Digestion acide par micro-ondes", "Digestión ácida por microondas",
                             ar="الهضم الحمضي بالموجات الدقيقة", zh="微波酸消解", ru="Микроволновое кислотное разложение")),
             ("xrf", T("X-ray fluorescence (XRF)", "Fluorescence X (XRF)", "Fluorescencia de rayos X (FRX)",
                       ar="فلورية الأشعة السينية (XRF)", zh="X射线荧光光谱法（XRF）", ru="Рентгенофлуоресцентный анализ (РФА)"))),
    *choices("training",
             ("webinars", T("Webinars", "Webinaires", "Seminarios web", ar="ندوات عبر الإنترنت", zh="网络研讨会", ru="Вебинары")),
             ("in_person", T("In-person training", "Formation en présentiel", "Formación presencial",
                             ar="تدريب حضوري", zh="现场培训", ru="Очное обучение")),
             ("none", T("None", "Aucune", "Ninguna", ar="لا شيء", zh="无", ru="Не требуется"))),
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
