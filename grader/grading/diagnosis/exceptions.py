"""A learner's exception is evidence too: what NumPy or Python said, on which of the learner's lines, mapped to its
likely cause and the change that fixes it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .arguments import explain_with_values
from .model import Diagnosis
from .numpy_errors import explain_numpy
from .python_errors import explain_python
from .raised import read_raised


def explain_exception(error: dict, source_lines: tuple[str, ...], hidden: bool,
                      file_name: str | None = None, call_values: dict[str, Any] | None = None,
                      line_name: Callable[[int], str] | None = None) -> Diagnosis | None:
    """The likely cause of an exception the worker reported (`error`: type, message, traceback, line; untrusted),
    or None when its cause is not one we know. `source_lines` are the submission's lines and `file_name` its name as
    the traceback shows it (without it, the traceback's first file is taken for the submission). `call_values`, the
    grader's own copy of the case's arguments by parameter name, lets a finding say which argument was at fault (a
    pair used as one int, a missing dict key). `line_name` names a line of the submission ("cell 4, line 2" in a
    notebook; "line 12" without it). The Diagnosis holds the evidence both ways; `hidden` only says which
    the caller will show (Diagnosis.note / to_json take it too)."""
    if not isinstance(error, dict):
        return None
    raised = read_raised(error, source_lines if isinstance(source_lines, tuple) else tuple(source_lines or ()),
                         file_name, line_name)
    if raised.type in ("SystemExit", "KeyboardInterrupt", "MemoryError", "NotImplementedError"):
        return None  # the caller says these itself
    try:
        return explain_with_values(raised, call_values) or explain_numpy(raised) or explain_python(raised)
    except Exception:  # noqa: BLE001 - an unforeseen text must cost its explanation, never the case's grading
        return None
