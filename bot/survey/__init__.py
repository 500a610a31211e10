"""Conversational XLSForm survey engine: pure functions over JSON-able state, no I/O."""

from bot.survey.engine import (
    AnswerResult,
    Prompt,
    SurveyState,
    UnknownQuestionError,
    answer,
    back,
    current_prompt,
    describe_add_another,
    describe_answer,
    display_value,
    is_calculated,
    is_complete,
    jump_to,
    keep,
    review,
    skip,
    start,
    submission_data,
    submit,
)
from bot.survey.form import Form, FormError
from bot.survey.limits import FormLimitError, FormProblem
from bot.survey.loader import load_form

__all__ = [
    "AnswerResult",
    "Form",
    "FormError",
    "FormLimitError",
    "FormProblem",
    "Prompt",
    "SurveyState",
    "UnknownQuestionError",
    "answer",
    "back",
    "current_prompt",
    "describe_add_another",
    "describe_answer",
    "display_value",
    "is_calculated",
    "is_complete",
    "jump_to",
    "keep",
    "load_form",
    "review",
    "skip",
    "start",
    "submission_data",
    "submit",
]
