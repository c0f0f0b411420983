"""Notebooks as submissions, the grader's side: reading nbformat-4 JSON (bounded, validated) and keeping what a
notebook defines (imports, definitions, simple constants) at the lines where they stand, without running anything."""

from __future__ import annotations

import ast
import json
import os
from pathlib import Path

import pytest

from grader.errors import UsageError
from grader.sandbox import notebook
from grader.sandbox.notebook import Cell, read_cells
from grader.sandbox.notebook_code import definitions


def write_notebook(path: Path, *sources: str, markdown_first: bool = True) -> Path:
    cells = [{"cell_type": "markdown", "metadata": {}, "source": ["# Exercise\n", "Some text."]}] \
        if markdown_first else []
    cells += [{"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
               "source": source.splitlines(keepends=True)} for source in sources]
    path.write_text(json.dumps({"nbformat": 4, "nbformat_minor": 5, "cells": cells,
                                "metadata": {"kernelspec": {"name": "python3", "language": "python"}}}))
    return path


def kept_code(*sources: str, entry: str = "") -> str:
    return definitions([Cell(f"cell {n}", text) for n, text in enumerate(sources, 1)], entry).source


# --- reading ------------------------------------------------------------------------------------------------------
def test_code_cells_are_read_in_order_and_named_by_their_position_among_all_cells(tmp_path):
    path = write_notebook(tmp_path / "work.ipynb", "import numpy as np\n", "x = 1\ny = 2")
    cells = read_cells(path)
    assert cells == [Cell("cell 2", "import numpy as np\n"), Cell("cell 3", "x = 1\ny = 2")]


def test_a_source_given_as_one_string_is_read_too(tmp_path):
    path = tmp_path / "work.ipynb"
    path.write_text(json.dumps({"nbformat": 4, "nbformat_minor": 4, "metadata": {},
                                "cells": [{"cell_type": "code", "source": "def f():\n    return 1\n"}]}))
    assert read_cells(path) == [Cell("cell 1", "def f():\n    return 1\n")]


BROKEN = {
    "not JSON": (b"{'nbformat': 4", "it is not valid JSON (line 1, column 2"),
    "a list": (b"[1, 2]", "it holds a JSON list, not a notebook object"),
    "no version": (b'{"cells": []}', "it has no 'nbformat' field"),
    "nbformat 3": (b'{"nbformat": 3, "worksheets": []}', "its nbformat is 3; open it in a current Jupyter and save it"),
    "version true": (b'{"nbformat": true, "cells": []}', "its nbformat is True"),
    "cells not a list": (b'{"nbformat": 4, "cells": {"a": 1}}', "its 'cells' is not a list"),
    "no cells": (b'{"nbformat": 4}', "its 'cells' field is missing or not a list"),
    "cell not an object": (b'{"nbformat": 4, "cells": ["import os"]}', "cell 1 is not a cell"),
    "source a number": (b'{"nbformat": 4, "cells": [{"cell_type": "markdown", "source": "x"}, '
                        b'{"cell_type": "code", "source": 12}]}', "the source of cell 2 is not text"),
    "source a mixed list": (b'{"nbformat": 4, "cells": [{"cell_type": "code", "source": ["x", 1]}]}',
                            "the source of cell 1 is not text"),
    "lone surrogate": (b'{"nbformat": 4, "cells": [{"cell_type": "code", "source": "x = \'\\ud800\'"}]}',
                       "cell 1 holds characters that are not valid text"),
    "deep nesting": (b"[" * 100_000 + b"]" * 100_000, "it is not valid JSON"),
    "a huge number": (b'{"nbformat": ' + b"9" * 5000 + b"}", "it is not valid JSON"),
    "not UTF-8": (b'{"nbformat": 4, "cells": [{"cell_type": "code", "source": "\xff\xfe"}]}', "it is not valid JSON"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_anything_but_an_nbformat_4_notebook_is_a_usage_error_naming_the_file_and_the_fault(tmp_path, case):
    data, words = BROKEN[case]
    path = tmp_path / "work.ipynb"
    path.write_bytes(data)
    with pytest.raises(UsageError) as caught:
        read_cells(path)
    assert caught.value.exit_code == 2
    assert caught.value.message.startswith("work.ipynb ")
    assert words in caught.value.message
    assert "Traceback" not in caught.value.message


def test_a_notebook_in_another_language_is_refused(tmp_path):
    path = tmp_path / "work.ipynb"
    path.write_text(json.dumps({"nbformat": 4, "cells": [], "metadata": {"kernelspec": {"language": "R"}}}))
    with pytest.raises(UsageError, match="work.ipynb is a notebook for 'r', not Python"):
        read_cells(path)


def test_a_huge_notebook_is_refused_before_it_is_read(tmp_path, monkeypatch):
    monkeypatch.setattr(notebook, "MAX_NOTEBOOK_BYTES", 1000)
    path = write_notebook(tmp_path / "work.ipynb", "x = '" + "a" * 2000 + "'")
    with pytest.raises(UsageError) as caught:
        read_cells(path)
    assert "a notebook may be at most" in caught.value.message
    assert "Edit > Clear Outputs of All Cells" in caught.value.message


def test_too_much_code_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(notebook, "MAX_CODE_CHARS", 100)
    path = write_notebook(tmp_path / "work.ipynb", "x = 1\n" * 30)
    with pytest.raises(UsageError, match="The code cells of work.ipynb hold more than 100 characters"):
        read_cells(path)


def test_a_fifo_is_refused_without_blocking(tmp_path):
    path = tmp_path / "work.ipynb"
    os.mkfifo(path)
    with pytest.raises(UsageError, match="work.ipynb is not a regular file"):
        read_cells(path)


# --- what is kept -------------------------------------------------------------------------------------------------
def test_imports_definitions_constants_classes_and_aliases_are_kept():
    code = kept_code("import numpy as np\nfrom math import pi\n",
                     "EPS = 1e-5\nSIZES = (1, (2, 3))\nNAMES = ['a', 'b']\nH, W = 3, 4\nSCALE: float = -2.0\n",
                     "def conv2d_fast(x):\n    return np.sqrt(x) + EPS + pi\n\nconv2d = conv2d_fast\n"
                     "dtype = np.float64\nrelu = lambda x: np.maximum(x, 0)\n",
                     "class Layer:\n    size = 3\n\n    def forward(self, x):\n        return x\n",
                     "@staticmethod\ndef decorated():\n    pass\n", entry="conv2d")
    for line in ("import numpy as np", "from math import pi", "EPS = 1e-5", "SIZES = (1, (2, 3))",
                 "NAMES = ['a', 'b']", "H, W = 3, 4", "SCALE: float = -2.0", "def conv2d_fast(x):",
                 "conv2d = conv2d_fast", "dtype = np.float64", "relu = lambda x: np.maximum(x, 0)", "class Layer:",
                 "    def forward(self, x):", "@staticmethod", "def decorated():"):
        assert line in code.splitlines(), line


def test_calls_prints_plots_asserts_loops_and_test_code_are_left_out():
    cells = [Cell("cell 1", "import numpy as np\nimport matplotlib.pyplot as plt\n\ndef f(x):\n    return np.abs(x)\n"),
             Cell("cell 2", "x = np.random.randn(2, 3)\nprint(f(x))\nplt.imshow(x)\nplt.show()\nassert f(1) == 1\n"
                            "for i in range(3):\n    f(i)\nf(x)\nnp.random.seed(0)\nx.shape\n"
                            "if __name__ == '__main__':\n    f(2)\n"),
             Cell("cell 3", "while True:\n    pass\n")]
    found = definitions(cells, "f")
    tree = ast.parse(found.source)
    assert [type(node).__name__ for node in tree.body] == ["Import", "FunctionDef"]
    assert "matplotlib" not in found.source  # imported for the plots only
    assert found.graded == ["cell 1"]
    assert found.left_out == {"cell 2": ["computed values", "prints", "plots", "asserts", "loops", "calls",
                                         "displayed values", "a __main__ block"], "cell 3": ["loops"]}
    assert found.unused_imports == {"cell 1": ["matplotlib.pyplot"]}


def test_magics_shell_and_help_lines_are_blanked_and_a_cell_magic_drops_its_cell():
    cells = [Cell("cell 1", "%matplotlib inline\n!pip install scipy\nfiles = !ls\nt = %time 1\nnp.pad?\n??np\n"
                            "import numpy as np"),
             Cell("cell 2", "def f(x):\n    %timeit x\n    return np.pad(x, 1)  # why?\n"),
             Cell("cell 3", "%%time\ndef g():\n    pass\n"),
             Cell("cell 4", "\n%%capture\nprint(1)\n")]
    found = definitions(cells, "f")
    assert found.source.splitlines() == ["", "", "", "", "", "", "import numpy as np",
                                         "def f(x):", "    pass", "    return np.pad(x, 1)  # why?", ""]
    assert found.magics == {"cell 1": ["magics", "shell lines", "help lines"], "cell 2": ["magics"]}
    assert found.cell_magics == {"cell 3": "%%time", "cell 4": "%%capture"}
    assert found.missing("g") == (" Cell 3 defines g under %%time, a cell magic the grader does not run: remove the "
                                  "%%time line, or move g to a cell of its own.")


def test_magic_like_text_inside_strings_brackets_and_continued_lines_is_python():
    source = ('def f(x):\n    """What?\n    %d percent\n    !important"""\n    y = (x\n         % 2)\n'
              '    z = x \\\n        % 3\n    return "%s?" % y\n')
    assert kept_code(source) == source + "\n"  # the cell's last line break ends one more (empty) line


def test_top_level_await_and_a_future_import_are_handled():
    found = definitions([Cell("cell 1", "import asyncio\nawait asyncio.sleep(0)\n"),
                         Cell("cell 2", "from __future__ import annotations\ndef f(x: Later) -> Later:\n    return x\n")],
                        "f")
    assert found.source.splitlines()[0] == "from __future__ import annotations"
    assert found.where(1) == "" and found.where(6) == "cell 2, line 2"
    assert found.left_out == {"cell 1": ["calls"]}


def test_statements_sharing_a_line_are_split():
    found = definitions([Cell("cell 1", "import numpy as np; print(np.pi); EPS = 1\ndef f():\n    return np, EPS")],
                        "f")
    assert found.source.splitlines()[0] == "import numpy as np; EPS = 1"
    assert found.left_out == {"cell 1": ["prints"]}


def test_a_cell_that_does_not_parse_is_kept_as_it_is_and_ends_the_file():
    found = definitions([Cell("cell 1", "import numpy as np\nprint(1)"), Cell("cell 2", "def f(:\n    pass"),
                         Cell("cell 3", "def g():\n    pass")], "f")
    assert found.source == "import numpy as np\n\ndef f(:\n    pass\n"
    assert found.graded == ["cell 1", "cell 2"] and found.unparsed == "cell 2"
    assert found.where(3) == "cell 2, line 1"
    assert "Cell 2 does not parse, so later cells were not read." in found.note("work.ipynb")


# --- lines and words ----------------------------------------------------------------------------------------------
def test_every_generated_line_maps_back_to_its_cell_and_line():
    cells = [Cell("cell 2", "%matplotlib inline\nimport numpy as np\n"), Cell("cell 4", "print(1)\n"),
             Cell("cell 5", "x = f(2)\n\n\ndef f(x):\n    return np.abs(x)\n")]
    found = definitions(cells, "f")
    lines = found.source.splitlines()
    assert lines[found.lines.index(("cell 5", 4))] == "def f(x):"
    assert found.where(found.lines.index(("cell 5", 5)) + 1) == "cell 5, line 5"
    line = found.lines.index(("cell 5", 5)) + 1
    assert found.traceback(f'  File "exercise_2.py", line {line}, in f\n    return x\n  File "helper.py", line 1, in g',
                           "exercise_2.py") == '  Cell 5, line 5, in f\n    return x\n  File "helper.py", line 1, in g'
    assert found.where(0) == "" and found.where("3") == "" and found.where(10**6) == "cell 5, line 6"


def test_history_labels_are_used_as_they_are():
    found = definitions([Cell("In [3]", "import numpy as np"), Cell("In [7]", "def f():\n    return np.e\nf()")],
                        "f")
    assert found.where(3) == "In [7], line 2"
    assert found.note("your notebook") == ("From your notebook: graded the definitions in In [3] and In [7]; left "
                                           "out top-level code in In [7] (calls).")


def test_the_note_says_what_was_graded_and_what_was_left_out():
    cells = [Cell("cell 1", "%matplotlib inline"), Cell("cell 2", "import numpy as np"),
             Cell("cell 3", "def conv2d(x):\n    return np.abs(x)"), Cell("cell 4", "print(conv2d(1))\nassert True"),
             Cell("cell 5", "K = 3"), Cell("cell 6", "conv2d(2)")]
    assert definitions(cells, "conv2d").note("work.ipynb") == (
        "From work.ipynb: graded the definitions in cells 2, 3 and 5; left out top-level code in cells 4 and 6 "
        "(prints, asserts, calls) and magics in cell 1.")


def test_a_name_set_only_by_left_out_code_is_explained():
    found = definitions([Cell("cell 1", "import numpy as np\nK = np.ones(3)\nif True:\n    def g():\n        pass"),
                         Cell("cell 2", "def f(x):\n    return x * K + g()")], "f")
    assert found.undefined("K", 9, loading=False) == ("Cell 1 sets K with code the grader does not run (it computes "
                                                      "a value): set K inside the function that uses it, or as a "
                                                      "plain constant.")
    assert "inside an `if` block" in found.undefined("g", 9, loading=False)


def test_nothing_is_run_while_the_cells_are_read_and_filtered(tmp_path):
    marker = tmp_path / "ran"
    attack = (f"open({str(marker)!r}, 'w').write('top level')\nimport os\nos._exit(3)\n"
              f"X = open({str(marker)!r}, 'w')\n"
              f"def f(x=open({str(marker)!r}, 'w')):\n    return x\n"
              f"class C:\n    open({str(marker)!r}, 'w')\n")
    path = write_notebook(tmp_path / "attack.ipynb", attack, "%%bash\ntouch " + str(marker), "!touch " + str(marker))
    found = definitions(read_cells(path), "f")
    assert not marker.exists()
    assert "os._exit" not in found.source and "X = open" not in found.source
    assert "def f(x=open(" in found.source  # a default is part of the definition: it runs in the worker only


def test_deeply_nested_code_does_not_break_the_filter():
    found = definitions([Cell("cell 1", "x = " + "(" * 5000 + ")" * 5000), Cell("cell 2", "def f():\n    pass")], "f")
    assert found.unparsed == "cell 1" and found.where(1) == "cell 1, line 1"
