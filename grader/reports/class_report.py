"""The class report: the class summary as one self-contained HTML page (inline CSS and SVG, no scripts, no
fetches), autoescaped Jinja2, for the instructor deciding what to reteach."""

from __future__ import annotations

import functools

from .. import PACKAGE_DIR
from ..results import as_sentence, printable
from .html import code_spans

_TEMPLATES = PACKAGE_DIR / "reports" / "templates"
CHART_WIDTH, CHART_HEIGHT = 400, 120


@functools.lru_cache(maxsize=1)
def class_template():
    import jinja2
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(_TEMPLATES)), autoescape=True, trim_blocks=True,
                             lstrip_blocks=True, undefined=jinja2.StrictUndefined)
    env.filters["num"] = lambda value: "–" if value is None else f"{value:g}"
    env.filters["percent"] = lambda value: f"{100 * value:.0f}%"
    env.filters["sentence"] = as_sentence
    env.filters["code_spans"] = code_spans
    return env.get_template("class_report.html.j2")


def histogram_bars(histogram: list[dict]) -> list[dict]:
    """Each bar's box in the SVG's own units: equal widths, heights relative to the tallest bar."""
    tallest = max((bar["learners"] for bar in histogram), default=0) or 1
    width = CHART_WIDTH / max(1, len(histogram))
    bars = []
    for index, bar in enumerate(histogram):
        height = round((CHART_HEIGHT - 16) * bar["learners"] / tallest, 1)
        bars.append({**bar, "x": round(index * width + 2, 1), "width": round(width - 4, 1),
                     "y": round(CHART_HEIGHT - height, 1), "height": height})
    return bars


def render_class_report(summary: dict) -> str:
    """The page of one exercise's summary (build_summary), or of several (build_class_summary): then a headline per
    exercise, the learner x exercise table, and a section per exercise."""
    sections = summary.get("sections", [summary])
    title = summary["exercise"] if "exercise" in summary else f"{len(sections)} exercises"
    page = class_template().render(c=summary, sections=sections, page_title=title,
                                   bars=[histogram_bars(s["scores"]["histogram"]) for s in sections],
                                   chart_width=CHART_WIDTH, chart_height=CHART_HEIGHT)
    return printable(page)
