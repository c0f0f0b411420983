"""Everything from the worker's side is hostile input: text, capture files, the work folder's shape, reply headers and
arrays, and the workspace's progress file are validated and bounded in the grader before use."""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from grader.grading.failures import FailureMessages
from grader.reports.html import render_html
from grader.reports.terminal import format_summary
from grader.results import CaseResult, GradeResult, Outcome, printable, printable_tree, write_atomic
from grader.sandbox.client import Reply, Worker
from grader.sandbox.replies import array_problem, checked_header
from grader.sandbox.wire import WireError, decode_header
from grader.sandbox.workdir import read_capture, remove_folder
from grader.spec.catalog import find_exercise
from grader.workspace import PROGRESS_FILE, Workspace

HOSTILE = Path(__file__).resolve().parents[1] / "adversarial"
SURROGATES = "lone \ud800 and \udfff, a pair \ud83d\ude00, escapes \x1b[2J\r"


@pytest.fixture(scope="module")
def exercise():
    return find_exercise("exercise-2")


def _result_with(text: str) -> GradeResult:
    case = CaseResult(name=f"case {text}", max_points=1, outcome=Outcome.ERROR, kind="exception", message=text,
                      output=text, details={"traceback": text, text: [text]})
    return GradeResult(exercise="exercise-2", title="t", cases=[case], summary=text, notes=[text],
                       submission=text)


# --- text ------------------------------------------------------------------------------------------------------

def test_printable_replaces_only_what_no_writer_can_encode():
    assert printable(SURROGATES) == "lone \ufffd and \ufffd, a pair \ufffd\ufffd, escapes \x1b[2J\r"
    assert printable("plain ✓ text") == "plain ✓ text"
    assert printable(7) == "7"


def test_every_writer_takes_text_with_lone_surrogates(tmp_path):
    result = _result_with(SURROGATES)
    for text in (format_summary(result), render_html(result), result.to_json()):
        text.encode("utf-8")  # would raise on a lone surrogate
        assert "\\ud800" not in text and "\\udfff" not in text  # not even as JSON escapes
    assert "\\x1b[2J" in format_summary(result)  # the terminal still shows escape codes as text
    for written in (result, _result_with("plain ✓ text beyond the BMP 😀"), _result_with("only ASCII")):
        assert json.loads(written.to_json()) == json.loads(json.dumps(printable_tree(written.to_dict())))
    write_atomic(tmp_path / "out.txt", SURROGATES)
    assert (tmp_path / "out.txt").read_bytes().decode("utf-8") == printable(SURROGATES)


def test_reply_fields_are_made_printable_and_bounded_at_the_boundary():
    header = checked_header({"status": "exception", "output": "out \udc80" * 10,
                             "error": {"type": "E\ud800" * 200, "message": "m\udfff", "traceback": "t\ud800",
                                       "line": 10 ** 400},
                             "info": {"shape": [10 ** 30, -1, 2.5, True, 3] * 100, "nbytes": 10 ** 30, "length": "x"}})
    assert "\ud800" not in json.dumps(header, ensure_ascii=False).encode("utf-8", "surrogatepass").decode("utf-8")
    assert len(header["error"]["type"]) <= 100 and header["error"]["line"] is None
    assert header["info"]["shape"] == [] and header["info"]["nbytes"] == 0 and "length" not in header["info"]


# --- capture files -------------------------------------------------------------------------------------------

def test_capture_files_are_read_only_when_they_are_plain_files_of_their_own(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("the reference solution")
    folder = tmp_path / "work"
    folder.mkdir()
    (folder / "plain").write_bytes(b"x" * 10_000)
    os.symlink(secret, folder / "link")
    os.link(secret, folder / "hard")
    os.mkfifo(folder / "fifo")
    (folder / "dir").mkdir()
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        started = time.monotonic()
        assert read_capture(fd, "plain", 100) == b"x" * 100
        for name in ("link", "hard", "fifo", "dir", "missing"):
            assert read_capture(fd, name, 100) == b"", name
        assert time.monotonic() - started < 2  # the FIFO did not block
    finally:
        os.close(fd)


# --- the work folder ---------------------------------------------------------------------------------------------

def _hostile_tree(top: Path, outside: Path) -> None:
    (top / "many").mkdir(parents=True)
    for index in range(2000):
        (top / "many" / f"f{index}").touch()
    os.symlink(outside, top / "out")
    os.mkfifo(top / "pipe")
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(top / "sock"))
    sock.close()
    fd = os.open(top, os.O_RDONLY)
    for level in range(3000):  # deeper than the recursion limit, and than PATH_MAX by name
        os.mkdir("dd", dir_fd=fd)
        inner = os.open("dd", os.O_RDONLY, dir_fd=fd)
        if level % 700 == 0:
            os.symlink(outside, "out", dir_fd=inner)
        os.close(fd)
        fd = inner
    os.fchmod(fd, 0)
    os.close(fd)
    (top / "locked" / "inner").mkdir(parents=True)
    (top / "locked" / "inner" / "file").touch()
    os.chmod(top / "locked" / "inner", 0)
    os.chmod(top / "locked", 0o100)


def test_the_work_folder_is_removed_whatever_its_shape(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.txt").write_text("keep")
    top = tmp_path / "grade-worker-x"
    _hostile_tree(top, outside)
    assert remove_folder(str(top))
    assert not top.exists() and (outside / "keep.txt").read_text() == "keep"


def test_a_link_in_place_of_the_work_folder_is_removed_not_followed(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.txt").write_text("keep")
    os.symlink(outside, tmp_path / "work")
    assert remove_folder(str(tmp_path / "work"))
    assert not (tmp_path / "work").is_symlink() and (outside / "keep.txt").exists()
    assert remove_folder(str(tmp_path / "never-made"))


def test_a_folder_that_cannot_be_removed_is_logged_not_raised(tmp_path, monkeypatch, caplog):
    top = tmp_path / "work"
    (top / "sub").mkdir(parents=True)
    monkeypatch.setattr(os, "rmdir", lambda *args, **kwargs: (_ for _ in ()).throw(PermissionError(1, "refused")))
    assert remove_folder(str(top)) is False
    assert "could not remove the worker folder" in caplog.text


# --- reply headers and arrays ------------------------------------------------------------------------------------

@pytest.mark.parametrize("head", [b"[" * 200_000 + b"]" * 200_000,
                                  b'{"blobs": [], "x": ' + b'{"a": ' * 3000 + b"1" + b"}" * 3001,
                                  b'{"blobs": [], "x": ' + b"[" * 65 + b"]" * 65 + b"}",
                                  b'{"blobs": [], "x": ' + b"9" * 5000 + b"}"])
def test_deep_or_odd_headers_are_refused_without_recursion_errors(head):
    with pytest.raises(WireError):
        decode_header(head)


def test_headers_within_the_depth_limit_are_read_whatever_brackets_their_strings_hold():
    deep_enough = b'{"blobs": [], "x": "' + b"[{" * 500 + b'", "y": ' + b"[" * 62 + b"]" * 62 + b"}"  # 63 levels
    assert decode_header(deep_enough)["x"] == "[{" * 500
    assert decode_header(b'{"blobs": [1, 2], "info": {"shape": [3]}}')["blobs"] == [1, 2]


@pytest.mark.parametrize("array", [np.array(["1.0"]), np.array(["2020-01-01"], dtype="datetime64[D]"),
                                   np.zeros(2, dtype=[("a", "f8")]), np.zeros(2, dtype=complex),
                                   np.zeros(2, dtype="V8"), np.zeros((1,) * 40), np.zeros((0, 1 << 55))])
def test_reply_arrays_are_checked_in_the_parent(array, exercise):
    problem = array_problem([array])
    assert problem is not None and problem["kind"] in ("bad_dtype", "bad_shape")
    messages = FailureMessages(exercise, Path("exercise_2.py"), "exercise_2.py")
    reply = Reply("bad_output", {"status": "ok", "info": problem})
    message = messages.call_failure(CaseResult("c", 1, Outcome.FAILED), reply, 1.0, False).message
    assert len(message) < 300 and "55" not in message


def test_plain_numeric_arrays_pass_the_parents_check():
    assert array_problem([np.zeros((2, 3)), np.arange(3), np.ones(2, dtype=bool), np.float32(1.0) * np.ones(()),
                          np.zeros((0, 4))]) is None
    assert array_problem([np.zeros(1)] * 17) is not None


def test_forged_replies_in_a_real_worker_cost_only_their_own_points(exercise, tmp_path):
    submission = tmp_path / "exercise_2.py"
    submission.write_text((HOSTILE / "h13_input_forged_replies.py").read_text())
    messages = FailureMessages(exercise, submission, "exercise_2.py")
    seen = set()
    with Worker(submission, "conv2d", "array", exercise.limits) as worker:
        assert worker.wait_loaded().status == "loaded"
        for width in range(3, 15):
            reply = worker.call([np.zeros((1, 1, 3, width)), np.zeros((1, 1, 1, 1))], {}, 3.0)
            assert reply.status in ("bad_output", "protocol") and not reply.arrays
            message = messages.call_failure(CaseResult("c", 1, Outcome.FAILED), reply, 3.0, False).message
            assert len(message) < 400
            seen.add(reply.status)
    assert seen == {"bad_output", "protocol"}


@pytest.mark.parametrize("sandbox", ["standard", "strict"])
def test_a_crash_after_planting_a_fifo_or_link_as_capture_file_reads_nothing(sandbox, exercise, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-REFERENCE-TEXT")
    submission = tmp_path / "exercise_2.py"
    submission.write_text("import os\n_n = [0]\n\ndef conv2d(x, weight, bias=None, stride=1, padding=0):\n"
                          "    os.unlink('.output')\n"
                          f"    os.mkfifo('.output') if bias is None else os.symlink({str(secret)!r}, '.output')\n"
                          "    os._exit(5)\n")
    with Worker(submission, "conv2d", "array", exercise.limits, sandbox=sandbox) as worker:
        for bias in (None, np.zeros(1)):
            started = time.monotonic()
            reply = worker.call([np.zeros((1, 1, 3, 3)), np.zeros((1, 1, 1, 1))], {"bias": bias}, 3.0)
            assert time.monotonic() - started < 5
            if reply.status == "exception" and sandbox == "standard":  # graded by root, the folder may be read-only
                continue
            assert reply.status == "crash" and "SECRET" not in reply.output


# --- the workspace -----------------------------------------------------------------------------------------------

DAMAGED = {"nested": b"[" * 100_000 + b"]" * 100_000, "not utf-8": b"\xff\xfe{\x00",
           "wrong types": b'{"exercise-2": {"attempts": "many", "best_score": "28", "max_score": [1], '
                          b'"hints_seen": -3, "last_score": 1e999}, "exercise-3": 7}',
           "a list": b"[1, 2]", "huge": b'{"a": "' + b"x" * (2 << 20) + b'"}'}


@pytest.mark.parametrize("damage", sorted(DAMAGED))
def test_a_damaged_progress_file_is_ignored_and_rebuilt(damage, tmp_path, capsys):
    (tmp_path / PROGRESS_FILE).write_bytes(DAMAGED[damage])
    space = Workspace(tmp_path)
    space.record(_result_with("ok"))
    space.mark_hint_seen("exercise-2", 2)
    assert space.next_hint_index("exercise-2") == 2
    entry = space.entry("exercise-2")
    assert entry["attempts"] >= 1 and entry["best_score"] == 0
    if damage != "wrong types":
        assert capsys.readouterr().err.count("\n") <= 1


@pytest.mark.parametrize("kind", ["fifo", "link", "folder"])
def test_a_progress_file_that_is_not_a_plain_file_is_never_followed_or_waited_on(kind, tmp_path):
    outside = tmp_path / "outside.json"
    outside.write_text('{"exercise-2": {"attempts": 41}}')
    space_root = tmp_path / "ws"
    space_root.mkdir()
    progress = space_root / PROGRESS_FILE
    {"fifo": lambda: os.mkfifo(progress), "link": lambda: os.symlink(outside, progress),
     "folder": lambda: progress.mkdir()}[kind]()
    done = threading.Event()

    def record():
        Workspace(space_root).record(_result_with("ok"))
        done.set()
    threading.Thread(target=record, daemon=True).start()
    assert done.wait(10), "recording progress hung"
    assert outside.read_text() == '{"exercise-2": {"attempts": 41}}'
    assert Workspace(space_root).entry("exercise-2").get("attempts", 1) == 1


def test_a_reports_link_in_the_workspace_is_replaced_not_followed(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    os.symlink(outside, tmp_path / "ws")  # the workspace itself may be a link: the user chose it
    os.mkdir(outside / "elsewhere")
    os.symlink(outside / "elsewhere", outside / "reports")
    path = Workspace(tmp_path / "ws").report_path("exercise-2", "json")
    write_atomic(path, "{}")
    assert not (outside / "reports").is_symlink() and not list((outside / "elsewhere").iterdir())
