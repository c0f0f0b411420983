"""The HTML report: heatmaps of failing outputs, stage shapes, the picture panel, escaping and self-containment."""

from __future__ import annotations

import base64
import re
import struct
import zlib
import xml.etree.ElementTree as ET

import numpy as np
import pytest

from conftest import reference_source
from grader.reports import heatmap
from grader.grading import showcase
from grader.grading.evaluate import Evaluator
from grader.spec.catalog import find_exercise
from grader.reports.html import render_html, stage_note
from grader.results import CaseResult, GradeResult, Kind, Outcome

SVG = ""  # inline SVG in HTML needs no namespace, and the report carries no URLs at all


def decode_png(uri: str) -> np.ndarray:
    """An independent reader for the 8-bit, filter-0 PNGs the report embeds."""
    data = base64.b64decode(uri.split(",", 1)[1])
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, header = 8, b"", None
    while pos < len(data):
        (length,), kind = struct.unpack(">I", data[pos:pos + 4]), data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        assert struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])[0] == zlib.crc32(kind + body)
        header = struct.unpack(">IIBBBBB", body) if kind == b"IHDR" else header
        idat += body if kind == b"IDAT" else b""
        pos += 12 + length
    width, height, _, colour_type, *_ = header
    channels = 3 if colour_type == 2 else 1
    raw = np.frombuffer(zlib.decompress(idat), dtype=np.uint8).reshape(height, 1 + width * channels)
    assert not raw[:, 0].any()
    return raw[:, 1:].reshape((height, width, channels) if channels == 3 else (height, width))


def failing_case(expected, got, hidden=False, message="wrong values") -> CaseResult:
    preview = {"index": [0, 0], "expected": np.asarray(expected, float).tolist(),
               "got": np.asarray(got, float).tolist()}
    return CaseResult("a case", 1.0, Outcome.FAILED, visibility="hidden" if hidden else "visible", kind=Kind.VALUES,
                      message=message, details={"preview": preview})


def result_with(*cases, extras=None) -> GradeResult:
    return GradeResult("exercise-2", "conv2d", list(cases), submission="learner.py", seed=1, extras=extras or {})


def svgs(html: str) -> list[ET.Element]:
    return [ET.fromstring(block) for block in re.findall(r"<svg.*?</svg>", html, flags=re.S)]


# --- heatmap.py ---------------------------------------------------------------------------------

def test_png_data_uri_round_trips_gray_and_rgb():
    rng = np.random.default_rng(0)
    gray = rng.integers(0, 256, size=(5, 7), dtype=np.uint8)
    rgb = rng.integers(0, 256, size=(3, 4, 3), dtype=np.uint8)
    assert np.array_equal(decode_png(heatmap.png_data_uri(gray)), gray)
    assert np.array_equal(decode_png(heatmap.png_data_uri(rgb)), rgb)


def test_diverging_colours_are_signed_and_symmetric():
    values = np.array([[-2.0, -1.0, 0.0, 1.0, 2.0, np.nan]])
    colours = heatmap.diverging_rgb(values, limit=2.0).astype(int)
    negative, zero, positive = colours[0, 0], colours[0, 2], colours[0, 4]
    assert negative[2] > negative[0] and positive[0] > positive[2]  # blue below zero, red above
    assert zero.min() > 240  # zero is (near) white
    # half-way values sit half-way between white and the end colours
    assert np.allclose(colours[0, 3], (zero + positive) / 2, atol=1)
    assert np.allclose(colours[0, 1], (zero + negative) / 2, atol=1)
    assert colours[0, 5].tolist() == list(heatmap._NOT_FINITE)


def test_heatmap_svg_has_one_cell_with_a_tooltip_per_value():
    values = np.arange(12.0).reshape(3, 4) - 5.5
    root = ET.fromstring(heatmap.heatmap_svg(values, heatmap.symmetric_limit(values)))
    titles = [t.text for t in root.iter(SVG + "title")]
    assert len(titles) == values.size
    for r in range(3):
        for c in range(4):
            assert f"row {r}, col {c}: {values[r, c]:.6g}" in titles
    cell = heatmap.cell_size(3, 4)
    assert int(root.get("width")) == 4 * cell and int(root.get("height")) == 3 * cell


def test_large_heatmap_is_one_capped_image():
    values = np.linspace(-1, 1, 90 * 70).reshape(90, 70)
    root = ET.fromstring(heatmap.heatmap_svg(heatmap.as_matrix(values), 1.0))
    image = root.find(SVG + "image")
    pixels = decode_png(image.get("href"))
    assert pixels.shape == (heatmap.MAX_SIDE, heatmap.MAX_SIDE, 3)
    assert max(int(root.get("width")), int(root.get("height"))) <= heatmap.MAX_PIXELS


def test_preview_maps_share_a_scale_and_show_the_difference():
    expected = np.array([[1.0, -3.0], [0.5, 2.0]])
    got = expected[:, ::-1]
    maps = heatmap.preview_maps({"index": [0, 0], "expected": expected.tolist(), "got": got.tolist()})
    assert [m["label"] for m in maps] == ["expected", "yours", "yours − expected"]
    shared = np.abs(np.concatenate([expected, got])).max()
    assert maps[0]["scale"] == maps[1]["scale"] == f"±{shared:.3g}"
    assert maps[2]["scale"] == f"±{np.abs(got - expected).max():.3g}"
    diff_titles = [t.text for t in ET.fromstring(maps[2]["svg"]).iter(SVG + "title")]
    assert f"row 0, col 0: {got[0, 0] - expected[0, 0]:.6g}" in diff_titles


@pytest.mark.parametrize("preview", [None, {}, {"expected": [[1, 2]], "got": [[1, 2, 3]]},
                                     {"expected": "<script>", "got": "<script>"}, {"expected": [1, 2], "got": [1, 2]}])
def test_malformed_previews_draw_nothing(preview):
    assert heatmap.preview_maps(preview) == []


# --- the report ---------------------------------------------------------------------------------

def test_failing_public_case_gets_three_heatmaps_hidden_case_none():
    expected = np.array([[1.0, 2.0], [3.0, 4.0]])
    html = render_html(result_with(failing_case(expected, expected.T)))
    assert len(svgs(html)) == 3
    assert "sample 0, channel 0" in html
    hidden = render_html(result_with(failing_case(expected, expected.T, hidden=True)))
    assert svgs(hidden) == []


def test_learner_text_is_escaped_and_the_report_is_self_contained():
    evil = '<script>alert(1)</script><img src="http://evil.example/x.png">'
    case = failing_case([[1.0]], [[2.0]], message=evil)
    case.output = evil
    html = render_html(result_with(case, extras={"showcase": {"call": evil, "problem": evil, "rows": [
        {"label": evil, "reference": {"src": "javascript:alert(1)", "label": "x"}, "yours": None}]}}))
    assert "<script" not in html and "&lt;script&gt;" in html
    assert "javascript:" not in html
    assert not re.search(r"""(src|href)=["'](?!data:image/png;base64,)""", html)
    assert "@media print" in html


def test_stage_shapes_are_drawn_and_the_flatten_step_is_named():
    stages = [["input", [2, 3, 8, 8]], ["conv", [2, 4, 8, 8]], ["pool", [2, 4, 4, 4]], ["flatten", [2, 64]],
              ["linear", [2, 10]]]
    case = CaseResult("stages", 1.0, Outcome.PASSED, points=1.0, details={"stages": stages})
    html = render_html(result_with(case))
    for name, shape in stages:
        assert f"{name} <code>({', '.join(map(str, shape))})</code>" in html
    note = stage_note(stages)
    assert "input, conv, pool: still 4-D" in note and "Only flatten turns it into (2, 64) = (N, 4·4·4)" in note
    assert stage_note([["flatten", [2, 64]], ["linear", [2, 10]]]) == ""


# --- the picture panel (runs the learner's code in the real worker) ------------------------------

def run_panel(tmp_path, source: str, exercise_id: str = "exercise-2") -> dict:
    path = tmp_path / "learner.py"
    path.write_text(source)
    evaluator = Evaluator(find_exercise(exercise_id), path)
    evaluator.start()
    try:
        return showcase.run_showcase(evaluator)
    finally:
        evaluator.close()


def test_panel_shows_the_learners_conv2d_beside_the_reference(tmp_path):
    # a flipped kernel: the edges come out with the opposite sign
    source = reference_source("conv") + "\n_ok = conv2d\n\ndef conv2d(x, weight, bias=None, stride=1, padding=0):\n" \
                                         "    return _ok(x, weight[..., ::-1, ::-1], bias, stride, padding)\n"
    panel = run_panel(tmp_path, source)["showcase"]
    assert panel["problem"] == ""
    assert [row["label"] for row in panel["rows"]] == ["filter 0: vertical edges", "filter 1: horizontal edges"]
    picture = showcase.picture()
    assert panel["input"]["shape"] == f"(1, 1, {picture.shape[0]}, {picture.shape[1]})"
    out_side = picture.shape[0] - 2
    for row in panel["rows"]:
        reference, yours = decode_png(row["reference"]["src"]).astype(int), decode_png(row["yours"]["src"]).astype(int)
        assert row["yours"]["shape"] == f"(1, 2, {out_side}, {out_side})"
        # a negated map: every red-leaning cell of the reference is blue-leaning in yours, and back
        lean_reference, lean_yours = np.sign(reference[..., 0] - reference[..., 2]), np.sign(yours[..., 0] - yours[..., 2])
        coloured = np.abs(reference[..., 0] - reference[..., 2]) > 20
        assert coloured.sum() > 20 and np.array_equal(lean_reference[coloured], -lean_yours[coloured])
    html = render_html(result_with(extras=run_panel(tmp_path, reference_source("conv"))))
    assert "See it on a picture" in html and html.count("data:image/png;base64,") == 5


def test_a_picture_drawn_again_is_the_same_png_and_the_memory_of_drawings_is_bounded(monkeypatch):
    monkeypatch.setattr(showcase, "_DRAWN", {})
    values = np.linspace(-2.0, 3.0, 48).reshape(6, 8)
    first = showcase._figure("reference", values, "signed", (3.0,))
    again = showcase._figure("yours", values.copy(), "signed", (3.0,))  # equal values: drawn once
    assert again == dict(first, label="yours") and len(showcase._DRAWN) == 1
    other_scale = showcase._figure("yours", values, "signed", (6.0,))
    assert other_scale["src"] != first["src"]  # the scale is part of the picture
    assert decode_png(first["src"]).shape == (6, 8, 3)
    for step in range(showcase._DRAWN_LIMIT + 5):
        showcase._figure("input", values + step, "gray", (0.0, 1.0))
    assert len(showcase._DRAWN) == showcase._DRAWN_LIMIT


def test_panel_reports_a_learner_failure_on_the_picture(tmp_path):
    source = "def conv2d(x, weight, bias=None, stride=1, padding=0):\n    raise ValueError('no pictures today')\n"
    panel = run_panel(tmp_path, source)["showcase"]
    assert panel["problem"].startswith("your function failed on the picture: ValueError")
    assert "no pictures today" in panel["problem"]
    assert all(row["yours"] is None and row["reference"] for row in panel["rows"])


def test_no_panel_for_an_untouched_starter(tmp_path):
    assert run_panel(tmp_path, find_exercise("exercise-2").starter) == {}
