"""Errors the grader reports to people: each carries its exit code and names the file and line at fault."""

from __future__ import annotations

EXIT_OK = 0  # every case passed
EXIT_FAILED = 1  # the submission was graded and lost points (or did not import)
EXIT_USAGE = 2  # bad command line, or a definition/answers file the grader cannot use
EXIT_INTERNAL = 3  # a bug in the grader itself; the result written still says so


class GraderError(Exception):
    """An error with a learner- or instructor-facing message and the exit code it ends the run with."""

    exit_code = EXIT_USAGE

    def __init__(self, message: str, exit_code: int | None = None):
        super().__init__(message)
        self.message = message
        if exit_code is not None:
            self.exit_code = exit_code

    def __str__(self) -> str:
        return self.message


class UsageError(GraderError):
    """The command line asks for something that does not exist or cannot be done."""


class DefinitionError(GraderError):
    """An exercise, quiz or answers file is malformed; the message starts with `file:line:`."""

    def __init__(self, path, line: int | None, message: str):
        where = f"{path}:{line}" if line else f"{path}"
        super().__init__(f"{where}: {message}")
        self.path = str(path)
        self.line = line
        self.detail = message
