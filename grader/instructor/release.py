"""`grade release`: build the learner edition: public cases with precomputed outputs, hashed quiz keys, no solutions."""

from __future__ import annotations

import re
import secrets
import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np
import yaml

from .. import PACKAGE_DIR
from ..errors import EXIT_OK, UsageError
from ..grading.references import compute, npz_path
from ..results import write_atomic
from ..spec.catalog import CURRICULUM_FILE, exercise_paths
from ..spec.course import course_root, current_course, exercises_dir
from ..spec.loader import load_exercise
from ..spec.model import INSTRUCTOR_CHECK
from .release_checks import check_outputs, public_checks, released_source

MARKER = ".cnn-grader-release"

PYPROJECT = """[build-system]
requires = ["hatchling>=1.18"]
build-backend = "hatchling.build"

[project]
name = "cnn-grader-learner"
version = "{version}"
description = "Learner edition of cnn-grader: NumPy exercises and quizzes on how convolutional networks treat images."
readme = "README.md"
requires-python = ">=3.10"
dependencies = ["numpy>=1.23", "pytest>=7.4", "pyyaml>=6.0", "jinja2>=3.1"]

[project.scripts]
grade = "grader.cli:main"

[tool.hatch.build.targets.wheel]
packages = ["grader"]

[tool.hatch.build.targets.wheel.force-include]
"exercises" = "grader/_course/exercises"
"quizzes" = "grader/_course/quizzes"
"""

README = """# cnn-grader — learner edition

Write the parts of a convolutional network yourself in NumPy, with a grader that says precisely what went wrong.

    python3 -m venv .venv && . .venv/bin/activate && pip install . && grade exercise-2

`grade list` shows every exercise and quiz; `grade start ID` writes a starter file into `cnn-workspace/`;
`grade ID` grades it; `grade hint ID` gives the next hint (`grade hint ID N` hint N again, `--all` every hint);
`grade quiz QUIZ-ID` asks a quiz.

This copy checks the **public** cases on your machine. The hidden cases (larger and combined inputs) run when
you submit your work, so passing every public case is a good sign, not yet a guarantee.

Exit codes: 0 every case passed, 1 something failed, 2 a usage error, 3 a bug in the grader.
"""


class _Dumper(yaml.SafeDumper):
    """Multi-line text (concepts, starters) stays a readable literal block."""


_Dumper.add_representer(str, lambda dumper, text: dumper.represent_scalar(
    "tag:yaml.org,2002:str", text, style="|" if "\n" in text else None))


def dump(data) -> str:
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


def build_release(out: Path, *, force: bool) -> int:
    """Write the learner edition into `out`; `force` replaces an earlier release there."""
    print(current_course().describe(), flush=True)
    _prepare(out, force)
    exercises = [build_exercise(path, out / "exercises") for path in exercise_paths()]
    curriculum = exercises_dir() / CURRICULUM_FILE
    if curriculum.is_file():  # the learner edition lists the exercises in the same order
        shutil.copyfile(curriculum, out / "exercises" / CURRICULUM_FILE)
    from ..quiz.catalog import quiz_paths
    quizzes = [build_quiz(path, out / "quizzes") for path in quiz_paths()]
    shutil.copytree(PACKAGE_DIR, out / "grader", ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "_course"))
    from .. import __version__ as version
    write_atomic(out / "pyproject.toml", PYPROJECT.format(version=version))
    write_atomic(out / "README.md", README)
    write_atomic(out / MARKER, "built by `grade release`; `grade release --force` may replace this folder\n")
    hidden = sum(exercise.hidden_cases for exercise in exercises)
    print(f"Wrote the learner edition to {out}: {len(exercises)} exercise(s) ({hidden} hidden case(s) left out), "
          f"{len(quizzes)} quiz(zes) with hashed keys, no solutions/.")
    print(f"Try it: python3 -m venv /tmp/venv && /tmp/venv/bin/pip install {out} && /tmp/venv/bin/grade list")
    return EXIT_OK


def _prepare(out: Path, force: bool) -> None:
    from ..reports.files import check_output_dir
    check_output_dir(out, "OUTDIR")
    if (course_root() / "exercises").is_dir() and any(
            load_exercise(path, check_references=False).edition == "learner" for path in exercise_paths()):
        raise UsageError("this is a learner edition already; run `grade release` in the instructor's repository.")
    if out.exists() and any(out.iterdir()):
        if not force:
            raise UsageError(f"{out} exists and is not empty; use --force to replace it.")
        if not (out / MARKER).is_file():
            raise UsageError(f"{out} was not made by `grade release`; refusing to delete it. Choose another folder.")
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)


def build_exercise(path: Path, folder: Path):
    """Write the exercise without hidden cases (or cases needing the references), plus its expected outputs."""
    exercise = load_exercise(path)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data_cases = tuple(case for case in exercise.cases if case.check != INSTRUCTOR_CHECK)
    kept = [raw for raw, case in zip(data["cases"], data_cases) if not case.hidden and case.check == "values"]
    if not kept:
        raise UsageError(f"{path}: no public case could be kept, so the learner edition could not check anything.")
    data["cases"] = kept
    data["edition"] = "learner"
    checks = public_checks(exercise)  # hidden checks are left out, like hidden cases
    data["hidden_cases"] = len(exercise.cases) - len(kept) - len(checks)
    data.pop("checks", None)
    data.pop("points", None)  # the total of the kept cases differs; the loader recomputes it
    # families/ is not shipped: every mistake, the families' too, is listed here in recognition order; its outputs
    # are looked up as mis<index> in the .npz, so the order must be the one the full edition computed them in
    data.pop("families", None)
    if exercise.misconceptions:
        data["misconceptions"] = [_released_mistake(item) for item in exercise.misconceptions]
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / path.name
    header = f"# {exercise.id}, learner edition: public cases only (written by `grade release`).\n"
    arrays = compute(replace(exercise, cases=data_cases))
    if checks:
        data["checks"] = f"{exercise.id}.checks.py"
        hidden = {case.function for case in exercise.cases if case.check == INSTRUCTOR_CHECK and case.hidden}
        write_atomic(folder / data["checks"], released_source(Path(exercise.checks), hidden))
        arrays.update(check_outputs(exercise))
    write_atomic(target, header + dump(data))
    with open(npz_path(target), "wb") as handle:
        np.savez_compressed(handle, **arrays)
    return load_exercise(target)


def _released_mistake(item) -> dict[str, str]:
    released = {"name": item.name, "explanation": item.explanation, "reference": item.reference}
    if item.replaces:
        released["replaces"] = item.replaces
    if item.family:
        released["family"] = item.family
    return released


def build_quiz(path: Path, folder: Path) -> Path:
    """Plaintext keys become salted hashes; questions computed by the references get one fixed, hashed variant."""
    from ..quiz.keys import learner_edition_text
    from ..quiz.model import load_quiz, load_quiz_text
    quiz = load_quiz(path)
    data = yaml.safe_load(learner_edition_text(path))
    for item, question in zip(data["questions"], quiz.questions):
        if _uses_references(item):
            _freeze(item, quiz.id, question)
    text = dump(data)
    load_quiz_text(text, str(path))  # the converted file must load before it is shipped
    target = folder / path.name
    write_atomic(target, text)
    return target


def _uses_references(item: dict) -> bool:
    from ..quiz.expressions import FUNCTIONS
    names = [name for name, function in FUNCTIONS.items() if "_reference" in function.__qualname__]
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, names)) + r")\s*\(")
    return bool(pattern.search(yaml.safe_dump({k: item.get(k) for k in ("answer_expr", "require", "params")})))


def _freeze(item: dict, quiz_id: str, question) -> None:
    """Fix the variant drawn for seed 0: its text filled in, its answer stored only as a salted hash."""
    from ..quiz.keys import answer_hash
    from ..quiz.variants import fill, pose
    posed = pose(quiz_id, question, 0)
    values = dict(posed.values)
    escape = lambda text: text.replace("{", "{{").replace("}", "}}")  # noqa: E731 - filled text is literal now
    item["prompt"] = escape(posed.prompt)
    item["explanation"] = escape(fill(question.explanation, {**values, "answer": "the right answer"}))
    salt = secrets.token_hex(8)
    item["answer_hash"] = answer_hash(salt, question.type, posed.answer)
    item["salt"] = salt
    for key in ("params", "require", "answer_expr", "tolerance", "answer"):
        item.pop(key, None)
