"""Learner ids come from file and folder names: they reach the terminal as visible escapes and a spreadsheet as text."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from grader.batch.discover import safe_id
from grader.reports.gradebook import csv_text
from conftest import tiny_flatten_yaml

TINY = tiny_flatten_yaml()
CORRECT = "def flatten(x, start_dim=1):\n    return x.reshape(x.shape[0], -1)\n"
# File names a learner chooses: formulas for a spreadsheet, escape sequences, line breaks and bidi for a terminal.
HOSTILE_NAMES = ['=HYPERLINK("https:evil.example","x")', "+cmd", "-2+3", "@SUM(A1)", "\tlead",
                 "\x1b]0;owned\x07\x1b[2Jmallory", "eve\nScore: 28 of 28", "bidi\u202etxt.exe", "nul\x7fdel"]


@pytest.fixture
def course(tmp_path, monkeypatch):
    (tmp_path / "course" / "exercises").mkdir(parents=True)
    (tmp_path / "course" / "exercises" / "tiny-flatten.yaml").write_text(TINY)
    monkeypatch.setenv("CNN_GRADER_COURSE", str(tmp_path / "course"))
    return tmp_path


def test_ids_from_hostile_names_reach_the_terminal_and_the_gradebook_as_text(course, run_cli):
    subs = course / "subs"
    subs.mkdir()
    (subs / "alice.py").write_text(CORRECT)
    for name in HOSTILE_NAMES:
        (subs / f"{name}.py").write_text(CORRECT)
    (subs / "=folder\x1b[31m").mkdir()
    (subs / "=folder\x1b[31m" / "tiny_flatten.py").write_text(CORRECT)
    code, out, err = run_cli("batch", subs, "--exercise", "tiny-flatten", "--out", course / "out", "--jobs", "2",
                             "--sandbox", "standard")
    assert code == 0, err
    for text in (out, err):
        assert not any(ord(ch) < 32 and ch != "\n" or 0x7f <= ord(ch) < 0xa0 or ch == "\u202e" for ch in text)
        assert "\nScore: 28" not in text
    rows = list(csv.reader(io.StringIO((course / "out" / "gradebook.csv").read_text())))
    learners = [row[0] for row in rows[1:]]
    assert len(learners) == len(HOSTILE_NAMES) + 2 and all(row[1] == row[2] == "1" for row in rows[1:])
    assert not [cell for cell in learners if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert "'=HYPERLINK(\"https:evil.example\",\"x\")" in learners and "'-2+3" in learners
    assert "\\tlead" in learners  # escaped: no longer a tab, so no apostrophe either
    assert "\\x1b]0;owned\\x07\\x1b[2Jmallory" in learners and "eve\\nScore: 28 of 28" in learners
    folders = {path.name for path in (course / "out" / "learners").iterdir()}
    assert "=folder\\x1b[31m" in folders and not [name for name in folders if "\x1b" in name or "\n" in name]
    data = json.loads((course / "out" / "gradebook.json").read_text())
    assert {row["learner"] for row in data["rows"]} == {safe_id(name) for name in ["alice", *HOSTILE_NAMES,
                                                                                    "=folder\x1b[31m"]}


def test_undecodable_file_names_give_a_printable_id(course, run_cli):
    subs = course / "subs"
    subs.mkdir()
    (subs / "alice.py").write_text(CORRECT)
    with open(bytes(subs) + b"/b\xffob.py", "w") as handle:
        handle.write(CORRECT)
    code, out, err = run_cli("batch", subs, "--exercise", "tiny-flatten", "--out", course / "out", "--jobs", "1",
                             "--sandbox", "standard")
    assert code == 0, err
    text = (course / "out" / "gradebook.csv").read_text(encoding="utf-8")
    assert "b\\udcffob" in text


def test_a_cell_is_neutralised_only_when_a_spreadsheet_would_run_it():
    assert [csv_text(text) for text in ("=1+1", "+1", "-1", "@A1", "\t=1", "\r=1")] == \
        ["'=1+1", "'+1", "'-1", "'@A1", "'\t=1", "'\r=1"]
    assert [csv_text(text) for text in ("alice", "o'brien", "a=b", "")] == ["alice", "o'brien", "a=b", ""]
    assert safe_id("ana\u00efs-\u4e2d") == "ana\u00efs-\u4e2d"  # letters of any script stay as they are
