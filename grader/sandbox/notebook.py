"""A Jupyter notebook as a submission: its code cells, read as JSON (bounded and validated, never run).

What of those cells the grader grades (imports, definitions, simple constants) is `notebook_code.definitions`."""

from __future__ import annotations

import json
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from ..errors import UsageError

MAX_NOTEBOOK_BYTES = 20 << 20  # notebooks carry their outputs (pictures as base64): far more than the code
MAX_CELLS = 10_000
MAX_CODE_CHARS = 2_000_000  # the code alone, outputs aside: parsing more would only cost time
CLEAR_OUTPUTS = "clear its outputs in Jupyter (Edit > Clear Outputs of All Cells), save it, and grade again"


@dataclass(frozen=True)
class Cell:
    label: str  # how messages name it: "cell 4" (position among all cells of a saved notebook, 1-based)
    #             or "In [7]" (a kernel's execution count, for check() from the kernel's history)
    source: str  # the cell's code as written (magics and ! lines included)


def read_cells(path: Path) -> list[Cell]:
    """The code cells of the nbformat-4 notebook at `path`, in order. Anything else raises UsageError (exit 2)
    with a message that names the file and what is wrong with it."""
    path = Path(path)
    notebook = _load_json(path)
    name = path.name

    def refuse(problem: str) -> UsageError:
        return UsageError(f"{name} is not a Jupyter notebook (nbformat 4): {problem}.")

    if not isinstance(notebook, dict):
        raise refuse(f"it holds a JSON {_json_type(notebook)}, not a notebook object")
    version = notebook.get("nbformat")
    if "nbformat" not in notebook:
        raise refuse("it has no 'nbformat' field")
    if version != 4 or isinstance(version, bool):
        shown = repr(version) if isinstance(version, (int, float, str)) and len(repr(version)) < 20 else "unknown"
        raise refuse(f"its nbformat is {shown}; open it in a current Jupyter and save it to convert it to version 4")
    language = _language(notebook.get("metadata"))
    if language and language != "python":
        raise UsageError(f"{name} is a notebook for {language[:40]!r}, not Python: write your code in a Python "
                         "notebook.")
    cells = notebook.get("cells")
    if not isinstance(cells, list):
        raise refuse("its 'cells' field is missing or not a list" if cells is None else "its 'cells' is not a list")
    if len(cells) > MAX_CELLS:
        raise refuse(f"it has {len(cells)} cells; the limit is {MAX_CELLS}")
    found, chars = [], 0
    for number, cell in enumerate(cells, start=1):
        if not isinstance(cell, dict) or not isinstance(cell.get("cell_type"), str):
            raise refuse(f"cell {number} is not a cell (an object with a 'cell_type')")
        if cell["cell_type"] != "code":
            continue
        source = cell.get("source")
        if isinstance(source, list) and all(isinstance(part, str) for part in source):
            source = "".join(source)
        if not isinstance(source, str):
            raise refuse(f"the source of cell {number} is not text (a string or a list of strings)")
        try:
            source.encode("utf-8")
        except UnicodeEncodeError:
            raise refuse(f"cell {number} holds characters that are not valid text (a lone surrogate)") from None
        chars += len(source)
        if chars > MAX_CODE_CHARS:
            raise UsageError(f"The code cells of {name} hold more than {MAX_CODE_CHARS} characters: keep only your "
                             "code in the notebook.")
        found.append(Cell(f"cell {number}", source))
    return found


def _load_json(path: Path):
    """The file's JSON value. Read without following a FIFO or device (the read cannot block) and at most
    MAX_NOTEBOOK_BYTES + 1 bytes; every failure is a UsageError naming the file."""
    name = path.name
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except (OSError, ValueError) as err:
        raise UsageError(f"{name} cannot be read ({_reason(err)}).") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise UsageError(f"{name} is not a regular file, so it cannot be a notebook.")
        if info.st_size > MAX_NOTEBOOK_BYTES:
            raise UsageError(_too_large(name, info.st_size))
        chunks, size = [], 0
        while size <= MAX_NOTEBOOK_BYTES:
            chunk = os.read(fd, min(1 << 20, MAX_NOTEBOOK_BYTES + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as err:
        raise UsageError(f"{name} cannot be read ({_reason(err)}).") from None
    finally:
        os.close(fd)
    if size > MAX_NOTEBOOK_BYTES:  # it grew while we read it
        raise UsageError(_too_large(name, size))
    try:
        return json.loads(b"".join(chunks))
    except json.JSONDecodeError as err:
        raise UsageError(f"{name} is not a Jupyter notebook (nbformat 4): it is not valid JSON (line {err.lineno}, "
                         f"column {err.colno}: {err.msg}).") from None
    except (ValueError, RecursionError, MemoryError):  # undecodable bytes, a huge number, deep nesting
        raise UsageError(f"{name} is not a Jupyter notebook (nbformat 4): it is not valid JSON text.") from None


def _too_large(name: str, size: int) -> str:
    return (f"{name} is {size / (1 << 20):.1f} MB; a notebook may be at most {MAX_NOTEBOOK_BYTES >> 20} MB. "
            f"Its outputs (pictures, long prints) take the space: {CLEAR_OUTPUTS}.")


def _language(metadata) -> str:
    """The notebook's declared language, lower case ("" when it declares none)."""
    if not isinstance(metadata, dict):
        return ""
    for key, field in (("kernelspec", "language"), ("language_info", "name")):
        section = metadata.get(key)
        if isinstance(section, dict) and isinstance(section.get(field), str) and section[field].strip():
            return section[field].strip().lower()
    return ""


def _json_type(value) -> str:
    return {list: "list", str: "string", int: "number", float: "number", bool: "true/false"}.get(type(value), "null")


def _reason(err: Exception) -> str:
    return getattr(err, "strerror", None) or type(err).__name__
