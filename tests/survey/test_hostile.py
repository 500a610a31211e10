"""Hostile forms (tests/survey/hostile.py) cannot freeze or exhaust the engine, `form check` or the form reader.

Each case ran for seconds to hours, or grew to gigabytes, before the limits: the work runs in a
forked child with a time limit and a memory cap (tests/survey/bounded.py), so without the limits
the test fails instead of hanging the suite. The module imports only what existed before the limits
(the form reader's test imports it), so the same tests ran against the old code show what it did.
"""

from __future__ import annotations

import asyncio
import os
import signal
import tempfile
from pathlib import Path

import pytest

from bot.i18n.survey_errors import explain
from bot.survey import engine, load_form
from bot.survey.cli import check_form
from bot.survey.form import Form, FormError, Node
from tests.survey import hostile
from tests.survey.bounded import run_bounded

# The caps (bot/survey/limits.py), written out so this module also imports where they do not exist.
MAX_STRING_CHARS = 10_000
MAX_REPEAT_INSTANCES = 1_000
MAX_INSTANCE_ELEMENTS = 20_000

REGEX_TOO_SLOW = (
    "This answer could not be checked: the survey's rule for it takes too long. "
    "Please try a shorter answer or tell a coordinator."
)


def load_form_bytes(content: bytes, filename: str) -> Form:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / filename
        path.write_bytes(content)
        return load_form(path)


def _refusal(content: bytes, filename: str = "hostile.xlsx") -> str:
    """The one-line refusal of a form (fails the test if the form loads)."""
    try:
        load_form_bytes(content, filename)
    except FormError as error:
        return str(error)
    raise AssertionError("the form was accepted")


def _write(tmp_path: Path, content: bytes, name: str = "hostile.xlsx") -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


# ---------------------------------------------------------------- regular expressions


def _answer_code(pattern: str, reply: str) -> tuple[bool, str | None]:
    form = load_form_bytes(hostile.catastrophic_regex(pattern), "regex.xlsx")
    result = engine.answer(form, engine.start(form), reply)
    return result.accepted, explain(result.error) if result.error else None


@pytest.mark.slow  # a forked child per case, held to its time limit
@pytest.mark.parametrize("pattern", ["(a+)+$", "(a|aa)+$"])
def test_catastrophic_regex_answers_in_bounded_time(pattern):
    # With Python's re, (a+)+$ on 30 a's and a '!' backtracks for minutes; on 4,000 it never ends.
    for length in (30, 4000):
        accepted, error = run_bounded(_answer_code, pattern, "a" * length + "!", seconds=10)
        assert not accepted
        assert error in ("Letters a only", REGEX_TOO_SLOW)
    # The constraint still does its job on ordinary answers.
    assert run_bounded(_answer_code, pattern, "aaaa", seconds=10) == (True, None)
    assert run_bounded(_answer_code, pattern, "abc", seconds=10) == (False, "Letters a only")


def test_a_regex_that_times_out_fails_the_constraint_with_a_clear_message():
    accepted, error = run_bounded(_answer_code, "(a|aa)+$", "a" * 4000 + "!", seconds=10)
    assert (accepted, error) == (False, REGEX_TOO_SLOW)


def test_form_check_flags_a_regex_that_times_out(tmp_path):
    status, text = check_form(_write(tmp_path, hostile.catastrophic_regex("(a|aa)+$")))
    assert status == 0
    assert (
        "  hostile.xlsx: sheet 'survey', row 2, column 'constraint': the regular expression of 'code' takes "
        "too long on some answers; they are refused."
    ) in text.splitlines()
    status, text = check_form(_write(tmp_path, hostile.catastrophic_regex("^[a-z]+$"), "fine.xlsx"))
    assert status == 0 and "Warnings: none" in text


# ---------------------------------------------------------------- calculations


def test_a_calculation_cycle_is_refused_naming_sheet_row_and_column(tmp_path):
    assert _refusal(hostile.calculate_cycle()) == (
        "hostile.xlsx: sheet 'survey', row 3, column 'calculation': the calculation of 'left' depends on its own "
        "value (left → right → left)."
    )
    assert _refusal(hostile.self_doubling()) == (
        "hostile.xlsx: sheet 'survey', row 3, column 'calculation': the calculation of 'grow' depends on its own "
        "value (grow → grow)."
    )
    status, text = check_form(_write(tmp_path, hostile.calculate_cycle()))
    assert status == 2 and text.startswith("error: hostile.xlsx: sheet 'survey', row 3") and "\n" not in text


@pytest.mark.parametrize("expression", [". + 1", "concat(., 'x')", "if(. = '', 'a', .)", "/data/grow"])
def test_a_calculation_reading_itself_is_a_cycle(expression):
    content = hostile.workbook(
        [["type", "name", "label", "calculation"], ["text", "q", "Q", ""], ["calculate", "grow", "", expression]]
    )
    assert "column 'calculation': the calculation of 'grow' depends on its own value (grow → grow)" in _refusal(content)


@pytest.mark.parametrize("expression", ["count(/data/q[. != ''])", "string-length(${q})", "../q"])
def test_dot_in_a_predicate_or_path_is_not_a_cycle(expression):
    content = hostile.workbook(
        [["type", "name", "label", "calculation"], ["text", "q", "Q", ""], ["calculate", "c", "", expression]]
    )
    assert load_form_bytes(content, "fine.xlsx").find_node("c").calculation == expression


def _stored_doubling_form() -> Form:
    """A self-doubling calculation as a form published before cycles were refused would hold it."""
    children = [
        Node(name="seed", type="text", path="seed", label={"default": "Seed"}),
        Node(name="grow", type="calculate", path="grow", calculation="concat(${seed}, ${grow}, ${grow})"),
    ] + [Node(name=f"q{index}", type="text", path=f"q{index}", label={"default": f"Q{index}"}) for index in range(8)]
    return Form(
        form_id="doubling",
        title="",
        version="1",
        default_language="default",
        languages=["default"],
        root_name="data",
        children=children,
        choices={},
    )


def _answer_all(form: Form, replies: list[str]) -> int:
    state = engine.start(form)
    for reply in replies:
        state = engine.answer(form, state, reply).state
        engine.current_prompt(form, state)
    engine.review(form, state)
    return max(len(str(value)) for value in engine.submission_data(form, state).values())


def test_a_stored_self_doubling_calculation_stays_bounded():
    # Before the cap its value had 2**31 characters at the third answer (10 GB of memory).
    longest = run_bounded(_answer_all, _stored_doubling_form(), ["ab"] * 9, seconds=20, memory_mb=300)
    assert longest == MAX_STRING_CHARS


def test_a_doubling_chain_is_flagged_and_stays_bounded(tmp_path):
    content = hostile.doubling_chain(40)
    status, text = check_form(_write(tmp_path, content, "chain.xlsx"))
    assert status == 0
    assert text.split("Warnings:")[-1].splitlines()[1:] == [
        "  chain.xlsx: sheet 'survey', row 4, column 'calculation': the value of 'd2' can grow past 10,000 "
        "characters; longer values are cut."
    ]
    form = load_form_bytes(content, "chain.xlsx")
    # d40 would be 2**40 times the seed.
    assert run_bounded(_answer_all, form, ["abc", "x"], seconds=20, memory_mb=300) == MAX_STRING_CHARS


@pytest.mark.slow  # a forked child
def test_an_expression_that_needs_quadratic_work_is_refused():
    rows = [["type", "name", "label", "relevant"]] + [["text", f"q{index}", f"Q{index}", ""] for index in range(300)]
    rows[6][3] = "count(//*[count(//*) > 0]) > 0"
    message = run_bounded(_refusal, hostile.workbook(rows), seconds=20)
    assert message == (
        "hostile.xlsx: sheet 'survey', row 7, column 'relevant': the expression of 'q5' needs too "
        "much work to evaluate."
    )


@pytest.mark.slow  # a forked child reads an 800-question form
def test_a_form_too_heavy_for_each_answer_is_refused():
    # 800 questions, each with a condition or a calculation: several seconds per answer, in the event loop.
    rows = [["type", "name", "label", "relevant", "calculation"]]
    for index in range(0, 800, 2):
        rows.append(["text", f"q{index}", f"Q{index}", f"${{q{index - 2}}} != 'stop'" if index else "", ""])
        rows.append(["calculate", f"c{index}", "", "", f"concat(${{q{index}}}, 'x')"])
    message = run_bounded(_refusal, hostile.workbook(rows), seconds=30)
    assert message == (
        "hostile.xlsx: sheet 'survey': the form's conditions and calculations need too much work for "
        "each answer; use fewer of them or split the form."
    )


@pytest.mark.slow  # a forked child reads 6,000 choices
def test_a_choice_filter_over_a_long_list_is_refused():
    # The filter runs once per choice whenever the question is shown or answered.
    content = hostile.workbook(
        [
            ["type", "name", "label", "choice_filter"],
            ["text", "x", "X", ""],
            ["select_one big", "pick", "Pick", "name != ${x}"],
        ],
        [["list_name", "name", "label"]] + [["big", f"c{index}", f"Choice {index}"] for index in range(6_000)],
    )
    message = run_bounded(_refusal, content, seconds=30)
    assert message == (
        "hostile.xlsx: sheet 'survey', row 3, column 'choice_filter': the expression of 'pick' needs "
        "too much work to evaluate."
    )


def _nested_repeats() -> tuple[int, int]:
    content = hostile.workbook(
        [
            ["type", "name", "label", "repeat_count", "calculation"],
            ["calculate", "n", "", "", "200"],
            ["begin_repeat", "outer", "Outer", "${n}", ""],
            ["begin_repeat", "inner", "Inner", "${n}", ""],
            ["text", "leaf", "Leaf", "", ""],
            ["end_repeat", "", "", "", ""],
            ["end_repeat", "", "", "", ""],
        ]
    )
    form = load_form_bytes(content, "nested.xlsx")
    state = engine.start(form)
    instances = sum(info["count"] for info in state["repeats"].values())
    return instances, len(engine.current_prompt(form, state).path or "")


@pytest.mark.slow  # a forked child
def test_nested_repeat_counts_are_capped():
    # 200 x 200 instances (40,000, each walked on every answer) are cut to what the caps allow.
    instances, _path = run_bounded(_nested_repeats, seconds=30, memory_mb=400)
    assert instances <= MAX_REPEAT_INSTANCES
    assert instances * 2 <= MAX_INSTANCE_ELEMENTS


# ---------------------------------------------------------------- the file


@pytest.fixture(scope="module")
def zip_bomb() -> bytes:
    return hostile.zip_bomb(500)


@pytest.mark.slow  # a forked child; half a megabyte that unpacks to 500 MB
def test_a_zip_bomb_is_refused_before_it_is_unpacked(zip_bomb):
    assert len(zip_bomb) < 600_000  # half a megabyte that unpacks to 500 MB
    message = run_bounded(_refusal, zip_bomb, seconds=10, memory_mb=150)
    assert message == "hostile.xlsx: sheet 'survey': the file unpacks to more than 32 MB."


@pytest.mark.slow  # workbooks of 100,000 rows written, read in a forked child
@pytest.mark.parametrize("sheet, row, limit", [("choices", 10_002, "10,000"), ("survey", 2_002, "2,000")])
def test_a_sheet_of_100k_rows_is_refused_in_milliseconds(sheet, row, limit):
    content = hostile.many_rows(100_000, sheet)
    # pyxform took 11 s for this sheet, holding the event loop.
    message = run_bounded(_refusal, content, seconds=3)
    assert message == f"hostile.xlsx: sheet '{sheet}', row {row}: the sheet has more than {limit} rows."


@pytest.mark.slow  # a workbook of 10,000 rows written and read
def test_a_sheet_at_the_limit_loads():
    form = load_form_bytes(hostile.many_rows(10_000, "choices"), "big.xlsx")
    assert len(form.choices["big"]) == 10_000


def test_too_many_columns_are_refused():
    header = ["type", "name", "label"] + [f"extra{index}" for index in range(600)]
    message = _refusal(hostile.workbook([header, ["text", "q", "Q"]]))
    assert message == "hostile.xlsx: sheet 'survey', column SG: the sheet has more than 500 columns."


def test_a_csv_form_with_too_many_rows_is_refused():
    lines = ["survey,,,", ",type,name,label"] + [f",text,q{index},Q{index}" for index in range(3_000)]
    message = _refusal("\n".join(lines).encode(), "big.csv")
    assert message == "big.csv: sheet 'survey', row 2003: the sheet has more than 2,000 rows."


def test_a_file_over_the_size_limit_is_refused_without_reading_it_all(tmp_path):
    path = tmp_path / "huge.xlsx"
    with path.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # sparse: 50 MB declared, nothing written
    status, text = check_form(path)
    assert (status, text) == (2, "error: huge.xlsx: the file is larger than 5 MB.")


# ---------------------------------------------------------------- the form reader (child process)


@pytest.mark.slow  # a worker process killed
async def test_the_form_reader_parses_off_the_loop_and_recovers_from_a_dead_worker():
    from bot.survey.limits import FormLimitError
    from bot.survey.sandbox import FormReader

    reader = FormReader()
    try:
        honest = hostile.workbook([["type", "name", "label"], ["text", "q", "Question"]])
        form, warnings = await reader.read(honest, "honest.xlsx")
        assert (form.form_id, warnings) == ("hostile", [])
        with pytest.raises(FormLimitError) as refused:
            await reader.read(hostile.calculate_cycle(), "cycle.xlsx")
        assert str(refused.value).startswith("cycle.xlsx: sheet 'survey', row 3, column 'calculation': ")
        with pytest.raises(FormError) as broken:
            await reader.read(b"not a spreadsheet at all", "broken.xlsx")
        assert str(broken.value).startswith("broken.xlsx: ") and "\n" not in str(broken.value)

        # The worker's memory is capped: an allocation past the cap fails there, not here.
        pool = reader._executor()
        with pytest.raises(MemoryError):
            await asyncio.wrap_future(pool.submit(bytearray, 4 * 1024**3))
        # A worker that dies (the kernel ends it at the time limit, or it runs out of memory) is replaced.
        worker_pid = await asyncio.wrap_future(pool.submit(os.getpid))
        await asyncio.wrap_future(pool.submit(os.kill, worker_pid, 0))
        os.kill(worker_pid, signal.SIGKILL)
        with pytest.raises(FormLimitError) as killed:
            await reader.read(honest, "honest.xlsx")
        assert str(killed.value) == "honest.xlsx: reading the form needed more than 512 MB of memory."
        form, _warnings = await reader.read(honest, "honest.xlsx")
        assert form.form_id == "hostile"
    finally:
        reader.close()


def test_the_caps_written_here_are_the_engine_s():
    from bot.survey import limits

    assert (limits.MAX_STRING_CHARS, limits.MAX_REPEAT_INSTANCES, limits.MAX_INSTANCE_ELEMENTS) == (
        MAX_STRING_CHARS,
        MAX_REPEAT_INSTANCES,
        MAX_INSTANCE_ELEMENTS,
    )


def _renamed_workbook(content: bytes) -> bytes:
    """The same workbook with its main part at xl/book.xml (found through _rels/.rels, as openpyxl does)."""
    import io
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as renamed:
        for info in source.infolist():
            data = source.read(info.filename)
            name = {"xl/workbook.xml": "xl/book.xml", "xl/_rels/workbook.xml.rels": "xl/_rels/book.xml.rels"}.get(
                info.filename, info.filename
            )
            if info.filename in ("_rels/.rels", "[Content_Types].xml"):
                data = data.replace(b"/xl/workbook.xml", b"/xl/book.xml").replace(b"xl/workbook.xml", b"xl/book.xml")
            renamed.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.slow  # a workbook of 100,000 rows written, read in a forked child
def test_rows_are_counted_wherever_the_workbook_keeps_its_sheets():
    renamed = _renamed_workbook(hostile.many_rows(100_000, "survey"))
    message = run_bounded(_refusal, renamed, seconds=3)
    assert message == "hostile.xlsx: sheet 'survey', row 2002: the sheet has more than 2,000 rows."
    small = _renamed_workbook(hostile.workbook([["type", "name", "label"], ["text", "q", "Question"]]))
    assert load_form_bytes(small, "small.xlsx").find_node("q").label == {"default": "Question"}


@pytest.mark.parametrize("name, row", [("conformance/tutorial.xls", 5), ("features.md", 6)])
def test_xls_and_markdown_forms_are_counted_too(monkeypatch, name, row):
    from bot.survey import intake
    from bot.survey.limits import FormLimitError

    content = (Path(__file__).parent / "forms" / name).read_bytes()
    assert intake.check_form_bytes(content, Path(name).name) in (".xls", ".md")
    monkeypatch.setattr(intake, "MAX_SURVEY_ROWS", 3)
    with pytest.raises(FormLimitError) as refused:
        intake.check_form_bytes(content, Path(name).name)
    assert str(refused.value) == f"{Path(name).name}: sheet 'survey', row {row}: the sheet has more than 3 rows."


def _nested_groups(depth: int) -> bytes:
    rows = ["| survey | | | |", "| | type | name | label |"]
    rows += [f"| | begin group | g{level} | G{level} |" for level in range(depth)]
    rows += ["| | text | q | Q |"] + ["| | end group | | |"] * depth
    return ("\n".join(rows) + "\n").encode()


def _relevant(expression: str) -> bytes:
    return (
        "| survey | | | | |\n| | type | name | label | relevant |\n| | text | a | A | |\n"
        f"| | text | q | Q | {expression} |\n"
    ).encode()


@pytest.mark.parametrize(
    "expression",
    [
        "(" * 3000 + "1" + ")" * 3000,
        "+".join(["1"] * 300),
        "-" * 5000 + "1",
        "not(" * 1500 + "true()" + ")" * 1500,
        "concat(" * 800 + "'a'" + ")" * 800,
    ],
)
def test_a_deeply_nested_expression_gets_one_line(expression):
    """Before: a RecursionError traceback from `form check`, and an upload that failed with an apology
    (a sum of 300 terms was enough). Now: one line naming sheet, row and column."""
    with pytest.raises(FormError) as refused:
        load_form_bytes(_relevant(expression), "deep.md")
    assert "row 3, column 'relevant' of 'q'" in str(refused.value) and "more than 100 levels deep" in str(refused.value)
    # A sum of 99 terms compared with a number (100 levels) is still fine, and evaluates.
    form = load_form_bytes(_relevant("+".join(["1"] * 99) + " = 99"), "sum.md")
    assert engine.current_prompt(form, engine.start(form), "en").path


def test_groups_nested_too_deep_get_one_line():
    with pytest.raises(FormError) as refused:
        load_form_bytes(_nested_groups(990), "deep.md")
    assert "sheet 'survey', row 52, column 'type' of 'g50'" in str(refused.value)
    form = load_form_bytes(_nested_groups(50), "fifty.md")  # 50 levels still work
    state = engine.start(form)
    assert engine.current_prompt(form, state, "en").path.endswith("/q")


def test_the_form_reader_turns_a_recursion_error_into_one_line(monkeypatch):
    from bot.survey import sandbox

    def recurse(*args, **kwargs):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr("bot.survey.loader.check_and_load", recurse)
    with pytest.raises(FormError, match="nests too deeply"):
        sandbox._read_in_worker(b"", "form.md", 5)
