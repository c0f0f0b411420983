"""`grade new`: write a commented exercise YAML and a reference stub that teach the format by example."""

from __future__ import annotations

import importlib
import keyword
from pathlib import Path

from ..errors import EXIT_OK, UsageError
from ..results import write_atomic
from ..spec.course import COURSE_ENV, Course, current_course
from ..spec.model import ID_PATTERN

EXERCISE_TEMPLATE = '''# {id}: a new exercise. The full format: docs/exercise-format.md; a walk-through: docs/authoring.md.
# Check it with `grade validate exercises/{id}.yaml`: the reference must pass every case, the starter fail them.
schema_version: 1
id: {id}                      # must match the file name
title: "{function}: one line saying what the learner builds"
concept: |
  The idea this exercise teaches, in a few short paragraphs. Learners read it first (it is also the starter's
  docstring in spirit): what the function does, the shapes in and out, and the one pitfall to avoid.
entry_point:
  name: {function}
  # Required parameters are passed by position (learners may rename them), optional ones by keyword.
  signature: "{function}(x)"
  # shape_rule: "how the output shape follows from the inputs; shown when a learner's shape is wrong"
starter: |
  """{id}: {function}. Run `grade {id}` to check your work."""
  import numpy as np


  def {function}(x):
      """Say what to compute, with the shapes of the inputs and of the result."""
      raise NotImplementedError("write {function} here")
# The trusted reference (PyTorch semantics, vectorised NumPy): learners never see it.
reference: solutions.{module}.{function}
tolerance: {{rtol: 1.0e-6, atol: 1.0e-8}}
limits: {{case_seconds: 5, total_seconds: 60, import_seconds: 10, memory_mb: 1024}}
seed: 0                       # generated inputs are drawn from this seed (per case, keyed by the case name)
hints:                        # `grade hint {id}` shows them one at a time: from a nudge to the method
  - "A first nudge: which shape should the result have?"
# Known mistakes, recognised from their outputs. Mistakes shared by several exercises are declared once per family
# in exercises/families/<family>.yaml (conv-forward, pooling, flatten, network, conv-backward, pool-backward); list
# the families whose building blocks your reference calls, e.g. families: [conv-forward, pooling]
families: []
misconceptions: []            # this exercise's own wrong variants, checked before the families', e.g.
#  - name: axes swapped
#    explanation: "what the learner did and how to fix it, in one or two sentences"
#    reference: solutions.misconceptions.{function}_axes_swapped
#    replaces: solutions.conv.conv2d   # optional: the variant stands in for this block, not the whole function
cases:
  # Public cases show their inputs and a precise diff: small, each teaching one feature.
  - name: literal values
    description: "Shown to the learner: what this case checks."
    args:
      x: {{values: [[1.0, 2.0], [3.0, 4.0]]}}
  # Hidden cases show no inputs: larger and combined versions of the public ones.
  - name: hidden random batch
    visibility: hidden
    args:
      x: {{shape: [4, 3, 8, 8]}}   # drawn from dist: normal | uniform | integers | negative | positive
'''

REFERENCE_TEMPLATE = '''"""Reference for {id}: {function} (vectorised NumPy, PyTorch semantics)."""

import numpy as np


def {function}(x):
    """The trusted answer every case is checked against; write it, then run `grade validate`."""
    raise NotImplementedError("write the reference {function} here")
'''


def _writable_course(course: Course) -> Path:
    """The course to add files to; never the copy pip installed inside the package."""
    if course.kind == "installed copy":
        raise UsageError(
            "`grade new` adds files to a course checkout (a folder with exercises/ and solutions/), but the current "
            f"folder is not inside one, so this `grade` would use its installed package ({course.root}), which pip "
            f"owns and overwrites. Run it inside your checkout: `cd path/to/cnn-grader && grade new ...` "
            f"(or set ${COURSE_ENV} to the checkout).")
    return course.root


def shown(path: Path) -> str:
    """A path as short as it can be while still working from the current folder."""
    try:
        return str(path.relative_to(Path.cwd()))
    except (ValueError, OSError):
        return str(path)


def new_exercise(exercise_id: str, *, function: str, force: bool) -> int:
    """Write exercises/ID.yaml and its reference stub solutions/MODULE.py into the course checkout."""
    course = current_course()
    print(course.describe(), flush=True)
    if not ID_PATTERN.match(exercise_id):
        raise UsageError(f"'{exercise_id}' is not a valid exercise id: use lower-case letters, digits and dashes.")
    if not function.isidentifier() or keyword.iskeyword(function):
        raise UsageError(f"--function '{function}' is not a valid Python function name.")
    module = exercise_id.replace("-", "_")
    if not module[0].isalpha():
        module = f"ex_{module}"
    root = _writable_course(course)
    yaml_path = root / "exercises" / f"{exercise_id}.yaml"
    reference_path = root / "solutions" / f"{module}.py"
    for path in (yaml_path, reference_path):
        if path.exists() and not force:
            raise UsageError(f"{path} exists already; use --force to overwrite it.")
    values = {"id": exercise_id, "function": function, "module": module}
    write_atomic(yaml_path, EXERCISE_TEMPLATE.format(**values))
    write_atomic(reference_path, REFERENCE_TEMPLATE.format(**values))
    importlib.invalidate_caches()  # a later import in this process must see the new reference module
    print(f"Wrote {shown(yaml_path)} and {shown(reference_path)}.")
    print(f"Next: write the reference, adapt the signature and cases, then run `grade validate {shown(yaml_path)}`; "
          f"place '{exercise_id}' in exercises/curriculum.yaml where learners should meet it.")
    return EXIT_OK
