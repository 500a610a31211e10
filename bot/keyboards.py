"""Inline keyboards. Labels come from gettext or CLDR; payloads from `bot.callbacks`."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext
from aiogram.utils.keyboard import InlineKeyboardBuilder
from babel.dates import get_timezone, get_timezone_location

from bot.callbacks import (
    CompareValues,
    CountryChoice,
    LanguageChoice,
    LookupPage,
    ProfileEdit,
    RoleChoice,
    SurveyAgain,
    SurveyOpen,
    SurveyStep,
)
from bot.i18n import language_name, ordered_languages
from bot.limits import ELLIPSIS, button_text, fit_utf16, fits_callback_data, utf16_len
from bot.services.coord_reminders import SurveyButton
from storage.models import SELF_CHOSEN_ROLES, Role


def language_keyboard(languages: list[str] | tuple[str, ...], current: str | None = None) -> InlineKeyboardMarkup:
    """Each language in its own name; the current one ticked."""
    builder = InlineKeyboardBuilder()
    for code in ordered_languages(languages):
        mark = "✓ " if code == current else ""
        builder.button(text=f"{mark}{language_name(code)}", callback_data=LanguageChoice(code=code))
    builder.adjust(2)
    return builder.as_markup()


def country_keyboard(candidates: list[tuple[str, str]]) -> InlineKeyboardMarkup:
    """Candidate countries as (code, localized name), plus "none of these"."""
    builder = InlineKeyboardBuilder()
    for code, name in candidates:
        builder.button(text=button_text(name), callback_data=CountryChoice(code=code))
    builder.button(text=_("None of these, I'll type again"), callback_data=CountryChoice(code=""))
    builder.adjust(1)
    return builder.as_markup()


def role_labels() -> dict[str, str]:
    """Every role as the member reads it, by stored role value."""
    return {
        Role.FOCAL_POINT: _("National focal point"),
        Role.LAB: _("Soil laboratory"),
        Role.MEMBER: _("INSOP member / other"),
        Role.COORDINATOR: _("Coordinator"),
    }


def role_keyboard() -> InlineKeyboardMarkup:
    """The roles a member can choose for themselves (coordinators and focal points are appointed, not chosen)."""
    builder = InlineKeyboardBuilder()
    for role, label in role_labels().items():
        if role in SELF_CHOSEN_ROLES:
            builder.button(text=label, callback_data=RoleChoice(role=role))
    builder.adjust(1)
    return builder.as_markup()


def profile_keyboard(can_change_role: bool, can_change_country: bool = True) -> InlineKeyboardMarkup:
    """What /profile can change."""
    builder = InlineKeyboardBuilder()
    if can_change_country:
        builder.button(text=_("Change country"), callback_data=ProfileEdit(what="country"))
    if can_change_role:
        builder.button(text=_("Change role"), callback_data=ProfileEdit(what="role"))
    builder.button(text=_("Change language"), callback_data=ProfileEdit(what="language"))
    builder.adjust(1)
    return builder.as_markup()


def survey_list_keyboard(offers) -> InlineKeyboardMarkup:
    """One button per survey the member may answer, saying whether it is started or done."""
    builder = InlineKeyboardBuilder()
    for offer in offers:
        title = _(offer.title) if offer.title else offer.title
        if offer.draft is not None:
            label = _("{title}: continue").format(title=title)
        elif offer.submitted:
            label = _("{title}: submitted, answer again").format(title=title)
        else:
            label = title
        builder.button(text=button_text(label), callback_data=SurveyOpen(form_pk=offer.form.id))
    builder.adjust(1)
    return builder.as_markup()


def short_label(text: str, units: int) -> str:
    """`text` within `units` UTF-16 units, cut at a word boundary (never mid-word) with an ellipsis."""
    text = " ".join(text.split())
    if utf16_len(text) <= units:
        return text
    fitted = fit_utf16(text, units)
    body = fitted[: -len(ELLIPSIS)] if fitted.endswith(ELLIPSIS) else fitted
    space = body.rfind(" ")
    if space >= len(body) // 3:
        body = body[:space]
    return body.rstrip(" ,;:·-–—") + ELLIPSIS


def survey_again_keyboard(form_pk: int) -> InlineKeyboardMarkup:
    """A submitted survey answered again: from the last answers, or a new empty submission."""
    builder = InlineKeyboardBuilder()
    builder.button(text=_("Start from my last answers"), callback_data=SurveyAgain(form_pk=form_pk, mode="copy"))
    builder.button(text=_("Start a new, empty submission"), callback_data=SurveyAgain(form_pk=form_pk, mode="new"))
    builder.adjust(1)
    return builder.as_markup()


def start_survey_keyboard(form_pk: int, draft: bool = False) -> InlineKeyboardMarkup:
    """One button: start the survey waiting for the member, or continue their draft."""
    builder = InlineKeyboardBuilder()
    builder.button(
        text=_("Continue the survey ▶") if draft else _("Start the survey ▶"), callback_data=SurveyOpen(form_pk=form_pk)
    )
    return builder.as_markup()


def reminder_survey_keyboard(button: SurveyButton | None) -> InlineKeyboardMarkup | None:
    """The button under a reminder that opens its survey (worded for the recipient by the use case)."""
    if button is None:
        return None
    builder = InlineKeyboardBuilder()
    builder.button(text=button.label, callback_data=SurveyOpen(form_pk=button.form_pk))
    return builder.as_markup()


# Longer choice lists (countries...) are typed and fuzzy-matched instead of scrolled through.
MAX_CHOICE_BUTTONS = 24
# A "Keep ..." button shows the beginning of the current answer.
KEEP_ANSWER_UNITS = 32


def survey_question_keyboard(
    submission_id: int, token: str, prompt, pending: list[str], suggested: str | None = None
) -> InlineKeyboardMarkup | None:
    """Choices as buttons (toggles that say whether they are ticked), then Keep, Back and Skip.

    A long list shows as buttons only the `suggested` choice (the member's own country, say) and the
    choices the form marks featured (the common metals); a question answered by typing gets Keep, Back
    and Skip only.
    """
    multiple = prompt.type == "select_multiple" and prompt.kind == "question"
    choices = list(enumerate(prompt.choices))
    if len(choices) > MAX_CHOICE_BUTTONS:
        offered = {name.lower() for name in prompt.featured[:MAX_CHOICE_BUTTONS]} | {(suggested or "").lower()}
        choices = [(position, choice) for position, choice in choices if choice[0].lower() in offered]

    def button(text: str, action: str, arg: int = 0) -> InlineKeyboardButton:
        data = SurveyStep(sub=submission_id, step=token, action=action, arg=arg).pack()
        return InlineKeyboardButton(text=button_text(text), callback_data=data)

    # One choice per row (labels are long in most languages); built directly, as InlineKeyboardBuilder
    # took a fifth of the time of a survey answer.
    rows = []
    for position, (name, label) in choices:
        if multiple:
            # The state in words as well as in the symbol: a screen reader reads the symbol's name.
            text = _("☑ {option} (selected)").format(option=label) if name in pending else "☐ " + label
            rows.append([button(text, "t", position)])
        else:
            rows.append([button(label, "c", position)])
    if multiple:
        rows.append([button(_("Done ✔"), "d")])
    if prompt.kind == "question" and prompt.display_value and not multiple:
        rows.append(
            [button(_("Keep “{answer}” ▶").format(answer=short_label(prompt.display_value, KEEP_ANSWER_UNITS)), "k")]
        )
    # "Back" on the first question would only ask it again.
    navigation = [button(_("◀ Back"), "b")] if prompt.can_go_back else []
    if not prompt.required and prompt.kind == "question":
        navigation.append(button(_("Skip ▶"), "s"))
    if navigation:
        rows.append(navigation)
    return InlineKeyboardMarkup(inline_keyboard=rows) if rows else None


def survey_lookup_keyboard(submission_id: int, token: str, can_save: bool) -> InlineKeyboardMarkup:
    """Under typed text that read as a lookup: look it up (pausing the survey), or save it as the answer."""
    rows = [
        [
            InlineKeyboardButton(
                text=_("🔎 Look it up"), callback_data=SurveyStep(sub=submission_id, step=token, action="l").pack()
            )
        ]
    ]
    if can_save:
        rows.append(
            [
                InlineKeyboardButton(
                    text=_("Save as my answer"),
                    callback_data=SurveyStep(sub=submission_id, step=token, action="a").pack(),
                )
            ]
        )
    return InlineKeyboardMarkup(inline_keyboard=rows)


# Review buttons show whole words: a part's title, or an answer's question.
REVIEW_BUTTON_UNITS = 48
# Telegram allows 100 buttons in a keyboard.
MAX_REVIEW_BUTTONS = 90


def survey_review_keyboard(submission_id: int, token: str, parts: list[tuple[str, list[int]]]) -> InlineKeyboardMarkup:
    """A button per part of the review (its answers open in place), then Submit."""
    rows = []
    for position, (title, answers) in enumerate(parts[:MAX_REVIEW_BUTTONS]):
        label = f"{short_label(title, REVIEW_BUTTON_UNITS)} ({len(answers)})"
        rows.append(
            [
                InlineKeyboardButton(
                    text=button_text(label),
                    callback_data=SurveyStep(sub=submission_id, step=token, action="v", arg=position).pack(),
                )
            ]
        )
    rows.append(
        [
            InlineKeyboardButton(
                text=_("✅ Submit"), callback_data=SurveyStep(sub=submission_id, step=token, action="S").pack()
            )
        ]
    )
    return InlineKeyboardMarkup(inline_keyboard=rows)


def survey_part_keyboard(submission_id: int, token: str, answers: list[tuple[int, str]]) -> InlineKeyboardMarkup:
    """A button per answer of one review part (to change it), then back to the summary."""
    rows = [
        [
            InlineKeyboardButton(
                text=button_text(_("Change: {question}").format(question=short_label(label, REVIEW_BUTTON_UNITS))),
                callback_data=SurveyStep(sub=submission_id, step=token, action="e", arg=position).pack(),
            )
        ]
        for position, label in answers[:MAX_REVIEW_BUTTONS]
    ]
    rows.append(
        [
            InlineKeyboardButton(
                text=_("◀ All parts"), callback_data=SurveyStep(sub=submission_id, step=token, action="r").pack()
            )
        ]
    )
    return InlineKeyboardMarkup(inline_keyboard=rows)


def _packed(data) -> str | None:
    """Callback data packed, or None when it does not fit Telegram's 64 bytes (a long imported pollutant name)."""
    try:
        packed = data.pack()
    except ValueError:  # aiogram refuses callback data over 64 bytes, or a ":" in a value
        return None
    return packed if fits_callback_data(packed) else None


def compare_keyboard(
    pollutant: str, land_use: str | None, more: LookupPage | None = None, details: bool = False
) -> InlineKeyboardMarkup | None:
    """Under a lookup answer: [Details] (first screen) or [More values] (a Details page), and [Compare]."""
    # Built directly: aiogram's builder deep-copies its buttons, a measurable share of every lookup.
    buttons = []
    if more is not None:
        buttons.append(
            InlineKeyboardButton(
                text=_("🔎 Details and sources ▸") if details else _("More values ▸"), callback_data=more.pack()
            )
        )
    compare = _packed(CompareValues(pollutant=pollutant, land_use=land_use or ""))
    if compare is not None:
        buttons.append(InlineKeyboardButton(text=_("📊 Compare countries"), callback_data=compare))
    if not buttons:
        return None
    width = 2 if details else 1
    return InlineKeyboardMarkup(
        inline_keyboard=[buttons[start : start + width] for start in range(0, len(buttons), width)]
    )


def example_keyboard(label: str, data: LookupPage | CompareValues) -> InlineKeyboardMarkup:
    """One button that runs an example lookup or comparison (for /lookup and /compare typed alone)."""
    builder = InlineKeyboardBuilder()
    builder.button(text=button_text(label), callback_data=data)
    return builder.as_markup()


def tier_keyboard(
    pollutant: str, land_use: str | None, tiers: list[tuple[str, str, int]]
) -> InlineKeyboardMarkup | None:
    """One button per other tier of a comparison: (tier, its name, how many jurisdictions)."""
    builder = InlineKeyboardBuilder()
    count = 0
    for tier, label, jurisdictions in tiers:
        data = CompareValues(pollutant=pollutant, land_use=land_use or "", tier=tier)
        if _packed(data) is not None:
            builder.button(text=f"{label} ({jurisdictions})", callback_data=data)
            count += 1
    builder.adjust(1)
    return builder.as_markup() if count else None


# ---------------------------------------------------------------- coordinator tools (issue 5)

from bot.callbacks import (  # noqa: E402
    CoordExport,
    CoordInvite,
    CoordPublish,
    CoordRemind,
    CoordReminderAdmin,
    CoordReview,
    InviteStep,
    PublishAction,
    RemindAction,
    ReviewAction,
)


def _markup(rows: list[list[tuple[str, object]]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=button_text(text), callback_data=data.pack()) for text, data in row]
            for row in rows
        ]
    )


def remind_compose_keyboard(rid: int) -> InlineKeyboardMarkup:
    """How to write a reminder: own text or a catalog template."""
    return _markup(
        [
            [(_("✍️ Write the text"), CoordRemind(rid=rid, action=RemindAction.write))],
            [(_("Template: please answer a survey"), CoordRemind(rid=rid, action=RemindAction.template, arg="survey"))],
            [
                (
                    _("Template: please complete your profile"),
                    CoordRemind(rid=rid, action=RemindAction.template, arg="profile"),
                )
            ],
            [(_("Template: thank you"), CoordRemind(rid=rid, action=RemindAction.template, arg="thanks"))],
            [(_("Cancel"), CoordRemind(rid=rid, action=RemindAction.cancel))],
        ]
    )


def remind_languages_keyboard(rid: int, missing: list[tuple[str, str]]) -> InlineKeyboardMarkup:
    """Add the text in another language, or go on to the audience."""
    rows = [
        [(_("Add {language}").format(language=name), CoordRemind(rid=rid, action=RemindAction.language, arg=code))]
        for code, name in missing
    ]
    rows.append([(_("Next: choose the recipients ▶"), CoordRemind(rid=rid, action=RemindAction.audience))])
    rows.append([(_("Cancel"), CoordRemind(rid=rid, action=RemindAction.cancel))])
    return _markup(rows)


def remind_forms_keyboard(
    rid: int, action: RemindAction, forms: list[tuple[int, str]], prefix: str = ""
) -> InlineKeyboardMarkup:
    """One button per survey (for a template or an audience)."""
    rows = [[(title, CoordRemind(rid=rid, action=action, arg=f"{prefix}{pk}"))] for pk, title in forms]
    rows.append([(_("Cancel"), CoordRemind(rid=rid, action=RemindAction.cancel))])
    return _markup(rows)


def remind_audience_keyboard(rid: int, forms: list[tuple[int, str]]) -> InlineKeyboardMarkup:
    """Who receives the reminder."""
    rows = [[(_("Everyone"), CoordRemind(rid=rid, action=RemindAction.audience, arg="all"))]]
    for pk, title in forms:
        rows.append(
            [
                (
                    _("Never started: {title}").format(title=title),
                    CoordRemind(rid=rid, action=RemindAction.audience, arg=f"nn{pk}"),
                )
            ]
        )
        rows.append(
            [
                (
                    _("Draft in progress: {title}").format(title=title),
                    CoordRemind(rid=rid, action=RemindAction.audience, arg=f"nd{pk}"),
                )
            ]
        )
    rows.append(
        [
            (_("By role"), CoordRemind(rid=rid, action=RemindAction.audience, arg="role")),
            (_("By region"), CoordRemind(rid=rid, action=RemindAction.audience, arg="region")),
        ]
    )
    rows.append(
        [
            (_("By country"), CoordRemind(rid=rid, action=RemindAction.audience, arg="country")),
            (_("By language"), CoordRemind(rid=rid, action=RemindAction.audience, arg="language")),
        ]
    )
    rows.append([(_("Cancel"), CoordRemind(rid=rid, action=RemindAction.cancel))])
    return _markup(rows)


def remind_values_keyboard(
    rid: int, kind: str, values: list[tuple[str, str]], action: RemindAction = RemindAction.audience_value
) -> InlineKeyboardMarkup:
    """The roles, regions or languages to choose one from (narrow_value: to narrow the chosen audience)."""
    rows = [[(label, CoordRemind(rid=rid, action=action, arg=f"{kind}={value}"))] for value, label in values]
    rows.append([(_("◀ Back"), CoordRemind(rid=rid, action=RemindAction.audience))])
    return _markup(rows)


def remind_send_keyboard(rid: int, can_send: bool) -> InlineKeyboardMarkup:
    """Send now, schedule, choose other recipients, or cancel."""
    rows = []
    if can_send:
        rows.append(
            [
                (_("📨 Send now"), CoordRemind(rid=rid, action=RemindAction.send)),
                (_("🕒 Schedule"), CoordRemind(rid=rid, action=RemindAction.schedule)),
            ]
        )
    rows.append(
        [
            (_("Only those in a language"), CoordRemind(rid=rid, action=RemindAction.narrow, arg="language")),
            (_("Only a role"), CoordRemind(rid=rid, action=RemindAction.narrow, arg="role")),
            (_("Only a region"), CoordRemind(rid=rid, action=RemindAction.narrow, arg="region")),
        ]
    )
    rows.append([(_("Choose other recipients"), CoordRemind(rid=rid, action=RemindAction.audience))])
    rows.append([(_("Cancel"), CoordRemind(rid=rid, action=RemindAction.cancel))])
    return _markup(rows)


def remind_confirm_keyboard(rid: int, count: str) -> InlineKeyboardMarkup:
    """The last step before sending: the number of recipients on the button, or back to the preview."""
    return _markup(
        [
            [
                (
                    _("✅ Yes, send to {count}").format(count=count),
                    CoordRemind(rid=rid, action=RemindAction.confirm_send),
                )
            ],
            [(_("◀ Back"), CoordRemind(rid=rid, action=RemindAction.preview))],
        ]
    )


# Time zones a coordinator picks from, as IANA names so summer time is followed: UTC and the zones of FAO's
# headquarters, regional offices and the network's main regions, from west to east.
REMINDER_ZONES = (
    "UTC",
    "America/Mexico_City",
    "America/New_York",
    "America/Santiago",
    "America/Sao_Paulo",
    "Africa/Lagos",
    "Europe/Rome",
    "Africa/Cairo",
    "Africa/Nairobi",
    "Europe/Moscow",
    "Asia/Kolkata",
    "Asia/Bangkok",
    "Asia/Shanghai",
    "Asia/Tokyo",
    "Australia/Sydney",
)
# Before zones had names a coordinator chose a fixed offset (minutes east of UTC), kept in a conversation
# waiting for a date; such a conversation still reads them.
_OFFSET_ZONES = (-300, -180, 0, 60, 120, 180, 240, 330, 420, 480, 540)


def reminder_zone(value: object) -> str:
    """The IANA zone of a choice kept in the conversation: a name of REMINDER_ZONES, or an earlier fixed
    offset in minutes as the fixed zone "Etc/GMT-1" (POSIX signs: east of UTC is minus); else UTC."""
    if isinstance(value, str) and value in REMINDER_ZONES:
        return value
    if isinstance(value, int) and not isinstance(value, bool) and value in _OFFSET_ZONES:
        if value % 60:
            return "Asia/Kolkata"  # 330: India's offset, which has no summer time
        return f"Etc/GMT{-value // 60:+d}" if value else "UTC"
    return "UTC"


def _offset_label(minutes: int) -> str:
    """UTC, UTC+1, UTC−5, UTC+5:30."""
    if not minutes:
        return "UTC"
    sign = "+" if minutes > 0 else "−"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def zone_label(zone: str, lang: str, at: datetime | None = None, offset: bool = True) -> str:
    """A zone as the coordinator reads it, with its offset at `at` (default now): "Rome, UTC+2", "UTC".

    Without `offset`, the city alone ("Rome"): for a date still to be typed, whose offset may not be today's."""
    shift = (at or datetime.now(UTC)).astimezone(ZoneInfo(zone)).utcoffset()
    utc = _offset_label(int(shift.total_seconds() // 60) if shift else 0)
    if zone == "UTC" or zone.startswith("Etc/"):
        return utc
    locale = (lang or "en").replace("-", "_")
    city = get_timezone_location(get_timezone(zone), locale=locale, return_city=True)
    return _("{city}, {offset}").format(city=city, offset=utc) if offset else city


def remind_zone_keyboard(rid: int, lang: str) -> InlineKeyboardMarkup:
    """The coordinator's time zone, for the date and time they type next (each with its offset today)."""
    buttons = [
        (zone_label(zone, lang), CoordRemind(rid=rid, action=RemindAction.zone, arg=zone)) for zone in REMINDER_ZONES
    ]
    rows = [buttons[index : index + 2] for index in range(0, len(buttons), 2)]
    rows.append([(_("Cancel"), CoordRemind(rid=rid, action=RemindAction.cancel))])
    return _markup(rows)


def remind_when_keyboard(rid: int) -> InlineKeyboardMarkup:
    """Common sending times in the chosen time zone (or type another)."""
    return _markup(
        [
            [
                (_("Tomorrow 09:00"), CoordRemind(rid=rid, action=RemindAction.at, arg="tom")),
                (_("Next Monday 09:00"), CoordRemind(rid=rid, action=RemindAction.at, arg="mon")),
            ],
            [(_("Cancel"), CoordRemind(rid=rid, action=RemindAction.cancel))],
        ]
    )


def remind_repeat_keyboard(rid: int) -> InlineKeyboardMarkup:
    """Once at the chosen time, or weekly."""
    return _markup(
        [
            [
                (_("Once"), CoordRemind(rid=rid, action=RemindAction.once)),
                (_("Every week until…"), CoordRemind(rid=rid, action=RemindAction.weekly)),
            ],
            [(_("Cancel"), CoordRemind(rid=rid, action=RemindAction.cancel))],
        ]
    )


def scheduled_reminders_keyboard(items: list[tuple[int, str]]) -> InlineKeyboardMarkup | None:
    """A cancel button per scheduled reminder."""
    if not items:
        return None
    return _markup([[(_("Cancel {label}").format(label=label), CoordReminderAdmin(rid=rid))] for rid, label in items])


def review_keyboard(tid: int) -> InlineKeyboardMarkup:
    """Approve, approve with a correction, reject, or skip a reported threshold value."""
    return _markup(
        [
            [(_("✅ Approve"), CoordReview(tid=tid, action=ReviewAction.approve))],
            [(_("✏️ Approve with another value"), CoordReview(tid=tid, action=ReviewAction.value))],
            [
                (_("✏️ Approve with another unit"), CoordReview(tid=tid, action=ReviewAction.units)),
                (_("✏️ Approve with another land use"), CoordReview(tid=tid, action=ReviewAction.land_uses)),
            ],
            [
                (_("❌ Reject"), CoordReview(tid=tid, action=ReviewAction.reject)),
                (_("Skip ▶"), CoordReview(tid=tid, action=ReviewAction.skip)),
            ],
        ]
    )


def review_again_keyboard() -> InlineKeyboardMarkup:
    """After the last card: go through the skipped values again."""
    return _markup([[(_("Review the skipped values"), CoordReview(tid=0, action=ReviewAction.again))]])


def review_corrections_keyboard(tid: int, action: ReviewAction, options: list[tuple[str, str]]) -> InlineKeyboardMarkup:
    """The corrected units or land uses to approve the value with."""
    rows = [[(label, CoordReview(tid=tid, action=action, arg=value))] for value, label in options]
    rows.append([(_("◀ Back"), CoordReview(tid=tid, action=ReviewAction.back))])
    return _markup(rows)


def export_keyboard(forms: list[tuple[int, str]], with_ids: bool) -> InlineKeyboardMarkup:
    """One button per survey to export."""
    return _markup([[(title, CoordExport(form_pk=pk, ids=int(with_ids)))] for pk, title in forms])


def publish_keyboard(upload: int, audience_known: bool) -> InlineKeyboardMarkup:
    """Publish with the current version's audience, or choose one for a new form."""
    if audience_known:
        rows = [[(_("✅ Publish"), CoordPublish(upload=upload, action=PublishAction.publish))]]
    else:
        rows = [
            [
                (
                    _("Publish for focal points and members"),
                    CoordPublish(upload=upload, action=PublishAction.audience, arg="fp"),
                )
            ],
            [(_("Publish for laboratories"), CoordPublish(upload=upload, action=PublishAction.audience, arg="lab"))],
            [(_("Publish for everyone"), CoordPublish(upload=upload, action=PublishAction.audience, arg="all"))],
        ]
    rows.append([(_("Cancel"), CoordPublish(upload=upload, action=PublishAction.drop))])
    return _markup(rows)


def invite_country_keyboard(
    candidates: list[tuple[str, str]], role: str, multi: bool, days: int, step: InviteStep = InviteStep.create
) -> InlineKeyboardMarkup:
    """The guessed countries of a typed /invite, plus "none of these" (as onboarding asks a new member);
    step "c" when the guided flow asks the role next."""
    rows = [
        [(name, CoordInvite(country=code, role=role, multi=int(multi), days=days, step=step))]
        for code, name in candidates
    ]
    rows.append([(_("None of these"), CoordInvite(country="", role=role, multi=int(multi), days=days, step=step))])
    return _markup(rows)


def with_document_buttons(markup: InlineKeyboardMarkup, documents: list[tuple[int, str]]) -> InlineKeyboardMarkup:
    """`markup` with one "📎 file name" button per (document id, name) on top, each sending the file."""
    from bot.callbacks import DocumentGet

    rows = [
        [InlineKeyboardButton(text=button_text("📎 " + name, 60), callback_data=DocumentGet(doc=doc).pack())]
        for doc, name in documents
    ]
    return InlineKeyboardMarkup(inline_keyboard=rows + list(markup.inline_keyboard))


# How long a guided invite may stay valid (days), as buttons.
INVITE_VALIDITY = (7, 30, 90, 365)


def invite_role_keyboard(country: str, roles: dict[str, str]) -> InlineKeyboardMarkup:
    """The guided /invite: whom the link is for."""
    return _markup(
        [[(label, CoordInvite(country=country, role=role, step=InviteStep.role))] for role, label in roles.items()]
    )


def invite_uses_keyboard(country: str, role: str) -> InlineKeyboardMarkup:
    """The guided /invite: one person, or anyone with the link."""
    return _markup(
        [
            [
                (_("One person"), CoordInvite(country=country, role=role, multi=0, step=InviteStep.uses)),
                (_("Anyone with the link"), CoordInvite(country=country, role=role, multi=1, step=InviteStep.uses)),
            ]
        ]
    )


def invite_days_keyboard(country: str, role: str, multi: bool) -> InlineKeyboardMarkup:
    """The guided /invite: how long the link stays valid; pressing one creates it."""
    buttons = [
        (
            ngettext("{days} day", "{days} days", days).format(days=days),
            CoordInvite(country=country, role=role, multi=int(multi), days=days),
        )
        for days in INVITE_VALIDITY
    ]
    return _markup([buttons])
