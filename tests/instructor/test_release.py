"""`grade release`: the learner edition holds no solutions, no hidden cases, no plaintext quiz keys, and works alone."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import REPO, reference_source


@pytest.fixture(scope="module")
def edition(tmp_path_factory) -> Path:
    from grader.cli import main
    out = tmp_path_factory.mktemp("release") / "learner"
    assert main(["release", str(out)]) == 0
    return out


def run_grade(edition: Path, *args, cwd: Path, python=sys.executable, env_path=True):
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "CNN_GRADER_COURSE")}
    env["CNN_GRADER_WORKSPACE"] = str(cwd / "ws")
    if env_path:
        env["PYTHONPATH"] = str(edition)
    command = [python, "-m", "grader", *map(str, args)]
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def test_the_edition_holds_no_solutions_hidden_cases_or_plaintext_keys(edition):
    from grader.spec.catalog import CURRICULUM_FILE, exercise_paths
    from grader.spec.course import exercises_dir
    from grader.spec.loader import load_exercise
    assert not (edition / "solutions").exists()
    assert (edition / "pyproject.toml").is_file() and (edition / "README.md").is_file()
    originals = {path.name: load_exercise(path) for path in exercise_paths()}
    released = sorted(path for path in (edition / "exercises").glob("*.yaml") if path.name != CURRICULUM_FILE)
    assert [path.name for path in released] == sorted(originals)
    # the learner edition lists the exercises in the course's order
    assert (edition / "exercises" / CURRICULUM_FILE).read_bytes() == (exercises_dir() / CURRICULUM_FILE).read_bytes()
    for path in released:
        exercise, original = load_exercise(path, check_references=False), originals[path.name]
        public = [case.name for case in original.cases if not case.hidden and case.check in ("values", "instructor")]
        assert [case.name for case in exercise.cases] == public
        assert exercise.edition == "learner" and exercise.hidden_cases == len(original.cases) - len(public)
        assert path.with_suffix(".expected.npz").is_file()
        # families/ is not shipped: their mistakes are listed in the file, in the order their outputs were stored
        assert "families" not in yaml.safe_load(path.read_text())
        assert exercise.misconceptions == original.misconceptions
    for path in (edition / "quizzes").glob("*.yaml"):
        for question in yaml.safe_load(path.read_text())["questions"]:
            assert "answer" not in question, f"{path.name}: {question['id']} keeps a plaintext key"
            assert "answer_hash" in question or "conv2d(" not in question.get("answer_expr", "")


def test_release_never_overwrites_by_accident(edition, tmp_path, run_cli):
    code, _, err = run_cli("release", edition)
    assert code == 2 and "--force" in err
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "thesis.tex").write_text("years of work")
    code, _, err = run_cli("release", precious, "--force")
    assert code == 2 and "refusing to delete" in err and (precious / "thesis.tex").exists()


def test_public_cases_and_known_mistakes_are_checked_without_solutions(edition, tmp_path):
    from grader.spec.loader import load_exercise
    public = len(load_exercise(edition / "exercises" / "exercise-2.yaml", check_references=False).cases)
    correct = tmp_path / "mine.py"
    correct.write_text(reference_source("conv"))
    flipped = tmp_path / "flipped.py"
    flipped.write_text(reference_source("conv") + "\n_right = conv2d\n\ndef conv2d(x, weight, bias=None, stride=1, "
                       "padding=0):\n    return _right(x, weight[:, :, ::-1, ::-1], bias, stride, padding)\n")
    done = run_grade(edition, "exercise-2", "--submission", correct, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert f"Score: {public}/{public}" in done.stdout and "hidden case(s) run when you submit" in done.stdout
    wrong = run_grade(edition, "exercise-2", "--submission", flipped, cwd=tmp_path)
    assert wrong.returncode == 1 and "likely cause — kernel flipped" in " ".join(wrong.stdout.split())
    seeded = run_grade(edition, "exercise-2", "--submission", correct, "--seed", "5", cwd=tmp_path)
    assert seeded.returncode == 2 and "drop --seed" in seeded.stderr


def test_the_edition_installs_alone_with_pip(edition, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", "--system-site-packages", str(venv)], check=True)
    python = venv / "bin" / "python"
    install = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q", str(edition)],
                             capture_output=True, text=True, timeout=300)
    if install.returncode and any(word in install.stderr for word in ("NewConnectionError", "No matching distribution",
                                                                        "Could not fetch")):
        pytest.skip("pip cannot reach the package index for the build backend")
    assert install.returncode == 0, install.stderr
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    assert subprocess.run([str(python), "-c", "import solutions"], cwd=elsewhere, capture_output=True).returncode
    started = run_grade(edition, "exercise-2", cwd=elsewhere, python=str(python), env_path=False)
    assert started.returncode == 1, started.stderr
    assert "Not implemented yet" in started.stdout and "hidden case(s) run when you submit" in started.stdout
    assert str(REPO) not in started.stdout
