"""The terminal summary: short, readable, coloured on a terminal and plain elsewhere."""

from __future__ import annotations

import os
import sys
import textwrap
import unicodedata

from ..results import CaseResult, GradeResult, Outcome, printable, without_mistake_note

_COLORS = {"green": "32", "red": "31", "yellow": "33", "dim": "2", "bold": "1"}
_MARKS = {Outcome.PASSED: ("✓", "green"), Outcome.FAILED: ("✗", "red"), Outcome.ERROR: ("✗", "red"),
          Outcome.TIMEOUT: ("⏱", "yellow"), Outcome.NOT_ATTEMPTED: ("·", "yellow"), Outcome.NOT_RUN: ("-", "dim")}
DETAILED_FAILURES = 3  # messages shown in full; the rest are one line each (the HTML report has them all)


def use_color(stream=None) -> bool:
    stream = stream or sys.stdout
    return hasattr(stream, "isatty") and stream.isatty() and not os.environ.get("NO_COLOR") \
        and os.environ.get("TERM") != "dumb"


def format_summary(result: GradeResult, color: bool = False) -> str:
    def paint(text: str, name: str) -> str:
        return f"\033[{_COLORS[name]}m{text}\033[0m" if color else text

    lines = [paint(f"{result.exercise} — {result.title}", "bold")]
    failures = [case for case in result.cases if not case.passed]
    uniform = len({(case.outcome, case.kind) for case in failures}) == 1 and len(failures) == len(result.cases)
    texts = _Messages(result)
    if uniform and len(result.cases) > 1:
        case = failures[0]
        mark, tint = _MARKS.get(case.outcome, ("?", "red"))
        lines.append(paint(f"  {mark} all {len(result.cases)} {_noun(result)}: {case.outcome.replace('_', ' ')}", tint))
        lines.extend(_wrap(texts.for_group(failures), "      "))
    else:
        lines.extend(_case_lines(result, texts, paint))
    passed = result.count(Outcome.PASSED)
    score = f"Score: {_num(result.score)}/{_num(result.max_score)} ({passed} of {len(result.cases)} {_noun(result)} passed)"
    lines.append(paint(score, "green" if result.all_passed else "bold"))
    if result.summary and not result.all_passed:
        lines.extend(_wrap(result.summary, "", width=90))
    for note in result.notes:
        lines.extend(textwrap.wrap(visible(note), width=90))
    return printable("\n".join(lines))


def _case_lines(result: GradeResult, texts: "_Messages", paint) -> list[str]:
    """One line per case; a run of cases not run for one reason is one line that says the reason."""
    width = min(44, max(len(case.name) for case in result.cases)) if result.cases else 10
    lines, shown, index = [], 0, 0
    while index < len(result.cases):
        case = result.cases[index]
        if case.outcome == Outcome.NOT_RUN:
            group = _same_reason(result.cases, index)
            if len(group) > 1 or case.details.get("stop_reason"):
                lines.extend(_not_run_line(group, paint))
                index += len(group)
                continue
        index += 1
        mark, tint = _MARKS.get(case.outcome, ("?", "red"))
        points = f"{_num(case.points)}/{_num(case.max_points)}"
        name = visible(case.name)
        label = name if len(name) <= width else name[: width - 1] + "…"
        named = case.details.get("misconception")
        kind = f"{case.kind or case.outcome} · {named}" if named else (case.kind or case.outcome)
        tail = "" if case.passed else paint(f"  {kind}", "dim")
        lines.append(f"  {paint(mark, tint)} {label:<{width}} {points:>7}{tail}")
        if not case.passed and shown < DETAILED_FAILURES:
            message = texts.for_case(case)
            if message:  # "" when the same words were already printed above
                shown += 1
                lines.extend(_wrap(message, "      "))
    return lines


def _same_reason(cases: list[CaseResult], start: int) -> list[CaseResult]:
    group = [cases[start]]
    for case in cases[start + 1:]:
        if case.outcome != Outcome.NOT_RUN or case.message != group[0].message:
            break
        group.append(case)
    return group


def _not_run_line(group: list[CaseResult], paint) -> list[str]:
    mark, tint = _MARKS[Outcome.NOT_RUN]
    who = f"{len(group)} cases not run" if len(group) > 1 else f"'{visible(group[0].name)}' not run"
    reason = group[0].details.get("stop_reason")
    if reason:  # the short reason fits on the line; the report and JSON have the full message
        return [f"  {paint(mark, tint)} {who} — {visible(reason)}"]
    return [f"  {paint(mark, tint)} {who}:", *_wrap(group[0].message, "      ")]


class _Messages:
    """The words printed for failing cases: each message once, and a known mistake's explanation once per run
    (not at all when the run's summary already gives it)."""

    def __init__(self, result: GradeResult):
        self.summary = result.summary
        self.quiz = result.kind == "quiz"
        self.printed: set[str] = set()

    def text(self, case: CaseResult) -> str:
        bare = without_mistake_note(case.message)
        explanation = case.message[len(bare):].partition(": ")[2]
        if not explanation or explanation in self.summary or explanation in self.printed:
            return bare
        self.printed.add(explanation)
        return case.message

    def for_case(self, case: CaseResult) -> str:
        message = self.text(case)
        if not message or message in self.printed:
            return ""
        self.printed.add(message)
        return message

    def for_group(self, cases: list[CaseResult]) -> str:
        """The message that explains a run where every case failed the same way (unless the summary says it)."""
        shown = next((case for case in cases if case.visibility != "hidden"), cases[0])
        message = self.text(shown)
        if not message or message == self.summary:
            return ""
        if any(case.message != shown.message for case in cases):
            # one quiz answer says nothing about the others; one case of an exercise shows what to fix first
            return "" if self.quiz else f"For example, '{shown.name}': {message}"
        return message


def _wrap(text: str, indent: str, width: int = 88) -> list[str]:
    return textwrap.wrap(visible(text), width=width, break_on_hyphens=False, break_long_words=False,
                         initial_indent=indent, subsequent_indent=indent)


def visible(text: str) -> str:
    """Learner text with control and format characters shown as escapes: no ANSI codes, carriage returns or
    bidi overrides can repaint, hide or reorder what the grader prints (e.g. a fake "✓ all passed" line)."""
    return "".join(ch if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cf") else ascii(ch)[1:-1]
                   for ch in printable(text))


def _noun(result: GradeResult) -> str:
    return "questions" if result.kind == "quiz" else "cases"


def _num(value: float) -> str:
    return f"{value:g}"
