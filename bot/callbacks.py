"""Callback data factories: every button's payload, parsed and validated by aiogram."""

from aiogram.filters.callback_data import CallbackData


class LanguageChoice(CallbackData, prefix="lang"):
    """The member picked a language."""

    code: str


class CountryChoice(CallbackData, prefix="ctry"):
    """The member confirmed a country (ISO code), or asked to type it again (code "")."""

    code: str


class RoleChoice(CallbackData, prefix="role"):
    """The member said what they do in the network."""

    role: str


class SurveyOpen(CallbackData, prefix="svo"):
    """Start or resume one survey (a stored form version)."""

    form_pk: int


class SurveyStep(CallbackData, prefix="svs"):
    """A button under a survey question: the step it belongs to, what it does, and its argument.

    Actions: c choose, t toggle, d done, s skip, b back, e edit (review item), S submit.
    """

    sub: int
    step: str
    action: str
    arg: int = 0


class CompareValues(CallbackData, prefix="cmp"):
    """Show one pollutant's values across jurisdictions (land use "" for all), within one tier ("" for the
    tier most jurisdictions have values in)."""

    pollutant: str
    land_use: str = ""
    tier: str = ""


class LookupPage(CallbackData, prefix="lkp"):
    """The next values of a lookup answer: the question as understood (pollutant, country, land use,
    pH, value type, conditions) and the page to show. The question is carried whole, so any process
    can answer the button, after any restart."""

    p: str
    c: str
    n: int
    lu: str = ""
    ph: str = ""
    vt: str = ""
    k: str = ""


# ---------------------------------------------------------------- coordinator tools (issue 5)


class CoordRemind(CallbackData, prefix="crm"):
    """A step of composing reminder `rid`: write text, template, language, audience, send, schedule, cancel."""

    rid: int
    action: str
    arg: str = ""


class CoordReminderAdmin(CallbackData, prefix="crx"):
    """Cancel a scheduled reminder (and its weekly schedule) from /reminders."""

    rid: int
    action: str = "cancel"


class CoordReview(CallbackData, prefix="crv"):
    """Review of threshold row `tid`: ok, unit / land (show corrections), fixu / fixl (arg), no, skip, back."""

    tid: int
    action: str
    arg: str = ""


class CoordExport(CallbackData, prefix="cex"):
    """Export the form whose stored version is `form_pk`; ids=1 adds Telegram ids (asked explicitly)."""

    form_pk: int
    ids: int = 0


class CoordPublish(CallbackData, prefix="cpb"):
    """Publish uploaded form `upload`: ok (audience of the current version), aud (arg: fp, lab, all), no."""

    upload: int
    action: str
    arg: str = ""


class CoordInvite(CallbackData, prefix="civ"):
    """Create the invite of a typed /invite for the confirmed `country` (ISO code; "" for none of the guesses)."""

    country: str
    role: str
    multi: int = 0
    days: int = 30
