"""`grade hint EXERCISE-ID [N] [--all]`: the next hint, hint N again, or every hint; shown hints count as seen."""

from __future__ import annotations

import textwrap
from pathlib import Path

from ..errors import EXIT_OK, UsageError
from ..spec.catalog import find_exercise
from ..spec.model import Exercise
from ..workspace import Workspace


def show_hint(exercise_id: str, *, number: int | None, every: bool, workspace: Path | None) -> int:
    """`number` is 1-based; `every` is --all."""
    exercise = find_exercise(exercise_id)
    space = Workspace(workspace)
    total = len(exercise.hints)
    if not total:
        print(f"{exercise.id} has no hints. The docstring in your file explains the task: `grade start {exercise.id}`.")
        return EXIT_OK
    seen = space.next_hint_index(exercise.id)
    shown = _hints_to_show(exercise, seen, number, every)
    if shown[-1] + 1 > seen:
        seen = shown[-1] + 1
        space.mark_hint_seen(exercise.id, seen)
    for index in shown:
        print(f"Hint {index + 1} of {total} for {exercise.id}:")
        print(textwrap.fill(exercise.hints[index], width=88, initial_indent="  ", subsequent_indent="  ",
                            break_on_hyphens=False, break_long_words=False))
    if seen < total:
        print(f"Try it with `grade {exercise.id}`; `grade hint {exercise.id}` shows hint {seen + 1}.")
    else:
        print(f"Try it with `grade {exercise.id}`; its HTML report shows each failing public case in detail.")
    return EXIT_OK


def _hints_to_show(exercise: Exercise, seen: int, number: int | None, every: bool) -> list[int]:
    """0-based indexes of the hints asked for: all of them, hint `number`, or the next unseen one."""
    total = len(exercise.hints)
    if every and number is not None:
        raise UsageError(f"give a hint number or --all, not both: `grade hint {exercise.id} --all`.")
    if every:
        return list(range(total))
    if number is not None:
        if not 1 <= number <= total:
            raise UsageError(f"{exercise.id} has {total} hint(s): give a number from 1 to {total}, "
                             f"e.g. `grade hint {exercise.id} 1`.")
        return [number - 1]
    if seen >= total:
        print(f"You have seen all {total} hints; here is the last one again "
              f"(`grade hint {exercise.id} --all` shows them all).")
        return [total - 1]
    return [seen]
