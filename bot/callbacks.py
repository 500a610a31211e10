"""Callback data factories: every button's payload, parsed and validated by aiogram.

Callback data comes back from the client and anyone can forge it. Every field is bounded here, so
aiogram's filter refuses forged data (`CallbackData.unpack` raises a pydantic ValidationError, a
ValueError, which the filter turns into "no match") and the fallback answers "This button is no
longer active." A row id beyond PostgreSQL's `integer` would otherwise be an SQL error, not "no such row".
"""

from enum import StrEnum
from typing import Annotated

from aiogram.filters.callback_data import CallbackData
from pydantic import Field, StringConstraints

# A primary key of ours: PostgreSQL's `integer` (int4).
RowId = Annotated[int, Field(ge=0, le=2**31 - 1)]
# A position in a list the bot showed (a choice, a review item).
Position = Annotated[int, Field(ge=0, le=9_999)]
# A Telegram user id (at most 52 significant bits).
TelegramId = Annotated[int, Field(ge=1, le=2**52)]
Flag = Annotated[int, Field(ge=0, le=1)]


def _text(max_length: int) -> type[str]:
    # Printable only: PostgreSQL text cannot hold NUL, and no payload of ours has control characters.
    return Annotated[str, StringConstraints(max_length=max_length, pattern=r"^[^\x00-\x1f\x7f]*$")]


Code = _text(16)  # language, country, role, action codes
Token = _text(48)  # a step token, a template or audience argument, a unit or land use
Name = _text(64)  # a pollutant or land use name (the whole payload is at most 64 bytes anyway)


class LanguageChoice(CallbackData, prefix="lang"):
    """The member picked a language."""

    code: Code


class CountryChoice(CallbackData, prefix="ctry"):
    """The member confirmed a country (ISO code), or asked to type it again (code "")."""

    code: Code


class RoleChoice(CallbackData, prefix="role"):
    """The member said what they do in the network."""

    role: Code


class ProfileEdit(CallbackData, prefix="prf"):
    """/profile: change the member's country, role or language."""

    what: Code


class SurveyOpen(CallbackData, prefix="svo"):
    """Start or resume one survey (a stored form version)."""

    form_pk: RowId


class SurveyAgain(CallbackData, prefix="sva"):
    """Answer a submitted survey again: mode "new" (empty) or "copy" (from the last submission's answers)."""

    form_pk: RowId
    mode: Code


class SurveyStep(CallbackData, prefix="svs"):
    """A button under a survey question: the step it belongs to, what it does, and its argument.

    Actions: c choose, t toggle, d done, s skip, b back, k keep the current answer, e edit (review item),
    v view a part of the review, r the review's summary, a save typed text that read as a lookup,
    l look that text up (pauses the survey), S submit.
    """

    sub: RowId
    step: Token
    action: Code
    arg: Position = 0


class CompareValues(CallbackData, prefix="cmp"):
    """Show one pollutant's values across jurisdictions (land use "" for all), within one tier ("" for the
    tier most jurisdictions have values in)."""

    pollutant: Name
    land_use: Name = ""
    tier: Code = ""


class LookupPage(CallbackData, prefix="lkp"):
    """The next values of a lookup answer: the question as understood (pollutant, country, land use,
    pH, value type, conditions) and the page to show. The question is carried whole, so any process
    can answer the button, after any restart."""

    p: Name
    c: Code
    n: Position
    lu: Token = ""
    ph: Token = ""
    vt: Token = ""
    k: Token = ""


# ---------------------------------------------------------------- coordinator tools (issue 5)


class RemindAction(StrEnum):
    """What a button of the reminder composer does (the values are the wire format: buttons already sent
    in chats keep working)."""

    cancel = "cancel"
    write = "txt"  # write the text in the coordinator's language
    language = "lang"  # add a text in another language (arg: the language)
    template = "tpl"  # a catalog template (arg: its key)
    template_form = "tform"  # the survey a template names (arg: the form's pk)
    audience = "aud"  # choose or change the recipients (arg: all, ns<pk>, nn<pk>, nd<pk>, role, region, ...)
    audience_value = "av"  # recipients by one value (arg: kind=value)
    send = "now"  # ask to confirm sending now
    confirm_send = "nowok"
    preview = "prev"
    narrow = "nar"  # only recipients who also match (arg: language, role, region)
    narrow_value = "nv"  # (arg: kind=value)
    schedule = "sched"  # ask the time zone
    zone = "tz"  # (arg: minutes from UTC)
    at = "at"  # a proposed time (arg: tom, mon)
    once = "once"
    weekly = "weekly"


class CoordRemind(CallbackData, prefix="crm"):
    """A step of composing reminder `rid` (see RemindAction)."""

    rid: RowId
    action: RemindAction
    arg: Token = ""


class ReminderAdminAction(StrEnum):
    """What a button of /reminders does."""

    cancel = "cancel"


class CoordReminderAdmin(CallbackData, prefix="crx"):
    """Cancel a scheduled reminder (and its weekly schedule) from /reminders."""

    rid: RowId
    action: ReminderAdminAction = ReminderAdminAction.cancel


class ReviewAction(StrEnum):
    """What a button under a review card does (the values are the wire format of buttons already sent)."""

    approve = "ok"
    units = "unit"  # show the unit corrections
    land_uses = "land"  # show the land use corrections
    fix_unit = "fixu"  # approve with the unit in arg
    fix_land_use = "fixl"  # approve with the land use in arg
    reject = "no"  # ask the reason
    value = "val"  # ask the corrected value
    skip = "skip"
    again = "again"  # review the skipped values
    back = "back"  # back from the corrections to the card's buttons


class CoordReview(CallbackData, prefix="crv"):
    """Review of threshold row `tid` (see ReviewAction)."""

    tid: RowId
    action: ReviewAction
    arg: Token = ""


class CoordExport(CallbackData, prefix="cex"):
    """Export the form whose stored version is `form_pk`; ids=1 adds Telegram ids (asked explicitly)."""

    form_pk: RowId
    ids: Flag = 0


class PublishAction(StrEnum):
    """What a button under an uploaded form does."""

    publish = "ok"  # for the recipients of the current version
    audience = "aud"  # a new survey, for the recipients in arg (fp, lab, all)
    drop = "no"


class CoordPublish(CallbackData, prefix="cpb"):
    """Publish uploaded form `upload` (see PublishAction)."""

    upload: RowId
    action: PublishAction
    arg: Token = ""


class InviteStep(StrEnum):
    """A step of /invite: create the invite, or the guided flow's country, role and uses chosen."""

    create = ""  # for the confirmed `country` ("" for none of the guesses)
    country = "c"  # ask the role
    role = "r"  # ask single or multi use
    uses = "u"  # ask the validity, whose buttons create the invite


class CoordInvite(CallbackData, prefix="civ"):
    """A step of /invite (see InviteStep)."""

    country: Code
    role: Code
    multi: Flag = 0
    days: Annotated[int, Field(ge=1, le=365)] = 30
    step: InviteStep = InviteStep.create


class DocumentGet(CallbackData, prefix="doc"):
    """Send stored survey document `doc` (to coordinators only)."""

    doc: RowId
