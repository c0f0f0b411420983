"""The peer row of bench_grade.py: exercise 2 as an Otter-Grader assignment, for `otter check`.

The equivalent exercise has exercise 2's value cases, on the very inputs the grader uses (its default seed), each
an OK-format doctest that calls the learner's conv2d and compares with the reference output within the case's
tolerance. The inputs and expected outputs are stored in one .npz beside the tests. The two instructor checks
(translation equivariance) have no counterpart: they are properties, not stored answers.

Setting otter-grader up (it is not one of our dependencies; any venv will do):
    python3 -m venv /tmp/otter && /tmp/otter/bin/pip install otter-grader numpy ipykernel
    /tmp/otter/bin/python -m ipykernel install --prefix /tmp/otter --name python3
then `python benchmarks/bench_grade.py --otter /tmp/otter/bin/otter`. otter check runs the file in a Jupyter
kernel named python3; the kernel spec installed in that venv is found through JUPYTER_PATH, set here.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from grader.grading.inputs import build_args, call_parts
from grader.grading.references import reference_function
from grader.spec.catalog import find_exercise

CASE = """                {{
                    "code": {code!r},
                    "hidden": {hidden},
                    "locked": False,
                }},
"""
TEST = """OK_FORMAT = True

test = {{
    "name": "q1",
    "points": {points},
    "suites": [
        {{
            "cases": [
{cases}            ],
            "scored": True,
            "setup": "",
            "teardown": "",
            "type": "doctest",
        }}
    ],
}}
"""


def write_assignment(folder: Path) -> int:
    """Write tests/q1.py and tests/cases.npz into `folder`; the number of cases."""
    exercise = find_exercise("exercise-2")
    reference = reference_function(exercise)
    tests = folder / "tests"
    tests.mkdir(parents=True, exist_ok=True)
    arrays: dict[str, np.ndarray] = {}
    cases = []
    for index, case in enumerate(c for c in exercise.cases if c.check == "values"):
        positional, keyword = call_parts(exercise, build_args(exercise, case, None))
        arrays[f"c{index}_expected"] = np.asarray(reference(*positional, **keyword))

        def spelled(value, name):
            if isinstance(value, np.ndarray):
                arrays[f"c{index}_{name}"] = value
                return f"data['c{index}_{name}']"
            return repr(value)
        call = ", ".join([spelled(value, f"p{at}") for at, value in enumerate(positional)]
                         + [f"{key}={spelled(value, key)}" for key, value in keyword.items()])
        tolerance = case.tolerance or exercise.tolerance
        code = (f">>> import numpy as np\n>>> data = np.load({str(tests / 'cases.npz')!r})\n"
                f">>> bool(np.allclose(conv2d({call}), data['c{index}_expected'], rtol={tolerance.rtol!r}, "
                f"atol={tolerance.atol!r}))\nTrue")
        cases.append(CASE.format(code=code, hidden=case.hidden))
    np.savez(tests / "cases.npz", **arrays)
    (tests / "q1.py").write_text(TEST.format(points=len(cases), cases="".join(cases)))
    return len(cases)


def otter_command(otter: str, submission: Path, folder: Path) -> tuple[list[str], dict]:
    """The `otter check` command on `submission` (copied into `folder`), and its environment."""
    script = folder / submission.name
    script.write_text(submission.read_text())
    env = dict(os.environ)
    kernels = Path(otter).resolve().parent.parent / "share" / "jupyter"
    if (kernels / "kernels" / "python3").is_dir():
        env["JUPYTER_PATH"] = str(kernels)
    return [otter, "check", str(script), "-t", str(folder / "tests"), "-q", "q1"], env
