"""Answers files: read a learner's answers (validated against the quiz at load) and write an answer key."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..errors import DefinitionError
from ..spec.yamlsource import Doc, load_file, load_text
from .answers import AnswerFormatError, HOW_TO_ANSWER, MULTIPLE, SHAPE, to_yaml, parse as parse_answer
from .model import Quiz
from .variants import Posed


@dataclass(frozen=True)
class AnswerSheet:
    """A learner's answers, each already read as its question's type; unanswered questions are absent."""

    path: str
    quiz_id: str | None
    seed: int | None
    answers: tuple[tuple[str, Any], ...]

    def get(self, question_id: str) -> Any:
        return dict(self.answers).get(question_id)


def load_answers(path: str | Path, quiz: Quiz) -> AnswerSheet:
    return sheet_from_doc(load_file(path), quiz)


def load_answers_text(text: str | bytes, quiz: Quiz, name: str = "<answers>") -> AnswerSheet:
    return sheet_from_doc(load_text(text, name), quiz)


def sheet_from_doc(doc: Doc, quiz: Quiz) -> AnswerSheet:
    root = doc.root()
    if not isinstance(root.value, dict):
        raise DefinitionError(doc.path, 1, "an answers file must map question ids to answers, "
                                           "e.g. 'q1-kernel-slides: 2'")
    root.mapping()  # rejects keys that are not text
    quiz_id = seed = None
    if root.has("quiz"):
        quiz_id = root["quiz"].text()
        if quiz_id != quiz.id:
            raise root["quiz"].error(f"these answers are for quiz '{quiz_id}', not '{quiz.id}'")
    if root.has("seed"):
        seed = root["seed"].integer(minimum=0)
    known = [question.id for question in quiz.questions]
    answers: list[tuple[str, Any]] = []
    for key, view in root.items():
        if key in ("quiz", "seed"):
            continue
        question = quiz.question(key)
        if question is None:
            close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
            hint = f"did you mean '{close[0]}'?" if close else f"the questions are: {', '.join(known)}"
            raise view.error(f"quiz '{quiz.id}' has no question '{key}' ({hint})")
        if view.value is None or view.value == "":
            continue  # left blank: graded as not attempted
        if isinstance(view.value, (dict, list)) and question.type not in (MULTIPLE, SHAPE) or isinstance(view.value, dict):
            raise view.error(f"'{key}' must be {HOW_TO_ANSWER[question.type]}, not {_kind(view.value)}")
        try:
            answers.append((key, parse_answer(question.type, view.value, len(question.choices))))
        except AnswerFormatError as err:
            raise view.error(f"'{key}': {err}") from None
    return AnswerSheet(doc.path, quiz_id, seed, tuple(answers))


def _kind(value: Any) -> str:
    return "a mapping" if isinstance(value, dict) else "a list"


def answer_key_text(quiz: Quiz, posed: tuple[Posed, ...], seed: int) -> str:
    """A complete answers file for one variant; fed back with --answers it scores full marks."""
    hidden = [item.id for item in posed if item.answer is None]
    if hidden:
        raise DefinitionError(quiz.path, None, f"questions {', '.join(hidden)} store only hashed answers, so this "
                                               "file cannot produce an answer key; use the instructor's copy")
    data: dict[str, Any] = {"quiz": quiz.id, "seed": seed}
    for item in posed:
        data[item.id] = to_yaml(item.question.type, item.answer)
    header = (f"# Answer key for quiz '{quiz.id}' (seed {seed}). Instructor copy: it holds every answer.\n"
              f"# Check it with: grade quiz {quiz.id} --answers THIS-FILE\n")
    return header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
