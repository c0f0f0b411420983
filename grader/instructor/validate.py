"""`grade validate`: check exercise and quiz definitions with the real grader before a release."""

from __future__ import annotations

import importlib
import shutil
import tempfile
import time
from pathlib import Path

from ..errors import EXIT_OK, EXIT_USAGE, GraderError
from ..results import Outcome
from ..spec.model import INSTRUCTOR_CHECK
from ..spec.catalog import CURRICULUM_FILE

QUIZ_SEEDS = (0, 1, 2, 7, 123)

# A submission that runs a function of solutions/, graded like any learner file: the reference, or a misconception.
# The solutions package is copied beside it, so the worker (which may not see the course: confined, strict, or a
# checkout in a private folder) loads the package from its own work folder, under a private name.
_STANDIN = '''import importlib, importlib.util, os, sys
_folder = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("_cnn_validate", os.path.join(_folder, "__init__.py"),
                                               submodule_search_locations=[_folder])
_package = importlib.util.module_from_spec(_spec)
sys.modules["_cnn_validate"] = _package
_spec.loader.exec_module(_package)
{name} = getattr(importlib.import_module("_cnn_validate" + {rest!r}), {attr!r})
'''

# A mistake that swaps a building block: the reference, run with the block swapped for the variant (grading/swap.py,
# pasted in front, does the swapping inside the worker just as the grader does it).
_SWAPPED = '''
def _function(dotted):
    module_name, _, attr = dotted.rpartition(".")
    return getattr(importlib.import_module("_cnn_validate" + module_name[len(module_name.split(".")[0]):]), attr)


{name} = swapped("_cnn_validate", _function({reference!r}), _function({block!r}), _function({variant!r}))
'''


def _solutions_folder(dotted: str) -> Path:
    from ..spec.course import use_course_solutions
    use_course_solutions()
    return Path(importlib.import_module(dotted.split(".")[0]).__file__).resolve().parent


def standin_source(dotted: str, entry_name: str) -> str:
    module_name, _, attr = dotted.rpartition(".")
    return _STANDIN.format(name=entry_name, rest=module_name[len(module_name.split(".")[0]):], attr=attr)


def mistake_source(exercise, item) -> str:
    """A stand-in submission that makes the known mistake `item`: its variant, or the reference with a block swapped."""
    if not item.replaces:
        return standin_source(item.reference, exercise.entry.name)
    swap = Path(__file__).resolve().parents[1] / "grading" / "swap.py"
    loader = standin_source(exercise.reference, "_reference")  # loads the package under its private name
    return swap.read_text(encoding="utf-8") + "\n\n" + loader + _SWAPPED.format(
        name=exercise.entry.name, reference=exercise.reference, block=item.replaces, variant=item.reference)


def _grade_source(exercise, source: str, label: str, dotted: str | None = None):
    from ..grading.runner import grade
    shown = _origin(dotted) if dotted else f"the {label}"  # messages say "write your code in <this>"
    with tempfile.TemporaryDirectory(prefix="grade-validate-") as folder:
        if dotted:  # the package's modules become the submission's siblings, which the worker gets a copy of
            for module in _solutions_folder(dotted).glob("*.py"):
                shutil.copyfile(module, Path(folder) / module.name)
        path = Path(folder) / f"{exercise.entry.name}_{label}.py"
        path.write_text(source, encoding="utf-8")
        return grade(exercise, path, shown_as=shown)


def _origin(dotted: str) -> str:
    import importlib.util
    try:
        spec = importlib.util.find_spec(dotted.rpartition(".")[0])
    except ImportError:
        spec = None
    return str(spec.origin) if spec and spec.origin else dotted


def check_exercise(path: Path, notes: list[str] | None = None) -> list[str]:
    """Problems with one exercise: loading, reference passes, starter fails, each misconception is caught. `notes`
    collects which instructor checks catch which known mistakes."""
    from ..grading.check_module import load_checks
    from ..spec.loader import load_exercise
    try:
        exercise = load_exercise(path)
        load_checks(exercise)  # a checks module that does not import names its file and line
    except GraderError as err:
        return [err.message]
    if exercise.edition == "learner":
        return []  # a learner edition has no references to run; its outputs were checked at release
    catches: dict[str, list[str]] = {case.name: [] for case in exercise.cases if case.check == INSTRUCTOR_CHECK}
    where = f"{path}:1"
    problems = []
    result = _grade_source(exercise, standin_source(exercise.reference, exercise.entry.name), "reference",
                           exercise.reference)
    for case in result.cases:
        if not case.passed:
            advice = case.message.replace("grade again", "validate again")  # the grader's words are for learners
            problems.append(f"{where}: the reference {exercise.reference} fails case '{case.name}': {advice}")
    starter = _grade_source(exercise, exercise.starter, "starter")
    if starter.count(Outcome.PASSED):
        names = ", ".join(case.name for case in starter.cases if case.passed)
        problems.append(f"{where}: the untouched starter already passes case(s) {names}; learners would get points "
                        "for nothing. Make the starter raise NotImplementedError.")
    for item in exercise.misconceptions:
        if item.family and not differs_somewhere(exercise, item):
            continue  # a family mistake this exercise cannot make (no bias, stride 1, ...): never named here
        problems.extend(_check_misconception(exercise, item, where, catches))
    if notes is not None:
        notes.extend(f"check '{name}' catches " + (", ".join(f"'{mistake}'" for mistake in mistakes) or
                                                   "none of the known mistakes") for name, mistakes in catches.items())
    return problems


def differs_somewhere(exercise, item) -> bool:
    """Whether the mistake's output differs from the reference's on some case (computed here, not in a worker)."""
    import numpy as np
    from ..grading.compare import matches
    from ..grading.inputs import build_args, call_parts
    from ..grading.references import reference_function
    reference, variant = reference_function(exercise), reference_function(exercise, item)
    for case in exercise.cases:
        if case.check in ("speed", INSTRUCTOR_CHECK):
            continue
        positional, keyword = call_parts(exercise, build_args(exercise, case, None))
        try:
            wrong = variant(*positional, **keyword)
        except Exception:  # the mistake cannot be made on this input; recognition skips it here too
            continue
        right = reference(*positional, **keyword)
        tuple_output = exercise.entry.returns == "tuple"
        wrong_parts, right_parts = (list(wrong), list(right)) if tuple_output else ([wrong], [right])
        if len(wrong_parts) != len(right_parts) or not all(
                matches(np.asarray(r), np.asarray(w), case.tolerance or exercise.tolerance)
                for r, w in zip(right_parts, wrong_parts)):
            return True
    return False


def _check_misconception(exercise, item, where: str, catches: dict[str, list[str]]) -> list[str]:
    result = _grade_source(exercise, mistake_source(exercise, item), "misconception", item.reference)
    failed = [case for case in result.cases if not case.passed]
    for case in failed:
        if case.name in catches:
            catches[case.name].append(item.name)
    shown = f"{item.reference} in place of {item.replaces}" if item.replaces else item.reference
    if item.family:
        where = f"{where} (family {item.family})"
    if not failed:
        return [f"{where}: misconception '{item.name}' ({shown}) passes every case; add a case it fails."]
    named = {case.details.get("misconception") for case in failed}
    if item.name not in named:
        others = ", ".join(sorted(n for n in named if n)) or "nothing"
        return [f"{where}: misconception '{item.name}' fails {len(failed)} case(s) but is never recognised "
                f"(they were attributed to: {others}). Order the misconceptions or add a case that tells them apart."]
    return []


def check_quiz(path: Path) -> list[str]:
    """The quiz loads, its keys compute for several seeds, and its answer key scores full marks."""
    from ..quiz.answerfile import answer_key_text, load_answers_text
    from ..quiz.grading import grade_quiz
    from ..quiz.model import load_quiz
    from ..quiz.variants import pose_quiz
    try:
        quiz = load_quiz(path)
        if quiz.id != path.stem:
            return [f"{path}:1: quiz id '{quiz.id}' must match the file name '{path.name}'"]
        for seed in QUIZ_SEEDS:
            posed = pose_quiz(quiz, seed)
            if any(item.answer is None for item in posed):
                return []  # hashed keys (a learner edition): nothing more can be computed here
            sheet = load_answers_text(answer_key_text(quiz, posed, seed), quiz, f"answer key of {path}")
            result = grade_quiz(quiz, posed, dict(sheet.answers), seed)
            if not result.all_passed:
                wrong = ", ".join(case.name for case in result.cases if not case.passed)
                return [f"{path}:1: the answer key for seed {seed} does not score full marks (lost: {wrong})"]
    except GraderError as err:
        return [err.message]
    return []


def _kind(path: Path) -> str:
    if path.parent.name == "quizzes":
        return "quiz"
    if path.parent.name == "exercises":
        return "exercise"
    head = path.read_text(encoding="utf-8", errors="replace")
    return "quiz" if "\nquestions:" in f"\n{head}" else "exercise"


def _expand(paths: list[Path]) -> list[Path]:
    """A folder given on the command line stands for the .yaml files in it; a bare id that is no file
    (`exercise-9`, `convolution`) for the course's definition of that id."""
    expanded = []
    for path in paths:
        inside = sorted(item for item in path.glob("*.yaml") if item.name != CURRICULUM_FILE) if path.is_dir() else []
        expanded.extend(inside or [_by_id(path)])
    return expanded


def _by_id(path: Path) -> Path:
    if path.exists() or len(path.parts) != 1 or path.suffix:
        return path
    from ..quiz.catalog import quiz_paths
    from ..spec.catalog import exercise_paths
    return next((known for known in [*exercise_paths(), *quiz_paths()] if known.stem == path.name), path)


def validate_definitions(paths: list[Path]) -> int:
    """Check the definition files at `paths` (folders stand for their .yaml files; none: the whole course).
    Exit code 2 when any has a problem."""
    from ..spec.course import current_course
    from ..spec.catalog import exercise_paths
    from ..quiz.catalog import quiz_paths
    print(current_course().describe(), flush=True)
    files = _expand(paths) or [*exercise_paths(), *quiz_paths()]
    if not files:
        print("Nothing to validate: no exercises or quizzes were found.")
        return EXIT_OK
    print(f"Checking {len(files)} definition(s) with the real grader, one line each as it finishes:", flush=True)
    problems: list[str] = []
    ids: dict[str, Path] = {}
    for path in files:
        started = time.monotonic()
        notes: list[str] = []
        found = _check(path, ids, notes)
        print(f"{'ok  ' if not found else 'FAIL'} {path}  ({time.monotonic() - started:.1f} s)", flush=True)
        for note in notes:
            print(f"     {note}")
        problems.extend(found)
    for problem in problems:
        print(f"  {problem}")
    print(f"{len(files)} definition(s) checked: " + ("all good." if not problems else f"{len(problems)} problem(s)."))
    return EXIT_USAGE if problems else EXIT_OK


def _check(path: Path, ids: dict[str, Path], notes: list[str]) -> list[str]:
    """The problems of one definition file; `ids` collects the ids seen so far (they must be unique)."""
    if not path.is_file():
        if path.exists():
            return [f"{path}: no .yaml files in this folder"]
        bare = len(path.parts) == 1 and not path.suffix
        return [f"{path}: no such file" + (", and no exercise or quiz of the course has this id" if bare else "")]
    found = check_quiz(path) if _kind(path) == "quiz" else check_exercise(path, notes)
    if path.stem in ids:  # progress and reports are keyed by id, across exercises and quizzes
        found.append(f"{path}:1: id '{path.stem}' is also used by {ids[path.stem]}")
    ids[path.stem] = path
    return found
