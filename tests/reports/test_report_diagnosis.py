"""Where the learner reads a diagnosis: the HTML report's panel and grouped cards, and the terminal (the cause once,
cases that share it on one line)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import numpy as np

from diagnosed_results import BIAS, FLIPPED, FLIPPED_HIDDEN, diagnosed, flipped_run, passed
from grader.grading.runner import summarize
from grader.reports import heatmap
from grader.reports.html import render_html
from grader.reports.terminal import format_summary
from grader.results import CaseResult, GradeResult, Kind, Outcome


def summarized(result: GradeResult) -> GradeResult:
    result.summary = summarize(result)
    return result


def panel_of(html: str) -> str:
    found = re.search(r'<section class="cause".*?</section>', html, flags=re.S)
    return found.group(0) if found else ""


def cards(html: str) -> list[str]:
    return re.findall(r"<article.*?</article>", html, flags=re.S)


def outlined_cells(svg: str) -> int:
    paths = ET.fromstring(svg).findall("path")
    return paths[0].get("d").count("M") if paths else 0


# --- the panel ----------------------------------------------------------------------------------

def test_the_report_opens_with_the_likely_cause_its_evidence_fix_and_picture():
    html = render_html(summarized(flipped_run()))
    panel = panel_of(html)
    assert html.index('<section class="cause"') < html.index("<article")
    assert '<h2 id="cause-title">kernel flipped</h2>' in panel
    assert "Likely cause of 22 of the 23 failing cases" in panel
    # the picture is the first public case with more than one value, and the evidence is that case's
    assert "case “public 0”" in panel and "at all 16 positions." in panel
    assert "Use the kernel as it is (cross-correlation): delete the <code>[::-1, ::-1]</code>." in panel
    svgs = re.findall(r"<svg.*?</svg>", panel, flags=re.S)
    assert len(svgs) == 2 and "expected</b>" in panel and "yours</b>" in panel
    assert "all 16 values differ" in panel and outlined_cells(svgs[0]) == 0  # all differ: nothing to single out
    # the summary's count and cause are what the panel shows: not said twice
    assert '<p class="summary">' not in html


def test_the_cells_that_differ_are_outlined_and_labelled():
    cases = [diagnosed(f"border {n}", FLIPPED, side=4, wrong_border=True) for n in range(2)]
    panel = panel_of(render_html(summarized(GradeResult("exercise-2", "conv2d", cases))))
    svgs = re.findall(r"<svg.*?</svg>", panel, flags=re.S)
    assert [outlined_cells(svg) for svg in svgs] == [7, 7]  # first row and first column of a 4x4
    assert 'stroke-dasharray' in svgs[1] and "7 outlined as different" in svgs[1]
    assert "dashed outline: the 7 of 16 values that differ" in panel
    titles = [t.text for t in ET.fromstring(svgs[1]).iter("title")]
    assert "row 0, col 3: 0 (differs)" in titles and "row 1, col 1: 1.5" in titles


def test_rounding_noise_is_not_outlined():
    expected = np.array([[1e-3, 2.0], [3.0, 0.0]])
    got = expected * (1 + 1e-9) + np.array([[0, 0], [0, 1e-12]])
    assert not heatmap.differing_cells(expected, got).any()
    got[0, 0] = 1.1e-3
    assert heatmap.differing_cells(expected, got).tolist() == [[True, False], [False, False]]


def test_learner_text_in_a_diagnosis_is_escaped():
    evil = {"name": "<img src=x onerror=alert(1)>", "source": "structural",
            "explanation": "`</code><script>alert(2)</script>` then `ok`",
            "evidence": 'line 3 reads `"><script>alert(3)</script>`'}
    cases = [diagnosed(f"c{n}", evil) for n in range(2)] + [diagnosed("lone", dict(evil, name="<b>x</b>"))]
    html = render_html(summarized(GradeResult("exercise-2", "conv2d", cases)))
    assert "<script" not in html and "<img" not in html and "<b>x</b>" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<code>&#34;&gt;&lt;script&gt;alert(3)&lt;/script&gt;</code>" in html
    assert "<code>&lt;/code&gt;&lt;script&gt;alert(2)&lt;/script&gt;</code> then <code>ok</code>" in html


def test_no_panel_and_one_card_per_case_without_diagnoses():
    cases = [passed("a"), CaseResult("b", 1, Outcome.FAILED, kind=Kind.VALUES, message="wrong"),
             CaseResult("c", 1, Outcome.FAILED, kind=Kind.VALUES, message="wrong")]
    html = render_html(summarized(GradeResult("exercise-2", "conv2d", cases)))
    assert panel_of(html) == "" and "Likely cause" not in html
    assert len(cards(html)) == 3 and '<p class="summary">' in html


def test_hidden_cases_give_their_safe_evidence_and_are_never_drawn():
    cases = [diagnosed(f"hidden {n}", FLIPPED, hidden=True) for n in range(3)]
    cases[0].details["preview"] = {"index": [0, 0], "expected": [[1.0, 2.0]], "got": [[3.0, 4.0]]}
    cases[0].details["inputs"] = {"x": {"values": [[123456.0]]}}
    html = render_html(summarized(GradeResult("exercise-2", "conv2d", [passed("p"), *cases])))
    assert FLIPPED_HIDDEN[1:] + "." in panel_of(html)
    assert "<svg" not in html and "123456" not in html and "Line 7" not in html


# --- grouped cards ------------------------------------------------------------------------------

def test_cases_sharing_a_diagnosis_are_one_card():
    html = render_html(summarized(flipped_run()))
    assert len(cards(html)) == 3 + 1 + 1  # the passed cases, the kernel-flipped group, the lone bias case
    group = next(card for card in cards(html) if "kernel flipped · 22 cases" in card)
    assert "0/22" in group and "The likely cause at the top of this report." in group
    assert "single value</span>, <span class=\"name\">public 0</span>" in group and "and 12 hidden cases" in group
    assert "Hidden cases in this group (12)" in group and "hidden 11" in group
    assert "Details of “single value”" in group
    assert group.count("Likely cause — ") == 0  # the note is laid out, not repeated in the message
    lone = next(card for card in cards(html) if "bias case 0" in card)
    assert "Likely cause: bias added twice" in lone and "Your output minus the expected is the bias" in lone


def test_a_second_diagnosis_shared_by_cases_is_a_group_with_its_own_words():
    result = flipped_run(others=2)
    html = render_html(summarized(result))
    group = next(card for card in cards(html) if "bias added twice · 2 cases" in card)
    assert "Add the bias once, after the sum." in group and "bias case 1" in group


def test_identical_not_run_and_not_implemented_cards_are_grouped():
    said = "Not run: the time budget (45 s) was used up by earlier cases."
    todo = "Your function raises NotImplementedError: finish it first."
    cases = [passed("a")]
    cases += [CaseResult(f"todo {n}", 1, Outcome.ERROR, kind=Kind.NOT_IMPLEMENTED, message=todo) for n in range(3)]
    cases += [CaseResult(f"late {n}", 1, Outcome.NOT_RUN, kind=Kind.BUDGET, message=said) for n in range(4)]
    html = render_html(GradeResult("exercise-2", "conv2d", cases, summary="1 of 8 cases passed."))
    assert len(cards(html)) == 3
    assert "✗ not run · 4 cases" in html and html.count(said) == 1
    assert "✗ error · 3 cases" in html and html.count(todo) == 1


def test_quiz_questions_left_unanswered_keep_their_own_cards():
    cases = [CaseResult(f"q{n}", 1, Outcome.NOT_ATTEMPTED, kind=Kind.UNANSWERED, message="",
                        details={"question": f"Question {n}?", "choices": ["a", "b"]}) for n in range(3)]
    html = render_html(GradeResult("convolution", "quiz", cases, kind="quiz"))
    assert len(cards(html)) == 3 and all(f"Question {n}?" in html for n in range(3))


# --- the terminal -------------------------------------------------------------------------------

def test_the_terminal_gives_the_cause_once_and_groups_its_cases():
    result = summarized(flipped_run())
    text = format_summary(result)
    flat = " ".join(text.split())
    assert flat.count("Use the kernel as it is") == 1  # in the summary only
    assert "Likely cause — kernel flipped" not in text
    assert "  ✗ 22 cases: kernel flipped" in text and "0/22" in text
    assert "single value, public 0, public 1, public 2 and 18 more" in flat
    assert not any(line.lstrip().startswith("✗ public") for line in text.splitlines())
    assert "✗ bias case 0" in text and "values · bias added twice" in text
    # a cause the summary does not name is said once, with its case
    assert flat.count("Likely cause — bias added twice: Your output minus the expected is the bias") == 1


def test_the_terminal_says_a_cause_once_when_the_summary_does_not():
    result = flipped_run()
    result.summary = "Something else first."
    flat = " ".join(format_summary(result).split())
    assert flat.count("Likely cause — kernel flipped: Line 7 reads") == 1
    assert flat.count("Use the kernel as it is") == 1


def test_every_case_failing_with_one_diagnosis_is_one_line():
    cases = [diagnosed(f"public {n}", FLIPPED, side=2) for n in range(3)]
    cases += [diagnosed(f"hidden {n}", FLIPPED, hidden=True) for n in range(3)]
    text = format_summary(summarized(GradeResult("exercise-2", "conv2d", cases)))
    assert "✗ all 6 cases: failed · kernel flipped" in text
    assert " ".join(text.split()).count("Use the kernel as it is") == 1
    assert "All 6 failures have one likely cause — kernel flipped" in " ".join(text.split())
