"""The diagnosis corpus: realistic learner files, each saying on its first lines what it is and which diagnosis it
must get. Shared by tests/grading/diagnosis/test_corpus.py and benchmarks/diagnosis_corpus.py."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
MISTAKES = HERE / "mistakes"
CORRECT = HERE / "correct"

_NAME = re.compile(r"^e([1-9])_[a-z0-9_]+\.py$")
_MISTAKE = re.compile(r"^# mistake: (\S.*)$")
_EXPECT = re.compile(r"^# expect: ([A-Za-z0-9_ ,'()/+*=.-]+)$")  # lowercase, but names such as None keep their case
_CORRECT = re.compile(r"^# correct: (\S.*)$")

# Mistakes whose failing cases legitimately get different diagnoses (the mistake shows differently on different
# inputs), so the expected cause only has to be named on one failing case, not be the most common one.
ANY_FAILING_CASE = {
    "e1_einsum_transposed.py": "square kernels give transposed values, non-square ones an einsum shape error",
    "e5_flatten_all.py": "a batch of one gives scores of shape (K,), larger batches a matmul shape error",
    "e5_relu_mutates_input.py": "the input changes, and the scores differ wherever the input had negative values",
}

# Mistakes the engine does not name yet (measured: benchmarks/diagnosis_corpus.py). Each is a strict xfail, so a
# file that starts to get its cause fails the test until it leaves this list.
NOT_YET_DIAGNOSED = {
    "e1_square_assumed.py": "crashes or gives a cut-off output; no analysis knows the square-image assumption",
    "e4_range_negative.py": "a negative start_dim mishandled raises a reshape error named only as such",
    "e4_squeeze.py": "with a batch of one, squeezing looks exactly like flattening the batch too",
    "e5_flatten_all.py": "the matmul error names the mismatch, not the flatten that caused it",
    "e5_leaky_relu.py": "a leaky ReLU is no declared mistake",
    "e5_pool_forgotten.py": "the matmul error names the mismatch, not the missing pooling",
    "e5_relu_twice.py": "a second ReLU after the linear layer is no declared mistake",
    "e7_stride_none_is_one.py": "the stride-1 windows run past dout and raise IndexError, named only as such",
    "e7_unravel_swapped.py": "the swapped unravel raises IndexError, named only as such",
}


@dataclass(frozen=True)
class Entry:
    path: Path
    exercise: str  # "exercise-2"
    what: str  # the first line's description
    expect: str | None  # the cause a mistake must get; None for correct files

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def correct(self) -> bool:
        return self.expect is None


def read_entry(path: Path) -> Entry:
    """The file's header as an Entry; ValueError says what is wrong with a malformed header."""
    match = _NAME.match(path.name)
    if not match:
        raise ValueError(f"{path.name}: the name must be e<N>_<short_name>.py")
    lines = path.read_text(encoding="utf-8").splitlines() + ["", ""]
    exercise = f"exercise-{match.group(1)}"
    if path.parent.name == "correct":
        said = _CORRECT.match(lines[0])
        if not said:
            raise ValueError(f"{path.name}: line 1 must be '# correct: <technique>'")
        return Entry(path, exercise, said.group(1), None)
    said, expect = _MISTAKE.match(lines[0]), _EXPECT.match(lines[1])
    if not said or not expect:
        raise ValueError(f"{path.name}: lines 1-2 must be '# mistake: <what>' and '# expect: <cause>'")
    return Entry(path, exercise, said.group(1), expect.group(1).strip())


def entries() -> list[Entry]:
    return [read_entry(path) for folder in (MISTAKES, CORRECT) for path in sorted(folder.glob("e*.py"))]


def failing_diagnoses(result) -> list[str | None]:
    """The diagnosis name of every failing case of a GradeResult, None where a failing case has none."""
    names = []
    for case in result.cases:
        if not case.passed:
            diagnosis = case.details.get("diagnosis") or {}
            names.append(diagnosis.get("name"))
    return names


def names_expected_cause(entry: Entry, names: list[str | None]) -> bool:
    """Whether the failing cases' diagnosis names (one per failing case) name the entry's expected cause.

    The rule: among the failing cases that got a diagnosis, the expected cause is the most common name (a tie for
    first place counts), compared case-insensitively; for the files in ANY_FAILING_CASE, one failing case naming
    it is enough."""
    wanted = entry.expect.lower()
    counts = Counter(name.strip().lower() for name in names if name)
    if not counts:
        return False
    if entry.name in ANY_FAILING_CASE:
        return wanted in counts
    return counts[wanted] == max(counts.values())
