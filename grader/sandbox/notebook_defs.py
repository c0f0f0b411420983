"""A notebook's graded definitions as the grader reports on them: the generated file's lines mapped back to cells
("cell 4, line 2", "In [7], line 2"), what was left out of which cell, and the words for both."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_FRAME = re.compile(r'^(\s*)File "([^"\n]*)", line (\d+)(.*)$')
_COMPILER_LINE = re.compile(r"\bline (\d+)\b")


@dataclass
class Definitions:
    """The graded part of a notebook: `source` (the generated file), a map from its lines back to the cells, and
    what was left out of which cell, for the report's note and for messages."""

    source: str = ""
    lines: list = field(default_factory=list)  # per generated line: (cell label, line in cell), or None
    graded: list[str] = field(default_factory=list)  # labels of cells with kept code
    left_out: dict[str, list[str]] = field(default_factory=dict)  # cell label -> kinds of code left out, in order
    magics: dict[str, list[str]] = field(default_factory=dict)  # cell label -> "magics" / "shell lines" / ...
    cell_magics: dict[str, str] = field(default_factory=dict)  # cell label -> its cell magic ("%%time")
    unparsed: str = ""  # the label of a cell that does not parse (the worker reports its syntax error)
    set_elsewhere: dict[str, tuple[str, str]] = field(default_factory=dict)  # name -> (why the grader does not
    #   see the value a left-out cell or statement gives it, what to do)
    bound_at: dict[str, int] = field(default_factory=dict)  # top-level name -> generated line that first binds it
    unused_imports: dict[str, list[str]] = field(default_factory=dict)  # cell label -> modules imported for
    #   left-out code only (e.g. matplotlib for a plot)

    # --- lines --------------------------------------------------------------------------------------------
    def where(self, line) -> str:
        """"cell 4, line 2" for a line of the generated file; "" for a line no cell wrote."""
        if not isinstance(line, int) or isinstance(line, bool) or line < 1 or not self.lines:
            return ""
        if line > len(self.lines):  # e.g. a syntax error found at the end of the file
            line = len(self.lines)
        spot = self.lines[line - 1]
        return f"{spot[0]}, line {spot[1]}" if spot else ""

    def traceback(self, text: str, file_name: str) -> str:
        """A traceback with each frame of the generated file named by its cell (`Cell 4, line 2, in conv2d`)."""
        if not isinstance(text, str):
            return ""
        out = []
        for line in text.splitlines():
            frame = _FRAME.match(line)
            where = self.where(int(frame.group(3))) if frame and frame.group(2) == file_name else ""
            out.append(f"{frame.group(1)}{where[0].upper()}{where[1:]}{frame.group(4)}" if where else line)
        return "\n".join(out)

    def compiler_text(self, text: str) -> str:
        """A syntax error's own text ("... after 'if' statement on line 12") with lines named by their cell."""
        return _COMPILER_LINE.sub(lambda found: self.where(int(found.group(1))) or found.group(0), text)

    # --- what the report says -----------------------------------------------------------------------------
    def note(self, shown_as: str) -> str:
        """E.g. "From work.ipynb: graded the definitions in cells 2, 3 and 5; left out top-level code in cells 4
        and 6 (calls, prints, asserts) and magics in cell 1." """
        graded = f"graded the definitions in {cell_list(self.graded)}" if self.graded \
            else "found no definitions to grade"
        parts = []
        if self.left_out:
            kinds = list(dict.fromkeys(kind for found in self.left_out.values() for kind in found))
            parts.append(f"top-level code in {cell_list(list(self.left_out))} ({', '.join(kinds)})")
        if self.unused_imports:
            modules = list(dict.fromkeys(name for found in self.unused_imports.values() for name in found))
            listed = ", ".join(modules[:4]) + (", ..." if len(modules) > 4 else "")
            parts.append(f"imports your definitions do not use ({listed}) in {cell_list(list(self.unused_imports))}")
        if self.magics:
            kinds = list(dict.fromkeys(kind for found in self.magics.values() for kind in found))
            parts.append(f"{_and(kinds)} in {cell_list(list(self.magics))}")
        if self.cell_magics:
            (label, magic), = list(self.cell_magics.items())[:1]
            parts.append(f"the {magic} cell ({label})" if len(self.cell_magics) == 1
                         else f"cell magics in {cell_list(list(self.cell_magics))}")
        text = f"From {shown_as}: {graded}" + (f"; left out {_and(parts)}" if parts else "") + "."
        if self.unparsed:
            text += f" {self.unparsed[0].upper()}{self.unparsed[1:]} does not parse, so later cells were not read."
        return text

    def undefined(self, name: str, line, loading: bool) -> str:
        """Why `name` was not defined when the generated file's `line` ran, when the notebook says why (else "").
        `loading`: the error happened while the definitions were loaded (not in a call)."""
        if loading and name in self.bound_at and isinstance(line, int) and self.bound_at[name] > line:
            return (f"{name} is defined in {self.where(self.bound_at[name])}, below this line. Jupyter remembers "
                    "what earlier runs defined, in any order, but the grader runs the cells once, from the top: "
                    f"move the definition of {name} above this line.")
        if name in self.set_elsewhere and name not in self.bound_at:
            why, fix = self.set_elsewhere[name]
            return f"{why[0].upper()}{why[1:]}: {fix}."
        return ""

    def missing(self, name: str) -> str:
        """Why the notebook has no top-level `name` although a cell defines it ("" when no cell does)."""
        if name not in self.set_elsewhere:
            return ""
        why, fix = self.set_elsewhere[name]
        return f" {why[0].upper()}{why[1:]}: {fix}."


def cell_list(labels: list[str], limit: int = 8) -> str:
    """"cell 4", "cells 4 and 6", "cells 2, 3 and 5"; labels such as "In [7]" are listed as they are."""
    shown = labels[:limit]
    if all(label.startswith("cell ") for label in labels):
        items = [label.removeprefix("cell ") for label in shown]
        head = "cell " if len(labels) == 1 else "cells "
    else:
        items, head = list(shown), ""
    if len(labels) > limit:
        items.append(f"{len(labels) - limit} more")
    return head + _and(items)


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
