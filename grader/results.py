"""The one result model for graded work (exercises and quizzes), its one JSON serialization, and every result
the grader makes up itself (a missing or unusable file, a lost case, a grader error), built here and nowhere else."""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .reports.gradescope import gradescope_test

if TYPE_CHECKING:
    from .spec.model import Case, Exercise

SCHEMA_VERSION = 1
_UNENCODABLE = re.compile("[\ud800-\udfff]")  # lone surrogates: the only code points no UTF-8 writer can encode


def printable(text: Any) -> str:
    """Text from the worker's side made valid Unicode (lone surrogates become U+FFFD), so every writer can encode it.
    Control characters stay: JSON and HTML escape them, the terminal shows them as escapes (`reports.terminal`)."""
    return _UNENCODABLE.sub("\ufffd", text if isinstance(text, str) else str(text))


def printable_tree(value: Any) -> Any:
    """`printable` applied to every string (keys too) of a JSON-able tree."""
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, dict):
        return {printable_tree(key): printable_tree(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [printable_tree(item) for item in value]
    return value


class Word(str, Enum):
    """A decision read by code, serialized (JSON, f-strings, comparisons with loaded results) as its plain word."""

    __str__ = str.__str__
    __format__ = str.__format__


class Outcome(Word):
    """What happened to one case. Only PASSED earns points; every other outcome is a Gradescope "failed"."""

    PASSED = "passed"
    FAILED = "failed"  # ran and returned a wrong answer (shape, values, type)
    ERROR = "error"  # raised an exception or crashed the worker
    TIMEOUT = "timeout"
    NOT_ATTEMPTED = "not_attempted"  # raised NotImplementedError on every case: the starter is untouched
    NOT_RUN = "not_run"  # the time budget ran out first, the grader stopped early, or the file did not import


class Kind(Word):
    """Why a case did not pass, in one word: reports group by it, the summary and the gradebook decide by it."""

    SHAPE = "shape"
    NAN = "nan"
    VALUES = "values"
    TYPE = "type"
    SPEED = "speed"
    EXCEPTION = "exception"
    NOT_IMPLEMENTED = "not_implemented"
    TIMEOUT = "timeout"
    BUDGET = "budget"  # not run: the exercise's time budget was used up
    STOPPED = "stopped"  # not run: the grader stopped early (timeouts in a row, or a pace that cannot finish)
    CRASH = "crash"
    PROTOCOL = "protocol"  # the worker's reply broke the protocol
    SYNTAX = "syntax"
    IMPORT = "import"
    MISSING = "missing"  # the file defines no entry point of that name
    FILE = "file"  # no usable submission file
    INTERNAL = "internal"  # a grader bug
    MUTATION = "mutation"  # the values were right, but the function changed an input array in place
    UNANSWERED = "unanswered"  # quiz
    ANSWER = "answer"  # quiz: a wrong answer


def _kind(word: str) -> Kind | str:
    """A kind read from a result file: the enum member, or "" for a passed case."""
    return Kind(word) if word else ""


LOAD_FAILURES = (Kind.SYNTAX, Kind.IMPORT, Kind.MISSING, Kind.FILE)  # the file never got as far as a case

_MISTAKE_NOTE = " Likely cause — "


def mistake_note(name: str, explanation: str) -> str:
    """What a case's message ends with when a diagnosis explains the failure."""
    return f"{_MISTAKE_NOTE}{name}: {explanation}"


def without_mistake_note(message: str) -> str:
    """The message without its diagnosis (for writers that give that explanation once per run)."""
    return message.partition(_MISTAKE_NOTE)[0]


@dataclass
class CaseResult:
    """One graded case (or quiz question)."""

    name: str
    max_points: float
    outcome: Outcome
    points: float = 0.0
    visibility: str = "visible"  # "visible" (public: inputs and diffs shown) or "hidden"
    kind: Kind | str = ""  # why it did not pass ("" when it passed)
    message: str = ""  # learner-facing: what was expected, what was found, what to try
    output: str = ""  # what the learner's code printed (already truncated)
    duration: float = 0.0
    details: dict[str, Any] = field(default_factory=dict)  # JSON-safe extras for the reports

    @property
    def passed(self) -> bool:
        return self.outcome == Outcome.PASSED


@dataclass
class GradeResult:
    """Everything a report writer needs; scores are computed here and nowhere else."""

    exercise: str
    title: str
    cases: list[CaseResult]
    kind: str = "exercise"  # or "quiz"
    submission: str = ""
    seed: int | None = None
    sandbox: str = ""
    duration: float = 0.0
    summary: str = ""  # one learner-facing sentence about the whole run (e.g. an import failure)
    notes: list[str] = field(default_factory=list)
    extras: dict[str, Any] = field(default_factory=dict)

    @property
    def score(self) -> float:
        return round(sum(case.points for case in self.cases), 6)

    @property
    def max_score(self) -> float:
        return round(sum(case.max_points for case in self.cases), 6)

    @property
    def all_passed(self) -> bool:
        return bool(self.cases) and all(case.passed for case in self.cases)

    def count(self, outcome: Outcome) -> int:
        return sum(case.outcome == outcome for case in self.cases)

    def to_dict(self) -> dict[str, Any]:
        """Our result.json: each case in Gradescope's shape, plus our own fields."""
        return {
            "schema_version": SCHEMA_VERSION,
            "kind": self.kind,
            "exercise": self.exercise,
            "title": self.title,
            "score": self.score,
            "max_score": self.max_score,
            "execution_time": round(self.duration, 3),
            "output": self.summary,
            "submission": self.submission,
            "seed": self.seed,
            "sandbox": self.sandbox,
            "notes": list(self.notes),
            "extras": self.extras,
            "tests": [
                {
                    **gradescope_test(case),
                    "outcome": case.outcome,
                    "kind": case.kind,
                    "message": case.message,
                    "captured_output": case.output,
                    "duration": round(case.duration, 4),
                    "details": case.details,
                }
                for case in self.cases
            ],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "GradeResult":
        if data.get("schema_version") != SCHEMA_VERSION:
            raise ValueError(f"unsupported result schema_version {data.get('schema_version')!r}")
        cases = [
            CaseResult(name=t["name"], max_points=t["max_score"], outcome=Outcome(t["outcome"]), points=t["score"],
                       visibility=t["visibility"], kind=_kind(t.get("kind", "")), message=t.get("message", ""),
                       output=t.get("captured_output", ""), duration=t.get("duration", 0.0),
                       details=t.get("details", {}))
            for t in data["tests"]
        ]
        return cls(exercise=data["exercise"], title=data["title"], cases=cases, kind=data.get("kind", "exercise"),
                   submission=data.get("submission", ""), seed=data.get("seed"), sandbox=data.get("sandbox", ""),
                   duration=data.get("execution_time", 0.0), summary=data.get("output", ""),
                   notes=list(data.get("notes", [])), extras=data.get("extras", {}))

    def to_json(self) -> str:
        """One line per field and one per case: easy to read and to diff, and each line is written by json's C
        encoder (an indented dump takes its pure-Python one: ~3 ms of a batch's every learner)."""
        lines = []
        for key, value in self.to_dict().items():
            if key == "tests" and value:
                value = "[\n" + ",\n".join(f"    {_json_line(test)}" for test in value) + "\n  ]"
            else:
                value = _json_line(value)
            lines.append(f"  {_json_line(key)}: {value}")
        return "{\n" + ",\n".join(lines) + "\n}"


def _json_line(value: Any) -> str:
    """Compact JSON of `value` with every string made printable (ASCII: text beyond it is escaped; a lone
    surrogate, the only thing `printable` changes, shows as \\udXXX, so only then is the tree walked)."""
    text = json.dumps(value, allow_nan=False)
    return text if "\\ud" not in text else json.dumps(printable_tree(value), allow_nan=False)


# --- the diagnoses of failing cases, read back for the summary and the reports ------------------------------

_DIAGNOSIS_KEYS = ("name", "explanation", "evidence", "source")


def case_diagnosis(case: CaseResult) -> dict[str, str] | None:
    """The failing case's diagnosis, {name, explanation, evidence, source}, or None. A hidden case's evidence is
    already hidden-safe. Results without `details["diagnosis"]` may still name a declared mistake (`misconception`):
    its explanation is read back from the message's note."""
    if case.passed:
        return None
    found = case.details.get("diagnosis")
    if isinstance(found, dict) and isinstance(found.get("name"), str) and found["name"].strip():
        return {key: found[key] if isinstance(found.get(key), str) else "" for key in _DIAGNOSIS_KEYS}
    name = case.details.get("misconception")
    if not isinstance(name, str) or not name.strip():
        return None
    note = case.message[len(without_mistake_note(case.message)):].removeprefix(_MISTAKE_NOTE)
    return {"name": name, "explanation": note.removeprefix(f"{name}: ") if note.startswith(f"{name}:") else "",
            "evidence": "", "source": "declared"}


@dataclass(frozen=True)
class LeadingCause:
    """The diagnosis shared by most of a run's failures: its words come from its first public case (a hidden
    case's only when no public case has it), `cases` are every failing case it explains, in order."""

    name: str
    explanation: str
    evidence: str
    source: str
    cases: tuple[CaseResult, ...]
    failures: int  # how many cases of the run did not pass

    def sentence(self) -> str:
        """E.g. "22 of the 23 failures have one likely cause — kernel flipped: <evidence> <explanation>"."""
        count, failures = len(self.cases), self.failures
        if count == failures:
            who = "The failing case has a" if count == 1 else f"All {count} failures have one"
        else:
            who = f"{count} of the {failures} failures " + ("has a" if count == 1 else "have one")
        said = diagnosis_words(self.evidence, self.explanation)
        return f"{who} likely cause — {self.name}" + (f": {said}" if said else ".")


def leading_cause(result: GradeResult) -> LeadingCause | None:
    """The diagnosis behind at least half of the failures (the first found on a tie), or None."""
    failures = [case for case in result.cases if not case.passed]
    diagnosed = [(case, diagnosis) for case in failures if (diagnosis := case_diagnosis(case))]
    if not diagnosed:
        return None
    name, count = Counter(diagnosis["name"] for _, diagnosis in diagnosed).most_common(1)[0]
    if count * 2 < len(failures):
        return None
    members = [(case, diagnosis) for case, diagnosis in diagnosed if diagnosis["name"] == name]
    words = next((diagnosis for case, diagnosis in members if case.visibility != "hidden"), members[0][1])
    return LeadingCause(name=name, explanation=words["explanation"], evidence=words["evidence"],
                        source=words["source"], cases=tuple(case for case, _ in members), failures=len(failures))


def diagnosis_words(evidence: str, explanation: str) -> str:
    """A diagnosis's evidence, then its explanation, each a sentence."""
    return " ".join(as_sentence(text) for text in (evidence, explanation) if text.strip())


def as_sentence(text: str) -> str:
    """Text starting with a capital (unless it starts with code) and ending with a full stop."""
    text = text.strip()
    if text.split(" ", 1)[0].isalpha():  # a word, not code such as `x.shape[2]`, whose case matters
        text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


# --- results the grader makes up itself: nothing (or not everything) ran, and each says why ---------------

def _made_up(case: Case, outcome: Outcome, kind: Kind, message: str, **details: Any) -> CaseResult:
    return CaseResult(case.name, case.points, outcome, kind=kind, message=message, details=details,
                      visibility="hidden" if case.hidden else "visible")


def unusable_file_cases(exercise: Exercise, problem: str) -> list[CaseResult]:
    """Every case of a submission file that cannot be graded (a link, unreadable, too large): an error, no points."""
    return [_made_up(case, Outcome.ERROR, Kind.FILE, problem) for case in exercise.cases]


def missing_file_result(exercise: Exercise, message: str) -> GradeResult:
    """The result of a submission without a file for the exercise: nothing ran, no points."""
    cases = [_made_up(case, Outcome.NOT_RUN, Kind.FILE, message) for case in exercise.cases]
    return GradeResult(exercise=exercise.id, title=exercise.title, cases=cases, summary=message, seed=exercise.seed)


def lost_case(case: Case) -> CaseResult:
    """A case the pytest session never reported on."""
    return _made_up(case, Outcome.ERROR, Kind.INTERNAL,
                    "The grader could not run this case; this is not your fault. Please tell your instructor.")


def broken_case(case: Case, evidence: str) -> CaseResult:
    """A case whose test broke inside the grader; `evidence` (the traceback) is kept for the instructor."""
    return _made_up(case, Outcome.ERROR, Kind.INTERNAL,
                    "The grader itself failed on this case; this is not your fault. Please tell your instructor.",
                    grader_error=evidence[-2000:])


def grader_error_result(exercise: Exercise, detail: str) -> GradeResult:
    """The result of a run the grader itself failed (an exception, a grading process that died): still a valid,
    zero-score result, retried by the next batch run."""
    message = "The grader failed on this submission; this is not your fault. It will be graded again."
    cases = [_made_up(case, Outcome.ERROR, Kind.INTERNAL, message) for case in exercise.cases]
    return GradeResult(exercise=exercise.id, title=exercise.title, cases=cases, summary=message, seed=exercise.seed,
                       notes=[f"grader error: {detail}"[:500]])


def grader_failed(result: GradeResult) -> bool:
    return any(case.kind == Kind.INTERNAL for case in result.cases)


def no_usable_file(result: GradeResult) -> bool:
    """No usable file for the exercise was found, so nothing ran."""
    return bool(result.cases) and all(case.kind == Kind.FILE for case in result.cases)


def write_atomic(path: str | Path, text: str) -> None:
    """Write via a temporary file and rename, so a reader never sees half a file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.chmod(tmp, 0o644)  # mkstemp makes it private; reports are meant to be read by TAs and web servers
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(printable(text))
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_result(path: str | Path) -> GradeResult:
    return GradeResult.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))

