"""Shared fixtures: the repository's paths and a way to drive the `grade` CLI in-process."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))


@pytest.fixture
def repo() -> Path:
    return REPO


@pytest.fixture
def workspace(tmp_path, monkeypatch) -> Path:
    """An empty learner workspace; the CLI uses it by default."""
    folder = tmp_path / "workspace"
    monkeypatch.setenv("CNN_GRADER_WORKSPACE", str(folder))
    monkeypatch.delenv("NO_COLOR", raising=False)
    return folder


@pytest.fixture
def run_cli(capsys):
    """Run `grade ARGS...` in this process; returns (exit_code, stdout, stderr)."""
    from grader.cli import main

    def run(*args: str):
        code = main([str(arg) for arg in args])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


def reference_source(*modules: str) -> str:
    """Reference modules of solutions/ (in dependency order, e.g. "conv", "pool", "shape", "network") joined into
    one standalone learner file: a submission cannot import solutions/, so tests paste the code instead."""
    parts = [(REPO / "solutions" / "_args.py").read_text()]
    for module in modules or ("conv",):
        body = (REPO / "solutions" / f"{module}.py").read_text()
        parts.append("\n".join(line for line in body.splitlines() if not line.startswith("from .")))
    return "\n\n".join(parts) + "\n"


def tiny_flatten_yaml(case_seconds: float = 1, total_seconds: float = 3, full: bool = False) -> str:
    """A tiny exercise (flatten) for batch and sandbox tests: one public case; with `full`, also a case worth two
    points, a hidden case and a known mistake."""
    text = f"""schema_version: 1
id: tiny-flatten
title: "flatten: one row per sample"
concept: "Merge every axis after the first into one."
entry_point: {{name: flatten, signature: "flatten(x, start_dim=1)"}}
starter: "def flatten(x, start_dim=1):\\n    raise NotImplementedError\\n"
reference: solutions.flatten
limits: {{case_seconds: {case_seconds}, total_seconds: {total_seconds}, import_seconds: 3, memory_mb: 512}}
"""
    if full:
        text += """misconceptions:
  - {name: batch flattened too, explanation: "keep axis 0.", reference: solutions.misconceptions.flatten_batch_too}
"""
    text += """cases:
  - name: small batch
    args: {x: {shape: [2, 3, 2]}}
"""
    if full:
        text += """  - name: worth two
    points: 2
    args: {x: {shape: [3, 2, 2, 2]}}
  - name: hidden large
    visibility: hidden
    args: {x: {shape: [4, 5, 6]}}
"""
    return text


@pytest.fixture
def worker_pids(monkeypatch):
    """The pid of every worker the grader starts (their sessions must be empty afterwards)."""
    from grader.sandbox import client
    pids = []
    start = client.Worker.start

    def recording(self):
        start(self)
        if self.proc is not None:
            pids.append(self.proc.pid)
    monkeypatch.setattr(client.Worker, "start", recording)
    return pids


def write_files(root: Path, files: dict[str, str]) -> Path:
    """Write each relative path's text under `root` (folders made as needed); returns `root`."""
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def use_course(tmp_path: Path, monkeypatch, definitions: dict[str, str]) -> Path:
    """A course in tmp_path/course holding these exercise definitions (id -> YAML text), in use for this test."""
    root = write_files(tmp_path / "course", {f"exercises/{ident}.yaml": text for ident, text in definitions.items()})
    monkeypatch.setenv("CNN_GRADER_COURSE", str(root))
    return root


def strict_prefix_for(tool: str, monkeypatch) -> list[str]:
    """Strict mode's command with `tool` alone. Skips only where the tool is missing or the kernel refuses its
    namespaces; where the tool works, a jail that fails to start is a failure, never a skip."""
    from grader.sandbox import launch

    path = shutil.which(tool)
    if path is None:
        pytest.skip(f"{tool} is not installed")
    works = {"bwrap": [path, "--ro-bind", "/", "/", "--unshare-all", "true"],
             "unshare": [path, "--user", "--map-root-user", "--mount", "--pid", "--net", "--fork", "true"]}[tool]
    if subprocess.run(works, capture_output=True, timeout=20).returncode != 0:
        pytest.skip(f"{tool} is installed but cannot create namespaces on this machine")
    which = shutil.which
    with monkeypatch.context() as patch:
        patch.setattr(launch.shutil, "which", lambda name: which(name) if name == tool else None)
        prefix = launch._probe_strict()
    assert prefix and Path(prefix[0]).name == tool, f"{tool} works here, but the strict jail built with it does not"
    return prefix
