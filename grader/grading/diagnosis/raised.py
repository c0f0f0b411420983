"""An exception the learner's code raised, as the exception analyses read it: its type and message, the learner's
own line of code and where it is, and the way a finding about it is said (with and without the case's values)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from .model import Diagnosis, line_number
from .source import identifiers

_FRAME = re.compile(r'^\s*File "([^"\n]*)", line (\d+)')
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
CODE_CHARS = 100


@dataclass(frozen=True)
class Raised:
    type: str  # "ValueError"
    message: str  # the exception's text, cleaned and bounded
    code: str  # the learner's line of code that raised, stripped; "" when unknown
    where: str  # "line 14", or "line 3 of helpers.py" for another file, "cell 4, line 2" in a notebook; "" unknown
    source_lines: tuple[str, ...] = ()  # the submission's lines (other files' are not known)
    line: int | None = None  # the submission's line that raised; None when unknown or in another file
    name_line: Callable[[int], str] = line_number  # names a line of source_lines: "line 12", "cell 4, line 2"

    @property
    def names(self) -> set[str]:
        return identifiers(self.code)

    def found(self, name: str, explanation: str, finding: str = "") -> Diagnosis:
        """The diagnosis: the evidence quotes the learner's line and the finding (the case's message already gives the
        exception's own text); the hidden evidence only the line (a hidden case's finding shows values of its inputs)."""
        head = f"{self.where}: `{self.code}`" if self.where and self.code else self.where or (
            f"`{self.code}`" if self.code else "")
        evidence = head + (f": {finding}" if head and finding else finding)
        return Diagnosis(name=name, explanation=explanation, evidence=evidence, source="exception",
                         hidden_evidence=head)


def read_raised(error: dict, source_lines: tuple[str, ...], file_name: str | None = None,
                line_name: Callable[[int], str] | None = None) -> Raised:
    """The worker's description of an exception (untrusted: any field may be missing or of the wrong type).
    `line_name` names a line of the submission for people ("cell 4, line 2" for a notebook's generated file)."""
    kind = clean(error.get("type"), 100) or "Exception"
    message = clean(error.get("message"), 2000)
    traceback = error.get("traceback") if isinstance(error.get("traceback"), str) else ""
    line = error.get("line")
    line = line if isinstance(line, int) and not isinstance(line, bool) and 0 < line < 10**9 else None
    frames, traceback_code = _last_frame(traceback)
    raising_file = frames[-1] if frames else ""
    home = file_name if file_name is not None else (frames[0] if frames else "")
    elsewhere = bool(raising_file) and raising_file != home
    code = ""
    if line is not None and not elsewhere and line <= len(source_lines):
        code = source_lines[line - 1].strip()
    if traceback_code and code != traceback_code:
        code = traceback_code  # what ran wins over a file changed since (or another file's line)
    name_line = line_name or line_number
    if line is None:
        where = ""
    elif elsewhere:
        where = f"line {line} of {clean(raising_file, 60)}"
    else:
        where = name_line(line)
    return Raised(kind, message, shorten(without_comment(clean(code, 1000)), CODE_CHARS), where, source_lines,
                  None if elsewhere else line, name_line)


def without_comment(code: str) -> str:
    """The line without its trailing `# comment` (a # inside a string literal stays)."""
    quote = ""
    for index, char in enumerate(code):
        if quote:
            if char == quote and code[index - 1] != "\\":
                quote = ""
        elif char in "'\"":
            quote = char
        elif char == "#":
            return code[:index].rstrip()
    return code


def _last_frame(traceback: str) -> tuple[list[str], str]:
    """The files of the traceback's frames, in order, and the code line shown under the last one."""
    files, code = [], ""
    lines = traceback.splitlines()[:200]
    for index, text in enumerate(lines):
        frame = _FRAME.match(text)
        if frame:
            files.append(frame.group(1))
            following = lines[index + 1] if index + 1 < len(lines) else ""
            code = following.strip() if following.startswith("    ") and not _FRAME.match(following) else ""
    return files, code


def clean(value, limit: int) -> str:
    """Text fit to quote: a string, no control characters or lone surrogates, at most `limit` characters."""
    if not isinstance(value, str):
        return ""
    value = value[:limit].encode("utf-8", "replace").decode("utf-8")
    return _CONTROL.sub(" ", value).strip()


def shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def shape_of(text: str) -> tuple[int, ...] | None:
    """(2, 3, 3) from "2,3,3" or "(2, 3, 3)"; a remapped 'newaxis' counts as 1; None if it is not a shape."""
    parts = [part.strip() for part in text.strip().strip("()").split(",")]
    parts = [part for part in parts if part]
    if not all((part.isascii() and part.isdigit() and len(part) < 19) or part == "newaxis" for part in parts):
        return None
    return tuple(1 if part == "newaxis" else int(part) for part in parts)


def shape_text(shape: tuple[int, ...]) -> str:
    return f"({shape[0]},)" if len(shape) == 1 else "(" + ", ".join(map(str, shape)) + ")"
