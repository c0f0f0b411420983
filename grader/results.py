"""The one result model for graded work (exercises and quizzes) and its one JSON serialization."""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

SCHEMA_VERSION = 1


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
    UNANSWERED = "unanswered"  # quiz
    ANSWER = "answer"  # quiz: a wrong answer


def _kind(word: str) -> Kind | str:
    """A kind read from a result file: the enum member, or "" for a passed case."""
    return Kind(word) if word else ""


LOAD_FAILURES = (Kind.SYNTAX, Kind.IMPORT, Kind.MISSING, Kind.FILE)  # the file never got as far as a case

# Temporary aliases while the package moves to the enums (issue 12); removed once no module uses them.
PASSED, FAILED, ERROR, TIMEOUT = Outcome.PASSED, Outcome.FAILED, Outcome.ERROR, Outcome.TIMEOUT
NOT_ATTEMPTED, NOT_RUN = Outcome.NOT_ATTEMPTED, Outcome.NOT_RUN
OUTCOMES = tuple(Outcome)
_MISTAKE_NOTE = " This looks like a known mistake — "


def mistake_note(name: str, explanation: str) -> str:
    """What a case's message ends with when a declared misconception explains the failure."""
    return f"{_MISTAKE_NOTE}{name}: {explanation}"


def without_mistake_note(message: str) -> str:
    """The message without its known-mistake explanation (for writers that give that explanation once per run)."""
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
        """Gradescope's results.json shape, plus our own fields."""
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
                    "name": case.name,
                    "score": case.points,
                    "max_score": case.max_points,
                    "status": "passed" if case.passed else "failed",
                    "output": _gradescope_output(case),
                    "visibility": case.visibility,
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
        return json.dumps(self.to_dict(), indent=2, allow_nan=False)


def _gradescope_output(case: CaseResult) -> str:
    parts = [case.message] if case.message else []
    if case.output:
        parts.append("Your code printed:\n" + case.output)
    return "\n\n".join(parts)


def write_atomic(path: str | Path, text: str) -> None:
    """Write via a temporary file and rename, so a reader never sees half a file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.chmod(tmp, 0o644)  # mkstemp makes it private; reports are meant to be read by TAs and web servers
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_result(path: str | Path) -> GradeResult:
    return GradeResult.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))

