"""The worker program is joined from modules of grader/sandbox; the grader can start it before importing NumPy."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from grader.sandbox import launch

SANDBOX = Path(launch.__file__).parent
REPO = SANDBOX.parents[1]
GUARD = "__name__ != '__main__'"


def _tree(piece: str) -> ast.Module:
    return ast.parse((SANDBOX / f"{piece}.py").read_text(encoding="utf-8"))


def _sibling_imports(tree: ast.Module) -> list[ast.ImportFrom]:
    """The relative imports under the guard that skips them when the piece runs inside the worker program."""
    return [node for statement in tree.body
            if isinstance(statement, ast.If) and ast.unparse(statement.test) == GUARD
            for node in statement.body if isinstance(node, ast.ImportFrom) and node.level == 1]


def _defined(tree: ast.Module) -> set[str]:
    names = set()
    for statement in tree.body:
        if isinstance(statement, (ast.FunctionDef, ast.ClassDef)):
            names.add(statement.name)
        elif isinstance(statement, ast.Assign):
            names.update(target.id for target in statement.targets if isinstance(target, ast.Name))
    return names


@pytest.mark.parametrize("piece", launch.WORKER_PIECES)
def test_each_piece_imports_its_siblings_only_when_the_grader_imports_it(piece):
    # Run from `python -c`, the pieces share one namespace: a relative import there would fail, a `from __future__`
    # import after the first piece is a syntax error.
    tree = _tree(piece)
    guarded = _sibling_imports(tree)
    relative = [node for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.level]
    assert relative == guarded
    assert not any(isinstance(node, ast.ImportFrom) and node.module == "__future__" for node in ast.walk(tree))
    for node in guarded:  # what a piece takes from a sibling is defined there, so the joined program has it too
        assert node.module in launch.WORKER_PIECES
        assert {alias.name for alias in node.names} <= _defined(_tree(node.module))


def test_no_two_pieces_define_the_same_name():
    owners: dict[str, str] = {}
    for piece in launch.WORKER_PIECES:
        for name in _defined(_tree(piece)):
            assert name not in owners, f"{name} is defined in both {owners[name]}.py and {piece}.py"
            owners[name] = piece


def test_the_worker_program_is_every_piece_between_its_start_and_its_last_line():
    source = launch.WORKER_SOURCE
    compile(source, "<worker>", "exec")
    positions = [source.index((SANDBOX / f"{piece}.py").read_text(encoding="utf-8")) for piece in launch.WORKER_PIECES]
    assert positions == sorted(positions) and source.startswith("import sys\nsys.path.insert(0, sys.argv.pop(1))\n")
    assert str(REPO) not in source  # the worker is handed no path of the checkout


def test_the_grader_starts_a_worker_before_it_imports_numpy(tmp_path):
    # The client, the wire format and the launch recipe leave NumPy to the worker, so the worker can import it on
    # the other core while the grader sets itself up (docs/performance.md).
    (tmp_path / "answer.py").write_text("def flatten(x):\n    return x.reshape(len(x), -1)\n")
    code = ("import sys\nfrom pathlib import Path\nfrom grader.sandbox.client import Worker\n"
            "from grader.spec.model import Limits\n"
            f"worker = Worker(Path({str(tmp_path / 'answer.py')!r}), 'flatten', 'array', Limits())\n"
            "worker.start()\nbefore = 'numpy' in sys.modules\n"
            "import numpy as np\nreply = worker.call([np.ones((2, 3, 4))], {}, 10)\nworker.close()\n"
            "print(before, reply.status, reply.arrays[0].shape)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=60)
    assert done.stdout.split() == ["False", "ok", "(2,", "12)"], done.stderr
