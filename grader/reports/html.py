"""The HTML report: one self-contained file (inline CSS, no scripts, no fetches), autoescaped Jinja2."""

from __future__ import annotations

import functools
import json

from markupsafe import Markup, escape

from .. import PACKAGE_DIR
from ..results import (CaseResult, GradeResult, LeadingCause, Outcome, as_sentence, case_diagnosis, leading_cause,
                       printable)
from .diagnoses import card_entries, panel_view, shown_message
from .heatmap import preview_caption, preview_maps

_TEMPLATES = PACKAGE_DIR / "reports" / "templates"
_PNG_PREFIX = "data:image/png;base64,"


def _environment():
    import jinja2
    try:  # compiling the template costs ~60 ms a run; jinja2 keeps the code in a private per-user temp folder
        cache = jinja2.FileSystemBytecodeCache()
    except (OSError, RuntimeError):  # no usable temp folder: compile every time
        cache = None
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(_TEMPLATES)), autoescape=True, bytecode_cache=cache,
                             trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined)
    env.filters["num"] = lambda value: f"{value:g}"
    env.filters["code_spans"] = code_spans
    env.filters["sentence"] = as_sentence
    env.filters["compact_json"] = lambda value: json.dumps(value, separators=(", ", ": "))
    return env


@functools.lru_cache(maxsize=1)
def report_template():
    """The report template, loaded once; the runner calls this while the worker starts, when we are idle."""
    return _environment().get_template("report.html.j2")


def render_html(result: GradeResult, folded: bool = False) -> str:
    """The whole report; `folded` (for a notebook's inline display) opens on the score, the summary and the likely
    cause, with the list of cases and the picture folded in <details>."""
    template = report_template()
    views = [case_view(case) for case in result.cases]
    lead = leading_cause(result)
    page = template.render(result=result, cases=result.cases, entries=card_entries(result.cases, views, lead),
                           passed=result.count(Outcome.PASSED), panel=panel_view(lead),
                           summary=shown_summary(result.summary, lead),
                           showcase=showcase_view(result.extras.get("showcase")), folded=folded,
                           percent=0 if not result.max_score else round(100 * result.score / result.max_score))
    return printable(page)  # the one writer-side guard: learner text that slipped past the worker's boundary


def shown_summary(summary: str, lead: LeadingCause | None) -> str:
    """The run's summary, unless it is the counts and the likely cause, which the score and the panel show."""
    return "" if lead is not None and summary.endswith(lead.sentence()) else summary


def code_spans(text: str) -> Markup:
    """Escaped text with each `quoted` piece (code from the learner's file) set as <code>."""
    pieces = str(text).split("`")
    if len(pieces) % 2 == 0:  # an unpaired backtick: no spans at all
        return escape(text)
    return Markup("").join(escape(piece) if index % 2 == 0 else Markup("<code>%s</code>") % piece
                           for index, piece in enumerate(pieces))


def case_view(case: CaseResult) -> dict:
    """What the template draws for a case besides its text: heatmaps of a failing public output, stage shapes,
    its message without its diagnosis and the diagnosis itself (laid out apart)."""
    preview = case.details.get("preview")
    show_maps = not case.passed and case.visibility != "hidden"
    return {"maps": preview_maps(preview) if show_maps else [],
            "slice": preview_caption(preview) if show_maps else "",
            "stages": stage_rows(case.details.get("stages")),
            "stage_note": stage_note(case.details.get("stages")),
            "message": shown_message(case),
            "diagnosis": case_diagnosis(case)}


def _shape(value) -> list[int] | None:
    if isinstance(value, (list, tuple)) and all(isinstance(n, int) and not isinstance(n, bool) for n in value):
        return list(value)
    return None


def _text(shape: list[int]) -> str:
    return "(" + ", ".join(map(str, shape)) + ("," if len(shape) == 1 else "") + ")"


def stage_rows(stages) -> list[dict]:
    """[[name, shape], ...] (optionally [name, shape, your_shape]) as rows; malformed entries are skipped."""
    rows = []
    for item in stages if isinstance(stages, list) else []:
        if not isinstance(item, (list, tuple)) or len(item) < 2 or not isinstance(item[0], str):
            continue
        shape = _shape(item[1])
        if shape is None:
            continue
        yours = _shape(item[2]) if len(item) > 2 else None
        rows.append({"name": item[0], "shape": _text(shape), "dims": f"{len(shape)}-D",
                     "yours": _text(yours) if yours is not None else "",
                     "differs": yours is not None and yours != shape})
    return rows


def stage_note(stages) -> str:
    """Where the data stops being an image batch, computed from the shapes themselves."""
    rows = [(item[0], _shape(item[1])) for item in (stages if isinstance(stages, list) else [])
            if isinstance(item, (list, tuple)) and len(item) >= 2 and isinstance(item[0], str)]
    rows = [(name, shape) for name, shape in rows if shape is not None]
    for k in range(1, len(rows)):
        name, new = rows[k]
        old = rows[k - 1][1]
        if len(old) == 4 and len(new) < 4:
            kept = [stage for stage, shape in rows[:k] if len(shape) == 4]
            product = f" = (N, {old[1]}·{old[2]}·{old[3]})" if new == [old[0], old[1] * old[2] * old[3]] else ""
            return (f"{', '.join(kept)}: still 4-D (N, C, H, W), so neighbouring pixels stay neighbours. "
                    f"Only {name} turns it into {_text(new)}{product}.")
    return ""


def showcase_view(panel) -> dict | None:
    """The picture panel from `extras["showcase"]`, keeping only images that are our own PNG data URIs."""
    if not isinstance(panel, dict) or not isinstance(panel.get("rows"), list):
        return None

    def figure(item):
        if isinstance(item, dict) and str(item.get("src", "")).startswith(_PNG_PREFIX):
            return {"src": item["src"], "label": str(item.get("label", "")), "shape": str(item.get("shape", "")),
                    "style": item.get("style", "gray")}
        return None

    rows = [{"label": str(row.get("label", "")), "reference": figure(row.get("reference")),
             "yours": figure(row.get("yours"))} for row in panel["rows"] if isinstance(row, dict)]
    return {"call": str(panel.get("call", "")), "input": figure(panel.get("input")), "rows": rows,
            "problem": str(panel.get("problem", "")),
            "note": str(panel.get("note") or "yours beside the reference, drawn on one shared scale")}
