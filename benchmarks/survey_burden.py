"""Survey burden, run by hand: `python benchmarks/survey_burden.py [--json]`.

Counts what a respondent goes through in the shipped threshold survey for scripted paths, with the pure
engine (no chat, no database): the replies they give (button taps and typed answers, each one message),
the notes they read, and an estimated time on a phone. The main path is the one the action plan sets a
target for: a country documenting two legal instruments with eight key values in all
(tests/fixtures/survey_answers/threshold_two_instruments.json), plus review and Submit.

Time is an estimate from two assumed paces (stated with each figure): a quick one (a tap 4 s, a typed answer
15 s, a note 8 s) and a slow one (6 s, 20 s, 10 s). A choice from a long list (country, pollutant) is typed, except the common metals
the chat offers as buttons (the form's `featured` choices).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.survey import engine  # noqa: E402
from bot.survey.loader import load_form  # noqa: E402

PACES = {"quick": (4, 15, 8), "slow": (6, 20, 10)}  # seconds per tap, typed answer, note
TYPED_TYPES = {"text", "integer", "decimal", "date"}
LONG_LISTS = {"country", "pollutant"}  # autocomplete: the member types a name, the bot matches it


def walk(form, replies: list) -> dict:
    """Feed the replies; count taps, typed answers and notes until the review screen."""
    state = engine.start(form, "en")
    taps = typed = notes = 0
    pending = list(replies)
    for _ in range(10_000):
        prompt = engine.current_prompt(form, state, "en")
        if prompt.kind == "note":
            notes += 1
            state = engine.answer(form, state, None).state
            continue
        if prompt.kind not in ("question", "add_another") or not pending:
            break
        reply = pending.pop(0)
        result = engine.answer(form, state, reply)
        if not result.accepted:
            raise SystemExit(f"reply {reply!r} refused at {prompt.path}: {result.error}")
        state = result.state
        # A long list is typed, unless the reply is one of the choices the chat offers as buttons (featured).
        typed_choice = prompt.kind == "question" and prompt.question in LONG_LISTS and reply not in prompt.featured
        if typed_choice or (prompt.kind == "question" and prompt.type in TYPED_TYPES and str(reply).strip()):
            typed += 1
        else:
            taps += 1  # a choice, a "Done" after ticks, "add another?", or /skip on an optional question
    review = engine.current_prompt(form, state, "en").kind == "review"
    taps += 1 if review else 0  # Submit
    # A multiple choice is ticked and then confirmed with Done: one more tap per multiple-choice answer.
    taps += sum(1 for reply in replies if isinstance(reply, list))
    minutes = {
        pace: round((taps * tap + typed * typed_seconds + notes * note) / 60, 1)
        for pace, (tap, typed_seconds, note) in PACES.items()
    }
    return {
        "replies": len(replies),
        "taps": taps,
        "typed": typed,
        "notes": notes,
        "messages_sent_by_member": taps + typed,
        "minutes": minutes,
        "reached_review": review,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    form = load_form(ROOT / "storage" / "forms" / "threshold_survey.xlsx")
    two = json.loads(
        (ROOT / "tests" / "fixtures" / "survey_answers" / "threshold_two_instruments.json").read_text("utf-8")
    )
    no_values = two[:6] + [
        "no",
        "no",
        ["none"],
        "considered",
        "no",
        ["lack_of_funding"],
        ["training"],
        "named",
        "yes",
        "",
    ]
    # Two instruments documented by link only: the instrument answers of the main path without key values.
    lab = json.loads((ROOT / "tests" / "fixtures" / "survey_answers" / "lab_full.json").read_text("utf-8"))
    results = {
        "two instruments, eight key values": walk(form, two),
        "no national values": walk(form, no_values),
        "laboratory analysing metals and pesticides": walk(
            load_form(ROOT / "storage" / "forms" / "lab_sop_survey.xlsx"), lab
        ),
    }
    if args.json:
        print(json.dumps(results))
        return
    for name, figures in results.items():
        quick, slow = figures["minutes"]["quick"], figures["minutes"]["slow"]
        print(
            f"{name}: {figures['messages_sent_by_member']} messages from the member "
            f"({figures['taps']} taps, {figures['typed']} typed), {figures['notes']} note{'s' * (figures['notes'] != 1)} to read, "
            f"about {quick} min at a quick pace, {slow} min at a slow one"
        )


if __name__ == "__main__":
    main()
