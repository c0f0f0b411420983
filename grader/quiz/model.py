"""Quiz definitions: frozen data classes, and the loader that validates a quiz YAML file once."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import DefinitionError
from ..spec.yamlsource import Doc, View, load_file, load_text
from .answers import (MULTIPLE, NUMERIC, SHAPE, SINGLE, TEXT, TRUE_FALSE, TYPES, AnswerFormatError, normalise_text,
                      parse as parse_answer)
from .expressions import Expr, ExprError, parse

ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
RESERVED_IDS = ("quiz", "seed")  # top-level keys of an answers file
PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([^{}]*)\}")
NAME_PATTERN = re.compile(r"[a-z_][a-z0-9_]{0,31}")
COMPUTABLE = (NUMERIC, SHAPE)
QUESTION_KEYS = ("type", "prompt", "points", "explanation", "choices", "answer", "answer_expr", "answer_hash",
                 "salt", "tolerance", "params", "require", "title")
NUMBERED_ID = re.compile(r"^q\d+(?:[-_]|$)")  # the "q2-" of "q2-products-summed": the number is shown apart


@dataclass(frozen=True)
class QuestionParameter:
    """A question parameter: fixed, drawn from an inclusive integer range or a list, or derived by an expression."""

    name: str
    kind: str  # "fixed", "range", "choices" or "expr"
    values: tuple = ()  # fixed: (value,); range: (low, high, step); choices: the options
    expr: Expr | None = None
    line: int | None = None


@dataclass(frozen=True)
class Question:
    id: str
    type: str
    prompt: str
    explanation: str
    points: float
    path: str
    line: int | None
    choices: tuple[str, ...] = ()
    answer: Any = None  # plaintext key, typed; for text a tuple of accepted answers
    answer_expr: Expr | None = None
    answer_line: int | None = None
    answer_hash: tuple[str, ...] = ()
    salt: str = ""
    abs_tol: float = 0.0
    rel_tol: float = 1e-9
    params: tuple[QuestionParameter, ...] = ()
    requires: tuple[Expr, ...] = ()
    title: str = ""  # a short heading for reports; read from the id when not given

    @property
    def heading(self) -> str:
        """A readable title: the `title` key, else the id without its "q2-" and with spaces: "Products summed"."""
        if self.title:
            return self.title
        words = NUMBERED_ID.sub("", self.id, count=1).replace("-", " ").replace("_", " ").strip()
        return words[:1].upper() + words[1:]

    @property
    def is_variant(self) -> bool:
        return any(param.kind in ("range", "choices") for param in self.params)

    @property
    def is_hashed(self) -> bool:
        return bool(self.answer_hash)


@dataclass(frozen=True)
class Quiz:
    id: str
    title: str
    description: str
    questions: tuple[Question, ...]
    path: str

    @property
    def max_score(self) -> float:
        return sum(question.points for question in self.questions)

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)


def load_quiz(path: str | Path, shown_as: str | None = None) -> Quiz:
    return quiz_from_doc(load_file(path, shown_as))


def load_quiz_text(text: str | bytes, name: str = "<quiz>") -> Quiz:
    return quiz_from_doc(load_text(text, name))


def quiz_from_doc(doc: Doc) -> Quiz:
    root = doc.root().mapping(required=("id", "title", "questions"), optional=("description",))
    quiz_id = _identifier(root["id"], "quiz id")
    questions: list[Question] = []
    seen: dict[str, int | None] = {}
    for item in root["questions"].list(min_items=1):
        question = _question(item)
        if question.id in seen:
            raise item["id"].error(f"question id '{question.id}' is used twice (first on line {seen[question.id]})")
        seen[question.id] = item["id"].line
        questions.append(question)
    description = root["description"].text() if root.has("description") else ""
    return Quiz(quiz_id, root["title"].text().strip(), description.strip(), tuple(questions), doc.path)


def _identifier(view: View, what: str) -> str:
    value = view.text()
    if not ID_PATTERN.fullmatch(value):
        raise view.error(f"{what} '{value}' must be lowercase letters, digits, '-' or '_' (at most 64)")
    return value


def _question(view: View) -> Question:
    view.mapping(required=("id", "type", "prompt", "explanation"), optional=QUESTION_KEYS)
    qid = _identifier(view["id"], "question id")
    if qid in RESERVED_IDS:
        raise view["id"].error(f"'{qid}' is reserved in answers files; choose another question id")
    qtype = view["type"].choice(TYPES)
    points = view["points"].number(positive=True) if view.has("points") else 1.0
    fields: dict[str, Any] = {"id": qid, "type": qtype, "points": points, "path": view.doc.path,
                              "line": view.line, "prompt": view["prompt"].text().strip(),
                              "explanation": view["explanation"].text().strip()}
    if view.has("title"):
        fields["title"] = " ".join(view["title"].text().split())
    _only_for(view, "choices", (SINGLE, MULTIPLE), qtype, required=True)
    _only_for(view, "tolerance", (NUMERIC,), qtype)
    _only_for(view, "answer_expr", COMPUTABLE, qtype)
    if view.has("choices"):
        fields["choices"] = tuple(item.text().strip() for item in view["choices"].list(min_items=2))
    params = _params(view)
    known = {param.name for param in params}
    fields["params"] = params
    fields["requires"] = tuple(_expr(item, known) for item in view["require"].list()) if view.has("require") else ()
    _check_placeholders(view["prompt"], known)
    _check_placeholders(view["explanation"], known | {"answer"})
    fields.update(_key(view, qtype, fields.get("choices", ()), known))
    if view.has("tolerance"):
        if fields.get("answer_hash"):
            raise view["tolerance"].error("a hashed numeric answer is checked exactly; remove 'tolerance'")
        tol = view["tolerance"].mapping(optional=("abs", "rel"))
        fields["abs_tol"] = tol["abs"].number(minimum=0) if tol.has("abs") else 0.0
        fields["rel_tol"] = tol["rel"].number(minimum=0) if tol.has("rel") else 1e-9
    return Question(**fields)


def _only_for(view: View, key: str, types: tuple, qtype: str, required: bool = False) -> None:
    if view.has(key) and qtype not in types:
        raise view[key].error(f"'{key}' is only for questions of type {' or '.join(types)}, not {qtype}")
    if required and qtype in types and not view.has(key):
        raise view.error(f"question '{view['id'].value}' of type {qtype} needs 'choices'")


def _key(view: View, qtype: str, choices: tuple, known: set) -> dict[str, Any]:
    given = [key for key in ("answer", "answer_expr", "answer_hash") if view.has(key)]
    if len(given) != 1:
        found = " and ".join(given) if given else "none of them"
        raise view.error(f"question '{view['id'].value}' needs exactly one of answer, answer_expr or "
                         f"answer_hash (found {found})")
    if view.has("salt") != view.has("answer_hash"):
        raise view.error("'answer_hash' and 'salt' go together: give both or neither")
    if view.has("answer_expr"):
        return {"answer_expr": _expr(view["answer_expr"], known), "answer_line": view["answer_expr"].line}
    if view.has("answer_hash"):
        hashes = view["answer_hash"]
        items = hashes.list(min_items=1) if isinstance(hashes.value, list) else [hashes]
        for item in items:
            if not re.fullmatch(r"[0-9a-f]{64}", item.text()):
                raise item.error(f"'{item.where}' must be a sha256 hex digest (64 characters 0-9, a-f)")
        return {"answer_hash": tuple(item.value for item in items), "salt": view["salt"].text()}
    return {"answer": _plain_key(view["answer"], qtype, choices), "answer_line": view["answer"].line}


def _plain_key(view: View, qtype: str, choices: tuple) -> Any:
    if qtype == TEXT:
        items = view.list(min_items=1) if isinstance(view.value, list) else [view]
        accepted = tuple(item.text().strip() for item in items)
        for item, text in zip(items, accepted):
            if not normalise_text(text):
                raise item.error(f"'{item.where}' has no letters or digits, so no answer could match it")
        return accepted
    if qtype == SINGLE and not isinstance(view.value, int) or qtype == TRUE_FALSE and not isinstance(view.value, bool):
        raise view.fail("a choice number" if qtype == SINGLE else "true or false")
    try:
        value = parse_answer(qtype, view.value, len(choices))
    except AnswerFormatError as err:
        raise view.error(f"'{view.where}': {err}") from None
    if qtype == MULTIPLE and not value:
        raise view.error("a multiple-select question needs at least one right choice")
    return value


def _params(view: View) -> tuple[QuestionParameter, ...]:
    if not view.has("params"):
        return ()
    params: list[QuestionParameter] = []
    for name, spec in view["params"].items():
        if not NAME_PATTERN.fullmatch(name) or name in ("answer",):
            raise spec.error(f"parameter name '{name}' must be lowercase letters, digits or '_' (and not 'answer')")
        params.append(_param(name, spec, {p.name for p in params}))
    return tuple(params)


def _param(name: str, spec: View, known: set) -> QuestionParameter:
    if isinstance(spec.value, (int, float)) and not isinstance(spec.value, bool):
        value = spec.number() if isinstance(spec.value, float) else spec.integer()
        return QuestionParameter(name, "fixed", (value,), line=spec.line)
    spec.mapping(optional=("range", "step", "choices", "expr"))
    kinds = [key for key in ("range", "choices", "expr") if spec.has(key)]
    if len(kinds) != 1 or (spec.has("step") and kinds != ["range"]):
        raise spec.error(f"parameter '{name}' needs exactly one of range (with optional step), choices or expr")
    if spec.has("expr"):
        return QuestionParameter(name, "expr", expr=_expr(spec["expr"], known), line=spec.line)
    if spec.has("choices"):
        options = tuple(item.integer() if isinstance(item.value, int) else item.number()
                        for item in spec["choices"].list(min_items=1))
        return QuestionParameter(name, "choices", options, line=spec.line)
    bounds = spec["range"].list(min_items=2)
    if len(bounds) != 2:
        raise spec["range"].error(f"'{spec['range'].where}' must be [low, high]")
    low, high = bounds[0].integer(), bounds[1].integer()
    step = spec["step"].integer(minimum=1) if spec.has("step") else 1
    if high < low:
        raise spec["range"].error(f"'{spec['range'].where}' is empty: {high} is below {low}")
    return QuestionParameter(name, "range", (low, high, step), line=spec.line)


def _expr(view: View, known: set) -> Expr:
    try:
        return parse(view.text(), frozenset(known))
    except ExprError as err:
        raise view.error(f"'{view.where}': {err}") from None


def _check_placeholders(view: View, known: set) -> None:
    for match in PLACEHOLDER.finditer(view.value):
        name = match.group(1)
        if name is not None and name.strip() not in known:
            names = ", ".join(sorted(known)) or "none"
            raise view.error(f"'{view.where}' uses {{{name}}}, which is not a parameter (parameters: {names})")
