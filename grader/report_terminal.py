"""The terminal summary: short, readable, coloured on a terminal and plain elsewhere."""

from __future__ import annotations

import os
import sys
import textwrap
import unicodedata

from . import results as R

_COLORS = {"green": "32", "red": "31", "yellow": "33", "dim": "2", "bold": "1"}
_MARKS = {R.PASSED: ("✓", "green"), R.FAILED: ("✗", "red"), R.ERROR: ("✗", "red"), R.TIMEOUT: ("⏱", "yellow"),
          R.NOT_ATTEMPTED: ("·", "yellow"), R.NOT_RUN: ("-", "dim")}
DETAILED_FAILURES = 3  # messages shown in full; the rest are one line each (the HTML report has them all)


def use_color(stream=None) -> bool:
    stream = stream or sys.stdout
    return hasattr(stream, "isatty") and stream.isatty() and not os.environ.get("NO_COLOR") \
        and os.environ.get("TERM") != "dumb"


def format_summary(result: R.GradeResult, color: bool = False) -> str:
    def paint(text: str, name: str) -> str:
        return f"\033[{_COLORS[name]}m{text}\033[0m" if color else text

    lines = [paint(f"{result.exercise} — {result.title}", "bold")]
    failures = [case for case in result.cases if not case.passed]
    uniform = len({(case.outcome, case.kind) for case in failures}) == 1 and len(failures) == len(result.cases)
    if uniform and len(result.cases) > 1:
        case = failures[0]
        mark, tint = _MARKS.get(case.outcome, ("?", "red"))
        lines.append(paint(f"  {mark} all {len(result.cases)} {_noun(result)}: {case.outcome.replace('_', ' ')}", tint))
    else:
        width = min(44, max(len(case.name) for case in result.cases)) if result.cases else 10
        shown = 0
        for case in result.cases:
            mark, tint = _MARKS.get(case.outcome, ("?", "red"))
            points = f"{_num(case.points)}/{_num(case.max_points)}"
            name = visible(case.name)
            label = name if len(name) <= width else name[: width - 1] + "…"
            named = case.details.get("misconception")
            kind = f"{case.kind or case.outcome} · {named}" if named else (case.kind or case.outcome)
            tail = "" if case.passed else paint(f"  {kind}", "dim")
            lines.append(f"  {paint(mark, tint)} {label:<{width}} {points:>7}{tail}")
            if not case.passed and case.message and shown < DETAILED_FAILURES:
                shown += 1
                lines.extend(textwrap.wrap(visible(case.message), width=88, break_on_hyphens=False, break_long_words=False, initial_indent="      ",
                                           subsequent_indent="      "))
    passed = result.count(R.PASSED)
    score = f"Score: {_num(result.score)}/{_num(result.max_score)} ({passed} of {len(result.cases)} {_noun(result)} passed)"
    lines.append(paint(score, "green" if result.all_passed else "bold"))
    if result.summary and not result.all_passed:
        lines.extend(textwrap.wrap(visible(result.summary), width=90, break_on_hyphens=False, break_long_words=False))
    for note in result.notes:
        lines.extend(textwrap.wrap(visible(note), width=90))
    return "\n".join(lines)


def visible(text: str) -> str:
    """Learner text with control and format characters shown as escapes: no ANSI codes, carriage returns or
    bidi overrides can repaint, hide or reorder what the grader prints (e.g. a fake "✓ all passed" line)."""
    return "".join(ch if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cf") else ascii(ch)[1:-1]
                   for ch in text)


def _noun(result: R.GradeResult) -> str:
    return "questions" if result.kind == "quiz" else "cases"


def _num(value: float) -> str:
    return f"{value:g}"
