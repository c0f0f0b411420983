"""The HTML report: one self-contained file (inline CSS, no scripts, no fetches), autoescaped Jinja2."""

from __future__ import annotations

import json
from pathlib import Path

from . import results as R
from .results import write_atomic

_TEMPLATES = Path(__file__).resolve().parent / "templates"


def _environment():
    import jinja2
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(_TEMPLATES)), autoescape=True,
                             trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined)
    env.filters["num"] = lambda value: f"{value:g}"
    env.filters["compact_json"] = lambda value: json.dumps(value, separators=(", ", ": "))
    return env


def render_html(result: R.GradeResult) -> str:
    template = _environment().get_template("report.html.j2")
    return template.render(result=result, cases=result.cases, passed=result.count(R.PASSED),
                           percent=0 if not result.max_score else round(100 * result.score / result.max_score))


def write_html(result: R.GradeResult, path: str | Path) -> None:
    write_atomic(path, render_html(result))
