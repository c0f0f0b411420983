"""Instructor commands behind the CLI: `grade validate`, `grade new` and `grade release`."""

from __future__ import annotations


def cmd_validate(args) -> int:
    from .validate import cmd_validate as run
    return run(args)


def cmd_new(args) -> int:
    from .new import cmd_new as run
    return run(args)


def cmd_release(args) -> int:
    from .release import cmd_release as run
    return run(args)
