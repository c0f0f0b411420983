"""`python -m grader` is the same as the `grade` command."""

from .cli import run

run()
