"""Command-line helpers for form authors: check a form, run it with scripted answers."""

from __future__ import annotations

import gettext
from pathlib import Path
from typing import Any

from bot.i18n.survey_errors import explain
from bot.i18n.survey_words import synonyms
from bot.survey import engine
from bot.survey.form import Form, FormError
from bot.survey.limits import FormProblem
from bot.survey.loader import check_and_load, load_form, read_form_file

EXIT_OK = 0
EXIT_BROKEN_FORM = 2


def describe_form(form: Form, warnings: list[FormProblem] | None = None) -> str:
    """Summarize a loaded form: settings, languages, questions, choice lists, unsupported parts, warnings."""
    lines = [
        f"Form: {form.title or form.form_id} (form_id {form.form_id}, version {form.version or '-'})",
        f"Languages: {', '.join(form.languages)} (default {form.default_language})",
        "Questions:",
    ]
    for node in form.iter_nodes():
        depth = node.path.count("/")
        details = [node.type]
        if node.list_name and node.type.startswith("select"):
            details.append(f"list {node.list_name}")
        if node.required:
            details.append("required" if node.required == "true()" else f"required if {node.required}")
        if node.relevant:
            details.append(f"if {node.relevant}")
        if node.unsupported:
            details.append(f"UNSUPPORTED: {node.unsupported}, skipped")
        label = form.text(node.label, None)
        lines.append(f"  {'  ' * depth}{node.name} [{'; '.join(details)}]{': ' + label if label else ''}")
    lines.append("Choice lists:")
    for list_name, choices in form.choices.items():
        lines.append(f"  {list_name}: {', '.join(choice.name for choice in choices)}")
    unsupported = form.unsupported_nodes()
    lines.append(
        "Unsupported: " + ", ".join(f"{node.name} ({node.unsupported})" for node in unsupported)
        if unsupported
        else "Unsupported: none"
    )
    if warnings:
        lines.append("Warnings:")
        lines += [f"  {warning.text()}" for warning in warnings]
    else:
        lines.append("Warnings: none")
    return "\n".join(lines)


def check_form(path: str | Path) -> tuple[int, str]:
    """Load a form and describe it with its warnings (exit 0), or give one line saying what is broken (exit 2).

    The same checks as a coordinator's upload: file size, what it unpacks to, rows and columns,
    calculation cycles and the work one answer needs are refused; values that can grow past the cap
    and regular expressions that time out on probe answers are listed as warnings.
    """
    try:
        form, warnings = check_and_load(read_form_file(path), Path(path).name, warnings=True)
    except FormError as error:
        return EXIT_BROKEN_FORM, f"error: {error}"
    return EXIT_OK, describe_form(form, warnings)


def run_answers(
    form: Form, answers: list[Any], lang: str | None = None, tr: gettext.NullTranslations | None = None
) -> dict[str, Any]:
    """Feed scripted replies to the engine in order and report every step and the data."""
    tr = tr or gettext.NullTranslations()
    words = synonyms(tr.gettext)
    state = engine.start(form, lang)
    pending = list(answers)
    steps: list[dict[str, Any]] = []
    while True:
        prompt = engine.current_prompt(form, state, lang)
        if prompt.kind == "note":
            state = engine.answer(form, state, None).state
            continue
        if prompt.kind == "complete" or not pending:
            break
        if prompt.kind == "review" and not isinstance(pending[0], dict):
            break
        reply = pending.pop(0)
        if isinstance(reply, dict):
            state = _run_command(form, state, reply)
            steps.append({"question": prompt.question, "input": reply, "accepted": True, "message": None})
            continue
        result = engine.answer(form, state, reply, words, expected_question=prompt.path)
        state = result.state
        steps.append(
            {
                "question": prompt.question,
                "input": reply,
                "accepted": result.accepted,
                "message": explain(result.error, tr) if result.error else None,
            }
        )
    return {
        "status": "complete" if engine.is_complete(form, state) else "incomplete",
        "steps": steps,
        "data": engine.submission_data(form, state),
    }


def _run_command(form: Form, state: engine.SurveyState, command: dict[str, Any]) -> engine.SurveyState:
    """Apply a scripted navigation command: {"command": "back"} or {"command": "jump_to", "question": NAME}."""
    if command.get("command") == "back":
        return engine.back(form, state)
    if command.get("command") == "jump_to":
        return engine.jump_to(form, state, str(command.get("question")))
    raise ValueError(f"unknown command {command!r}")


def dry_run(path: str | Path, answers: list[Any], lang: str | None = None) -> dict[str, Any]:
    """Run a form file with the replies of ANSWERS.json; return status, steps and data."""
    return run_answers(load_form(path), answers, lang)
