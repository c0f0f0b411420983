"""Ask a quiz in the terminal, one question at a time; EOF or Ctrl-C ends it and grades what was answered."""

from __future__ import annotations

import textwrap
from typing import Any, TextIO

from . import answers
from .grading import grade_question, right_answer_text
from .variants import Posed

SKIP_WORDS = ("skip",)
SHORT_HINT = {answers.SINGLE: "a letter, e.g. b", answers.MULTIPLE: "letters, e.g. a, c",
              answers.TRUE_FALSE: "true/false", answers.NUMERIC: "a number", answers.SHAPE: "e.g. (8, 16, 14, 14)",
              answers.TEXT: "a word or phrase"}
MAX_RETRIES = 5  # unreadable answers in a row before the question is skipped


def ask_all(posed: tuple[Posed, ...], stdin: TextIO, stdout: TextIO, title: str = "") -> dict[str, Any]:
    """Return {question id: typed answer} for every answered question."""
    given: dict[str, Any] = {}
    total = len(posed)
    if title:
        _say(stdout, f"{title}\n{total} questions. Type 'skip' to pass one; Ctrl-D (or Ctrl-C) stops and grades "
                     "what you answered.\n")
    try:
        for number, item in enumerate(posed, start=1):
            _show_question(stdout, item, number, total)
            answer = _read_answer(item, stdin, stdout)
            if answer is _SKIPPED:
                _say(stdout, "Skipped.")
                continue
            given[item.id] = answer
            _show_feedback(stdout, item, answer)
    except (EOFError, KeyboardInterrupt):
        _say(stdout, f"\nStopped after {len(given)} answer(s); grading what you answered.\n")
    return given


_SKIPPED = object()


def _read_answer(item: Posed, stdin: TextIO, stdout: TextIO) -> Any:
    question = item.question
    for _ in range(MAX_RETRIES):
        _say(stdout, f"Your answer ({SHORT_HINT[question.type]}): ", newline=False)
        line = stdin.readline()
        if line == "":
            raise EOFError
        text = line.strip()
        if text.lower() in SKIP_WORDS:
            return _SKIPPED
        try:
            return answers.parse(question.type, text, len(question.choices))
        except answers.AnswerFormatError as err:
            _say(stdout, f"I could not read that: {err}. Try again.")
    _say(stdout, "Moving on; this question counts as not answered.")
    return _SKIPPED


def _show_question(stdout: TextIO, item: Posed, number: int, total: int) -> None:
    question = item.question
    points = f"{question.points:g} point{'s' if question.points != 1 else ''}"
    _say(stdout, f"\nQuestion {number} of {total} ({points})")
    _say(stdout, _wrap(item.prompt))
    if question.type == answers.TRUE_FALSE:
        _say(stdout, "  true or false?")
    if question.type == answers.MULTIPLE:
        _say(stdout, "  (pick every choice that is right)")
    for index, choice in enumerate(question.choices, start=1):
        label = f"  {answers.choice_label(index)}. "
        _say(stdout, _wrap(choice, label, " " * len(label)))


def _show_feedback(stdout: TextIO, item: Posed, answer: Any) -> None:
    case = grade_question(item, answer)
    if case.passed:
        _say(stdout, "Right.")
    else:
        _say(stdout, f"Not quite: the answer is {right_answer_text(item).rstrip('.')}.")
    _say(stdout, _wrap(item.explanation, "  Why: ", "       "))


def _wrap(text: str, first: str = "", rest: str = "") -> str:
    paragraphs = [textwrap.fill(" ".join(part.split()), width=88, initial_indent=first if i == 0 else rest,
                                subsequent_indent=rest) for i, part in enumerate(text.split("\n\n"))]
    return "\n".join(paragraphs)


def _say(stdout: TextIO, text: str, newline: bool = True) -> None:
    stdout.write(text + ("\n" if newline else ""))
    stdout.flush()
