"""Grade posed questions against answers: one CaseResult per question, one GradeResult per quiz."""

from __future__ import annotations

from typing import Any

from ..results import CaseResult, GradeResult, Kind, Outcome
from .answers import MULTIPLE, SHAPE, matches, show, show_choices
from .keys import check_hashed
from .model import Quiz
from .variants import Posed

_NO_ANSWER = object()


def is_right(posed: Posed, given: Any) -> bool:
    question = posed.question
    if question.is_hashed:
        return check_hashed(question, given)
    return matches(question.type, given, posed.answer, question.abs_tol, question.rel_tol)


def right_answer_text(posed: Posed) -> str:
    if posed.answer is None:
        return "(kept hidden in this edition)"
    return show(posed.question.type, posed.answer, posed.question.choices)


def _for_report(qtype: str, value: Any, choices: tuple[str, ...]) -> str | list[str]:
    """A multiple-select answer as a list of its choices ('a. ...'), any other answer as one line."""
    if qtype == MULTIPLE:
        return show_choices(value, choices)
    return show(qtype, value, choices)


def heading(number: int, posed: Posed) -> str:
    return f"Question {number}: {posed.question.heading}" if posed.question.heading else f"Question {number}"


def grade_question(posed: Posed, given: Any = _NO_ANSWER, number: int = 0) -> CaseResult:
    """`given` is a typed answer (see answers.parse); leave it out for an unanswered question. `number` (from 1)
    names the case "Question 2: Products summed"; without it the case is named by the question id."""
    question = posed.question
    details: dict[str, Any] = {
        "id": question.id,
        "question": posed.prompt,
        "type": question.type,
        "your_answer": "" if given is _NO_ANSWER else _for_report(question.type, given, question.choices),
        "right_answer": right_answer_text(posed) if posed.answer is None else
        _for_report(question.type, posed.answer, question.choices),
        "explanation": posed.explanation,
    }
    if question.choices:
        details["choices"] = list(question.choices)
    if posed.values:
        details["params"] = {name: value for name, value in posed.values}
    name = heading(number, posed) if number else question.id
    case = CaseResult(name=name, max_points=question.points, outcome=Outcome.FAILED, details=details)
    if given is _NO_ANSWER:
        case.outcome, case.kind = Outcome.NOT_ATTEMPTED, Kind.UNANSWERED
        key = "kept hidden" if posed.answer is None else show(question.type, posed.answer)
        case.message = f"Not answered. The answer is {key}. Why: {posed.explanation}"
    elif is_right(posed, given):
        case.outcome, case.points = Outcome.PASSED, question.points
        case.message = "Right."
    else:
        case.kind = Kind.ANSWER
        case.message = _wrong_message(posed, given)
    return case


def _wrong_message(posed: Posed, given: Any) -> str:
    """Short: what was found, what was expected, what to think about. Choices are named by letter here;
    the reports show their full text from `details`."""
    question = posed.question
    found = f"You answered {show(question.type, given)}"
    if posed.answer is None:
        return f"{found}, which is not the stored answer. Think again about this: {posed.explanation}"
    expected = f"the answer is {show(question.type, posed.answer)}"
    if question.type == MULTIPLE:
        missed = tuple(sorted(set(posed.answer) - set(given)))
        extra = tuple(sorted(set(given) - set(posed.answer)))
        notes = ([f"you missed {show(MULTIPLE, missed)}"] if missed else []) + \
                ([f"{show(MULTIPLE, extra)} should not be picked"] if extra else [])
        expected += f" ({'; '.join(notes)})"
    elif question.type == SHAPE and len(given) != len(posed.answer):
        expected += f" ({len(posed.answer)} sizes, you gave {len(given)})"
    return f"{found}; {expected}. Why: {posed.explanation}"


def grade_quiz(quiz: Quiz, posed: tuple[Posed, ...], given: dict[str, Any], seed: int,
               submission: str = "") -> GradeResult:
    """Grade every question; a question missing from `given` is not attempted."""
    cases = [grade_question(item, given[item.id], number) if item.id in given else
             grade_question(item, number=number) for number, item in enumerate(posed, start=1)]
    result = GradeResult(exercise=quiz.id, title=quiz.title, cases=cases, kind="quiz", seed=seed,
                         submission=submission)
    right = result.count(Outcome.PASSED)
    unanswered = result.count(Outcome.NOT_ATTEMPTED)
    result.summary = f"{right} of {len(cases)} questions right ({result.score:g}/{result.max_score:g} points)" + \
        (f"; {unanswered} not answered" if unanswered else "") + "."
    return result
