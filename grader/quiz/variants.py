"""Seeded variants: draw each question's parameters from its own seed and compute its answer from them."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from ..errors import DefinitionError
from .answers import AnswerFormatError, HOW_TO_ANSWER, NUMERIC, SHAPE, show, parse as parse_answer
from .expressions import ExprError
from .model import PLACEHOLDER, Question, QuestionParameter, Quiz

MAX_DRAWS = 200  # attempts to satisfy a question's `require` conditions before the definition is blamed


@dataclass(frozen=True)
class Posed:
    """A question as one learner sees it: text with parameters filled in, and its key for that variant."""

    question: Question
    prompt: str
    explanation: str
    values: tuple[tuple[str, Any], ...]
    answer: Any = None  # the plaintext key (None when the key is hashed)

    @property
    def id(self) -> str:
        return self.question.id


def learner_seed(learner: str) -> int:
    """A stable seed from a learner id: the same name always gives the same quiz."""
    return int.from_bytes(hashlib.sha256(f"learner:{learner}".encode()).digest()[:4], "big")


def pose_quiz(quiz: Quiz, seed: int) -> tuple[Posed, ...]:
    return tuple(pose(quiz.id, question, seed) for question in quiz.questions)


def pose(quiz_id: str, question: Question, seed: int) -> Posed:
    values = _draw_values(quiz_id, question, seed)
    answer = question.answer
    if question.answer_expr is not None:
        answer = _computed_answer(question, values)
    shown = dict(values)
    if answer is not None:
        shown["answer"] = show(question.type, answer, question.choices)
    return Posed(question, fill(question.prompt, shown), fill(question.explanation, shown),
                 tuple(values.items()), answer)


def fill(template: str, values: dict[str, Any]) -> str:
    """Replace {name} by its value; {{ and }} stand for literal braces."""
    def replace(match) -> str:
        if match.group(1) is None:
            return match.group(0)[0]
        value = values.get(match.group(1).strip(), match.group(0))
        return show(NUMERIC, value) if isinstance(value, (int, float)) and not isinstance(value, bool) else str(value)

    return PLACEHOLDER.sub(replace, template)


def _draw_values(quiz_id: str, question: Question, seed: int) -> dict[str, Any]:
    if not question.params:
        return {}
    for attempt in range(MAX_DRAWS):
        stream = _Stream(f"{seed}:{quiz_id}:{question.id}:{attempt}")
        values: dict[str, Any] = {}
        for param in question.params:
            values[param.name] = _draw(param, stream, values, question)
        if all(_evaluate(question, expr, values, param_line=None, what="require") for expr in question.requires):
            return values
        if not question.is_variant:
            break  # nothing is drawn, so another attempt would give the same values
    raise DefinitionError(question.path, question.line, f"question '{question.id}': no parameter draw satisfied "
                                                        f"'require' (tried {MAX_DRAWS} times); widen the ranges")


def _draw(param: QuestionParameter, stream: "_Stream", values: dict, question: Question) -> Any:
    if param.kind == "fixed":
        return param.values[0]
    if param.kind == "choices":
        return param.values[stream.below(len(param.values))]
    if param.kind == "range":
        low, high, step = param.values
        return low + step * stream.below((high - low) // step + 1)
    return _evaluate(question, param.expr, values, param_line=param.line, what=f"params.{param.name}")


def _computed_answer(question: Question, values: dict) -> Any:
    value = _evaluate(question, question.answer_expr, values, question.answer_line, "answer_expr")
    try:
        if question.type == SHAPE and isinstance(value, (tuple, list)):
            return parse_answer(SHAPE, list(value))
        if question.type == NUMERIC:
            return parse_answer(NUMERIC, value)
    except AnswerFormatError as err:
        raise DefinitionError(question.path, question.answer_line,
                              f"question '{question.id}': answer_expr gave {value!r}: {err}") from None
    raise DefinitionError(question.path, question.answer_line, f"question '{question.id}': answer_expr must give "
                          f"{HOW_TO_ANSWER[question.type]}, but gave {type(value).__name__} {value!r}")


def _evaluate(question: Question, expr, values: dict, param_line, what: str) -> Any:
    try:
        return expr.evaluate(values)
    except ExprError as err:
        shown = ", ".join(f"{k}={v}" for k, v in values.items())
        raise DefinitionError(question.path, param_line or question.line,
                              f"question '{question.id}': {what} '{expr.source}' failed with {shown or 'no params'}: "
                              f"{err}") from None


class _Stream:
    """Deterministic integers from sha256, independent of Python's `random` implementation."""

    def __init__(self, material: str):
        self.material = material.encode()
        self.counter = 0

    def below(self, n: int) -> int:
        self.counter += 1
        digest = hashlib.sha256(self.material + b":" + str(self.counter).encode()).digest()
        return int.from_bytes(digest[:8], "big") % n
