"""A case's result when the worker sent back no values to compare: the file did not load, or the call raised,
timed out, crashed or returned something other than arrays. Each message says what happened and what to do."""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path
from typing import Any

from ..results import CaseResult, Kind, Outcome
from ..sandbox.client import Reply
from ..sandbox.notebook_defs import Definitions
from ..spec.model import ArraySpec, Case, DictSpec, Exercise
from .compare import shape_text
from .diagnosis.model import Diagnosis
from .diagnosis.source import read_source_lines
from .pacing import SLOW_ADVICE

IMPORT_LINE = re.compile(r"\s*(import|from)\s")


def set_outcome(result: CaseResult, outcome: Outcome, kind: Kind, message: str) -> CaseResult:
    """A case that did not pass: it earns no points."""
    result.outcome, result.kind, result.message, result.points = outcome, kind, message, 0.0
    return result


class FailureMessages:
    """Explains worker replies for one submission, naming its file (`shown_as`) and the lines at fault. For a
    notebook, `cells` maps the generated file's lines back to cells: messages say "in cell 4, line 2"."""

    def __init__(self, exercise: Exercise, submission: Path, shown_as: str, cells: Definitions | None = None):
        self.exercise = exercise
        self.submission = submission
        self.file_name = submission.name
        self.shown_as = shown_as
        self.cells = cells
        self.noun = "notebook" if cells is not None else "file"
        self._source_lines: tuple[str, ...] | None = None

    @property
    def source_lines(self) -> tuple[str, ...]:
        """The submission's lines, read the first time an exception needs them."""
        if self._source_lines is None:
            self._source_lines = read_source_lines(self.submission)
        return self._source_lines

    def diagnose(self, result: CaseResult, error: dict, hidden: bool,
                 call_values: dict[str, Any] | None = None, loading: bool = False) -> Diagnosis | None:
        """The likely cause of the exception in `error`, kept in the result's details (without the case's values
        when `hidden`); `call_values` are the grader's own copy of the case's arguments, by parameter name;
        `loading`: the exception came while the file was imported, not from a call."""
        if call_values is not None:  # a parameter the case leaves out has its default's value
            call_values = {**signature_defaults(self.exercise.entry.signature), **call_values}
        diagnosis = self._notebook_name(error, loading)
        if diagnosis is not None:
            result.details["diagnosis"] = diagnosis.to_json(hidden)
            return diagnosis
        from .diagnosis.exceptions import explain_exception  # only a failing submission needs the analyses
        diagnosis = explain_exception(error, self.source_lines, hidden, self.file_name, call_values=call_values,
                                      line_name=self.cells.where if self.cells is not None else None)
        if diagnosis is not None:
            result.details["diagnosis"] = diagnosis.to_json(hidden)
        return diagnosis

    def _notebook_name(self, error: dict, loading: bool) -> Diagnosis | None:
        """A NameError in a notebook whose cause is the notebook's: a name defined in a later cell, or set only by
        code the grader leaves out."""
        said = re.fullmatch(r"name '(\w+)' is not defined", str(error.get("message", ""))[:200])
        if self.cells is None or error.get("type") != "NameError" or not said:
            return None
        why = self.cells.undefined(said.group(1), error.get("line"), loading)
        if not why:
            return None
        from .diagnosis.raised import read_raised
        raised = read_raised(error, self.source_lines, self.file_name, self.cells.where)
        name = "defined in a later cell" if "below this line" in why else "set by code the grader leaves out"
        return raised.found(name, why)

    def load_failure(self, result: CaseResult, reply: Reply) -> CaseResult:
        error = reply.header.get("error") or {}
        name = self.exercise.entry.name
        where = self.shown_as
        if reply.status == "syntax":
            said = error.get("message")
            said = self.cells.compiler_text(said) if self.cells is not None and isinstance(said, str) else said
            at = self.at_line(error) if self.cells is not None else f" on line {error.get('line')}"
            message = f"Your {self.noun} has a syntax error{at}: {said}. Fix it in {where} and grade again."
            return set_outcome(result, Outcome.ERROR, Kind.SYNTAX, message)
        if reply.status == "import":
            result.details["traceback"] = self.traceback(error)
            return set_outcome(result, Outcome.ERROR, Kind.IMPORT, self._import_message(result, error))
        if reply.status == "missing":
            signature = self.exercise.entry.signature
            if self.cells is not None:
                return set_outcome(result, Outcome.ERROR, Kind.MISSING,
                                   f"{where} has no function named '{name}'.{self.cells.missing(name)} Define "
                                   f"`def {signature}:` at the top level of a code cell.")
            return set_outcome(result, Outcome.ERROR, Kind.MISSING,
                               f"{where} has no function named '{name}'. Define `def {signature}:`.")
        if reply.status == "timeout":
            if self.cells is not None:
                return set_outcome(result, Outcome.TIMEOUT, Kind.IMPORT,
                                   f"Loading the imports and definitions of your notebook took longer than "
                                   f"{self.exercise.limits.import_seconds:g} s. Is one of its imports slow?")
            return set_outcome(result, Outcome.TIMEOUT, Kind.IMPORT,
                               f"Importing your file took longer than {self.exercise.limits.import_seconds:g} s. "
                               "Is there a long loop or a sleep at the top level of the file?")
        return set_outcome(result, Outcome.ERROR, Kind.CRASH,
                           f"Your {self.noun} stopped the worker process while it was being imported: {reply.detail}.")

    def call_failure(self, result: CaseResult, reply: Reply, limit: float, budget_bound: bool,
                     call_values: dict[str, Any] | None = None) -> CaseResult:
        """`call_values`: the case's arguments by parameter name (the grader's copy, never the worker's), so that an
        exception's diagnosis can name the argument at fault."""
        name = self.exercise.entry.name
        error = reply.header.get("error") or {}
        if reply.status == "not_implemented":
            return set_outcome(result, Outcome.NOT_ATTEMPTED, Kind.NOT_IMPLEMENTED,
                               f"Not implemented yet: {name} still raises NotImplementedError. Write your code in "
                               f"{self.shown_as}, then grade again.")
        if reply.status == "timeout":
            if budget_bound:
                return set_outcome(result, Outcome.NOT_RUN, Kind.BUDGET,
                                   "Stopped: the exercise's time budget ran out during this case.")
            return set_outcome(result, Outcome.TIMEOUT, Kind.TIMEOUT,
                               f"Your function did not finish within {limit:g} s. {SLOW_ADVICE}")
        if reply.status == "exception":
            result.details["traceback"] = "" if result.visibility == "hidden" else self.traceback(error)
            return set_outcome(result, Outcome.ERROR, Kind.EXCEPTION,
                               self._exception_message(result, error, call_values))
        if reply.status == "bad_output":
            return set_outcome(result, Outcome.FAILED, Kind.TYPE,
                               self._bad_output_message(reply.header.get("info") or {}))
        if reply.status == "crash":
            return set_outcome(result, Outcome.ERROR, Kind.CRASH, f"Your code stopped the worker process: "
                               f"{reply.detail}. The grader restarted it for the next case.")
        return set_outcome(result, Outcome.ERROR, Kind.PROTOCOL,
                           f"The worker sent something the grader cannot read ({reply.detail or reply.status}).")

    def _import_message(self, result: CaseResult, error: dict) -> str:
        """Why the file did not import. Code at the top level runs on import, so an error there is the learner's
        own and belongs inside a function; but that advice is wrong for an import that cannot work here."""
        from .diagnosis.python_errors import ONLY_NUMPY
        module = unavailable_module(error)
        if module:  # this message is the whole explanation: a diagnosis would only repeat it
            return (f"Your {self.noun} imports {module}{self.at_line(error)}, which is not available here: "
                    f"{ONLY_NUMPY} Remove that import and write that part with NumPy, then grade again.")
        diagnosis = self.diagnose(result, error, hidden=False, loading=True)  # no case's values: none ran yet
        note = diagnosis.note(False) if diagnosis is not None else ""
        if self.cells is not None:
            head = _sentence(f"Your notebook raised {error.get('type')}{self.at_line(error)} when the grader loaded "
                             f"its definitions: {error.get('message')}")
        else:
            head = _sentence(f"Your file raised {error.get('type')} while it was being imported{self.at_line(error)}: "
                             f"{error.get('message')}")
        if error.get("type") in ("ImportError", "ModuleNotFoundError") or IMPORT_LINE.match(self._raising_code(error)):
            return head + note if note else f"{head} That import cannot work when your work is graded: {ONLY_NUMPY}"
        if self.cells is not None:  # its top-level calls were left out: what ran is an import, a definition's
            #                          decorator or default, or a constant naming something not defined yet
            return head + note if note else (f"{head} The grader runs your notebook's imports, definitions and "
                                             "constants once, in cell order, from the top.")
        return f"{head} Code at the top level of {self.shown_as} runs on import; keep it inside functions.{note}"

    def _raising_code(self, error: dict) -> str:
        line = error.get("line")
        if self._other_file(error) or not isinstance(line, int) or not 0 < line <= len(self.source_lines):
            return ""
        return self.source_lines[line - 1]

    def _exception_message(self, result: CaseResult, error: dict, call_values: dict[str, Any] | None = None) -> str:
        raised = error.get("type", "Exception")
        if raised == "SystemExit":
            return "Your function called sys.exit() (or exit()). Return a value instead of exiting."
        if raised == "MemoryError":
            return (f"Your function ran out of memory (the limit is {self.exercise.limits.memory_mb} MB). "
                    "Avoid building arrays much larger than the input.")
        hidden = result.visibility == "hidden"
        diagnosis = self.diagnose(result, error, hidden, call_values)
        said = error.get("message", "")
        if hidden:
            text = _sentence(f"Your function raised {raised}{self.at_line(error)} on a hidden case")
        else:
            text = f"Your function raised {raised}{self.at_line(error)}" + (f": {said}" if said else "")
        if diagnosis is None:
            return text
        return _sentence(text) + diagnosis.note(hidden)

    def _bad_output_message(self, info: dict) -> str:
        entry = self.exercise.entry
        wanted = f"a tuple of {len(entry.output_names)} NumPy arrays ({', '.join(entry.output_names)})" \
            if entry.returns == "tuple" else "a NumPy array"
        problem = info.get("kind")
        if problem == "bad_dtype":
            return (f"Expected {wanted} of numbers, but your array has dtype {info.get('dtype')}. "
                    "Build the output with np.zeros(..., dtype=float) or from arithmetic on the inputs.")
        if problem == "bad_shape":
            return (f"Expected {wanted}, but your array has a shape no output of this exercise can have "
                    f"({info.get('ndim', 'too many')} dimensions, or one of them far too long). "
                    "Check how you build the output's shape.")
        if problem == "too_large":
            if not info.get("shape") or not info.get("nbytes"):  # a forged description: say only what is known
                return "Your output is far larger than expected. Check the output size formula."
            return (f"Your output of shape {shape_text(info.get('shape', []))} is far larger than expected "
                    f"({info.get('nbytes', 0) >> 20} MB). Check the output size formula.")
        type_name = info.get("type", "something else")
        if type_name == "NoneType":
            return f"Expected {wanted}, but your function returned None. Did you forget a `return` statement?"
        if type_name == "tuple" and entry.returns != "tuple":
            return f"Expected {wanted}, but your function returned a tuple. Return the array itself, not a tuple."
        if type_name == "list" and entry.returns != "tuple":
            return f"Expected {wanted}, but your function returned a list. Wrap it with np.array(...)."
        return f"Expected {wanted}, but your function returned {type_name}."

    def partial_message(self, result: CaseResult, error: dict, case: Case | None) -> str:
        """A NotImplementedError on some cases only: the learner's own unfinished branch, with its words and line."""
        said = error.get("message", "")
        if result.visibility == "hidden":
            return (f"Your function raised NotImplementedError{self.at_line(error)} on a hidden case: your code "
                    "does not handle that input yet. Finish that part, then grade again.")
        head = _sentence(f"Your function raised NotImplementedError{self.at_line(error)}"
                         + (f": {said}" if said else ""))
        options = used_options(self.exercise, case) if case is not None else []
        if options:
            return (f"{head} You raise NotImplementedError for this input: the case uses {', '.join(options)}. "
                    "Finish the part of your code that handles it, then grade again.")
        return f"{head} You raise NotImplementedError for this input. Finish that part of your code, then grade again."

    def at_line(self, error: dict) -> str:
        """Where the error happened, e.g. ' on line 12' (' on line 3 of helpers.py' in another file, ' in cell 4,
        line 2' in a notebook)."""
        if not error.get("line"):
            return ""
        other = self._other_file(error)
        if self.cells is not None and not other:
            where = self.cells.where(error["line"])
            return f" in {where}" if where else ""
        return f" on line {error['line']}" + (f" of {other}" if other else "")

    def traceback(self, error: dict) -> str:
        """The traceback the worker sent, its frames in a notebook named by cell."""
        text = error.get("traceback", "")
        return self.cells.traceback(text, self.file_name) if self.cells is not None else text

    def _other_file(self, error: dict) -> str:
        """The file of the line that raised, when it is not the submission (a helper file next to it); else ""."""
        traceback = error.get("traceback")
        files = re.findall(r'File "([^"]+)", line', traceback if isinstance(traceback, str) else "")
        return files[-1] if files and files[-1] != self.file_name else ""


def unavailable_module(error: dict) -> str:
    """The module a ModuleNotFoundError names, when it is neither NumPy nor in the standard library (e.g. scipy)."""
    if error.get("type") != "ModuleNotFoundError":
        return ""
    found = re.match(r"No module named '([^']+)'", error.get("message", ""))
    if not found:
        return ""
    top = found.group(1).split(".")[0]
    return "" if top == "numpy" or top in sys.stdlib_module_names else found.group(1)


def used_options(exercise: Exercise, case: Case) -> list[str]:
    """The optional parameters a case sets away from their defaults, as `name=value` (arrays by name only)."""
    defaults = signature_defaults(exercise.entry.signature)
    required = {param.name for param in exercise.entry.params if param.required}
    options = []
    for name, spec in case.args:
        if name in required:
            continue
        if isinstance(spec, (ArraySpec, DictSpec)):
            options.append(f"a {name}")
        elif name not in defaults or defaults[name] != spec:
            options.append(f"{name}={tuple(spec) if isinstance(spec, list) else spec!r}")
    return options


def signature_defaults(signature: str) -> dict[str, Any]:
    """{parameter: default} of a signature such as "conv2d(x, weight, bias=None, stride=1)"; literals only."""
    try:
        args = ast.parse(f"def {signature}: pass").body[0].args
    except SyntaxError:
        return {}
    named = args.args[len(args.args) - len(args.defaults):] if args.defaults else []
    defaults = {}
    for arg, value in zip(named, args.defaults):
        try:
            defaults[arg.arg] = ast.literal_eval(value)
        except ValueError:
            pass  # not a literal: any value the case gives counts as an option
    return defaults


def _sentence(text: str) -> str:
    text = text.rstrip()
    return text if text.endswith((".", "!", "?")) else text + "."
