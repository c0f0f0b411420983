"""Finding the learners in a submissions folder (a .py file or a folder each) and what identifies their work."""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from ..errors import UsageError
from ..gradescope import find_submission_file
from ..spec.model import Exercise


SUBMISSION_SUFFIXES = (".py", ".ipynb")


@dataclass(frozen=True)
class Learner:
    id: str
    file: Path | None  # None: the folder holds no file for this exercise (a .py file or a notebook)
    fingerprint: str  # exercise definition + seed + submission bytes; a change means grade again
    lone: bool = False  # a single .py or .ipynb file beside other learners' files (graded from a private copy)
    source: Path | None = None  # the learner's entry in SUBMISSIONS, to say why no file was found


def discover(submissions: Path, exercise: Exercise, seed: int | None, sandbox: str = "standard") -> list[Learner]:
    if not submissions.is_dir():
        raise UsageError(f"{submissions} is not a folder: give a folder with one .py file, notebook or folder per "
                         "learner.")
    base = Path(exercise.path).read_bytes() + f"\0{seed}\0".encode()
    if sandbox != "standard":  # a result graded in another sandbox does not count as done (standard keeps old marks)
        base += f"{sandbox}\0".encode()
    learners: dict[str, Learner] = {}
    for entry in sorted(submissions.iterdir()):
        if entry.name.startswith((".", "_")) or not (entry.is_dir() or entry.suffix in SUBMISSION_SUFFIXES):
            continue
        if entry.is_dir():  # its exercise_2.py, else exercise_2.ipynb, else its only .py file or notebook
            learner_id, file = safe_id(entry.name), find_submission_file(entry, exercise.id)
        else:  # a .py file or a notebook, or a link to nothing (recorded as an error, with the reason)
            learner_id, file = safe_id(entry.stem), entry if entry.is_file() else None
        if learner_id in learners:
            both = [safe_id(path.name) + ("/" * path.is_dir()) for path in (learners[learner_id].source, entry)]
            raise UsageError(f"learner '{learner_id}' appears twice in {submissions} ({both[0]} and {both[1]}); "
                             "keep one.")
        learners[learner_id] = Learner(learner_id, file, _fingerprint(base, file), not entry.is_dir(), entry)
    if not any(learner.file is not None for learner in learners.values()):
        raise UsageError(nothing_to_grade(submissions, exercise))
    return list(learners.values())


def nothing_to_grade(submissions: Path, exercise: Exercise) -> str:
    """Why SUBMISSIONS holds no gradable file, listing what it does hold."""
    stem = exercise.id.replace("-", "_")
    expected = f"{stem}.py"
    entries = sorted(submissions.iterdir())
    folders = [safe_id(entry.name) + "/" for entry in entries
               if entry.is_dir() and not entry.name.startswith((".", "_"))]
    others = [safe_id(entry.name) + ("/" if entry.is_dir() else "") for entry in entries]
    others = [name for name in others if name not in folders]
    if not entries:
        found = "is empty"
    else:
        parts = []
        if folders:
            parts.append(f"{_count(folders, 'learner folder')} ({short_list(folders)}), none with {expected} or a "
                         "single .py file or notebook")
        if others:
            what = ("other entry", "other entries") if folders else ("entry", "entries")
            hidden = any(name.startswith((".", "_")) for name in others)
            skipped = " (names starting with . or _ are skipped)" if hidden else ""
            parts.append(f"{_count(others, *what)} ({short_list(others)}), none a readable learner .py file or "
                         f"notebook{skipped}")
        found = "holds " + "; and ".join(parts)
    return (f"{submissions} {found}: there is nothing to grade for {exercise.id}. Give a folder with one entry per "
            f"learner: alice.py, alice.ipynb, or alice/{expected} (or alice/{stem}.ipynb).")


def safe_id(name: str) -> str:
    """A learner id (a file or folder name) as plain printable text: control, format and line-breaking characters
    and undecodable bytes become visible escapes such as `\\x1b`, as in the terminal summary (newlines and tabs too),
    so an id cannot repaint the terminal, forge a line of the progress, or break a file name or the gradebook."""
    return "".join(ascii(ch)[1:-1] if unicodedata.category(ch) in _UNSAFE else ch for ch in name)


_UNSAFE = ("Cc", "Cf", "Cs", "Zl", "Zp")  # control, format, lone surrogates (undecodable bytes), line/paragraph breaks


def _count(items: list, one: str, many: str = "") -> str:
    return f"1 {one}" if len(items) == 1 else f"{len(items)} {many or one + 's'}"


def short_list(items: list[str], limit: int = 5) -> str:
    return ", ".join(items[:limit]) + (f", ... ({len(items) - limit} more)" if len(items) > limit else "")


def _fingerprint(base: bytes, file: Path | None) -> str:
    digest = hashlib.sha256(base)
    if file is not None:
        with open(file, "rb") as handle:  # in chunks: a huge file is refused later, not loaded here
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
    return digest.hexdigest()
