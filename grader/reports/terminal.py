"""The terminal summary: short, readable, coloured on a terminal and plain elsewhere."""

from __future__ import annotations

import os
import sys
import textwrap
import unicodedata

from ..results import (CaseResult, GradeResult, Outcome, case_diagnosis, diagnosis_words, leading_cause,
                       mistake_note, printable, without_mistake_note)

_COLORS = {"green": "32", "red": "31", "yellow": "33", "dim": "2", "bold": "1"}
_MARKS = {Outcome.PASSED: ("✓", "green"), Outcome.FAILED: ("✗", "red"), Outcome.ERROR: ("✗", "red"),
          Outcome.TIMEOUT: ("⏱", "yellow"), Outcome.NOT_ATTEMPTED: ("·", "yellow"), Outcome.NOT_RUN: ("-", "dim")}
DETAILED_FAILURES = 3  # messages shown in full; the rest are one line each (the HTML report has them all)
GROUP_NAMES = 4  # the names listed for a group of cases that share one diagnosis


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
        names = {(case_diagnosis(case) or {}).get("name") for case in failures}
        named = f" · {names.pop()}" if len(names) == 1 and None not in names else ""
        lines.append(paint(f"  {mark} all {len(result.cases)} {_noun(result)}: {case.outcome.replace('_', ' ')}"
                           f"{named}", tint))
        lines.extend(_wrap(texts.for_group(failures), "      "))
        lines.extend(_wrap(texts.cause(failures), "      "))
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
    """One line per case; a run of cases not run for one reason is one line that says the reason, and the cases
    that share one diagnosis are one line that names it."""
    groups = _diagnosis_groups(result.cases)
    labels = [case.name for case in result.cases] + [_group_label(members) for members in groups]
    width = min(44, max(map(len, labels))) if labels else 10
    grouped = {id(case): members for members in groups for case in members}
    lines, index = [], 0
    while index < len(result.cases):
        case = result.cases[index]
        if case.outcome == Outcome.NOT_RUN:
            group = _same_reason(result.cases, index)
            if len(group) > 1 or case.details.get("stop_reason"):
                lines.extend(_not_run_line(group, paint))
                index += len(group)
                continue
        index += 1
        members = grouped.get(id(case))
        if members is not None:
            if case is members[0]:
                lines.extend(_group_lines(members, width, texts, paint))
            continue
        mark, tint = _MARKS.get(case.outcome, ("?", "red"))
        diagnosis = case_diagnosis(case)
        kind = case.kind or case.outcome
        tail = "" if case.passed else paint(f"  {kind} · {diagnosis['name']}" if diagnosis else f"  {kind}", "dim")
        lines.append(f"  {paint(mark, tint)} {_label(visible(case.name), width)} {_points([case]):>7}{tail}")
        if not case.passed:
            lines.extend(_wrap(texts.for_case(case), "      "))
            lines.extend(_wrap(texts.cause([case]), "      "))
    return lines


def _diagnosis_groups(cases: list[CaseResult]) -> list[list[CaseResult]]:
    """The failing cases that share one diagnosis, two or more to a group, in the order of their first case."""
    by_name: dict[str, list[CaseResult]] = {}
    for case in cases:
        diagnosis = case_diagnosis(case)
        if diagnosis:
            by_name.setdefault(diagnosis["name"], []).append(case)
    return [members for members in by_name.values() if len(members) > 1]


def _group_label(members: list[CaseResult]) -> str:
    return visible(f"{len(members)} cases: {case_diagnosis(members[0])['name']}")


def _group_lines(members: list[CaseResult], width: int, texts: "_Messages", paint) -> list[str]:
    kinds = " / ".join(dict.fromkeys(str(case.kind or case.outcome) for case in members))
    mark, tint = _MARKS[Outcome.FAILED]
    lines = [f"  {paint(mark, tint)} {_label(_group_label(members), width)} "
             f"{_points(members):>7}{paint(f'  {kinds}', 'dim')}"]
    shown = [visible(case.name) for case in members[:GROUP_NAMES]]
    more = len(members) - len(shown)
    lines.extend(paint(line, "dim") for line in _wrap(", ".join(shown) + (f" and {more} more" if more else ""),
                                                      "      "))
    example = next((case for case in members if case.visibility != "hidden"), members[0])
    message = texts.for_case(example)
    if message:
        lines.extend(_wrap(f"For example, '{example.name}': {message}", "      "))
    lines.extend(_wrap(texts.cause(members), "      "))
    return lines


def _label(name: str, width: int) -> str:
    return f"{name:<{width}}" if len(name) <= width else name[: width - 1] + "…"


def _points(cases: list[CaseResult]) -> str:
    return f"{_num(sum(case.points for case in cases))}/{_num(sum(case.max_points for case in cases))}"


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
    """The words printed for failing cases: each message once, at most DETAILED_FAILURES of them, without their
    diagnosis; each diagnosis's evidence and fix once per run (not at all when the run's summary gives them)."""

    def __init__(self, result: GradeResult):
        self.summary = result.summary
        self.quiz = result.kind == "quiz"
        self.printed: set[str] = set()
        self.explained: set[str] = set()  # diagnosis names already said
        lead = leading_cause(result)
        if lead is not None and lead.sentence() in self.summary:
            self.explained.add(lead.name)

    def for_case(self, case: CaseResult) -> str:
        message = without_mistake_note(case.message)
        if not message or message in self.printed or len(self.printed) >= DETAILED_FAILURES:
            return ""
        self.printed.add(message)
        return message

    def cause(self, cases: list[CaseResult]) -> str:
        """The diagnosis of these cases (one, from the first public case), unless it was said already."""
        example = next((case for case in cases if case.visibility != "hidden"), cases[0])
        diagnosis = case_diagnosis(example)
        if diagnosis is None or diagnosis["name"] in self.explained:
            return ""
        self.explained.add(diagnosis["name"])
        said = diagnosis_words(diagnosis["evidence"], diagnosis["explanation"])
        return mistake_note(diagnosis["name"], said).lstrip() if said else ""

    def for_group(self, cases: list[CaseResult]) -> str:
        """The message that explains a run where every case failed the same way (unless the summary says it)."""
        shown = next((case for case in cases if case.visibility != "hidden"), cases[0])
        message = without_mistake_note(shown.message)
        if not message or message == self.summary:
            return ""
        if any(without_mistake_note(case.message) != message for case in cases):
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
