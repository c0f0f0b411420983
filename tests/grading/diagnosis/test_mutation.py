"""A call that changed its inputs: the worker's report (sandbox/replies.py's checked form) said to the learner."""

from __future__ import annotations

import numpy as np

from grader.grading.diagnosis.mutation import (NAME, label_of, mutation_diagnosis, mutation_message,
                                               significant_changes)
from grader.sandbox.client import Worker
from grader.spec.model import Limits, Tolerance

PARAMS = ["x", "params"]
SHAPE = {"arg": 0, "path": [], "change": "shape", "before": [2, 3, 4, 4], "after": [2, 48]}
VALUES = {"arg": 0, "path": [], "change": "values", "count": 17, "index": [0, 0, 1, 2], "was": -0.5, "now": 0.0}
ENTRY = {"name": "params", "path": ["conv_w"], "change": "values", "count": 1, "index": [1, 0], "was": 0.25,
         "now": 0.5}
KEYS = {"name": "params", "path": [], "change": "keys", "added": ["extra"], "removed": ["conv_b"]}
REPLACED = {"name": "params", "path": ["fc_w"], "change": "replaced"}


def test_a_shape_change_quotes_both_shapes_and_the_fix():
    diagnosis = mutation_diagnosis([SHAPE], PARAMS, hidden=False)
    assert (diagnosis.name, diagnosis.source) == (NAME, "mutation")
    assert diagnosis.evidence == "before the call x.shape was (2, 3, 4, 4), after it (2, 48)"
    assert "your function changed its input x" in diagnosis.explanation
    assert "`x.shape = ...`" in diagnosis.explanation and "`x = x.reshape(...)`" in diagnosis.explanation


def test_overwritten_values_quote_the_count_and_one_value():
    diagnosis = mutation_diagnosis([VALUES], PARAMS, hidden=False)
    assert diagnosis.evidence == ("17 values of x were overwritten: x[0, 0, 1, 2] was -0.5 before the call and 0 "
                                  "after it")
    assert "`x = x.copy()`" in diagnosis.explanation
    one = mutation_diagnosis([ENTRY], PARAMS, hidden=False)
    assert one.evidence.startswith("1 value of params['conv_w'] was overwritten: params['conv_w'][1, 0] was 0.25")
    assert "`conv_w = params['conv_w'].copy()`" in one.explanation  # a copy in the caller's dict would change it


def test_hidden_cases_show_no_value_and_no_shape():
    for change in (SHAPE, VALUES, ENTRY):
        diagnosis = mutation_diagnosis([change], PARAMS, hidden=True)
        shown = diagnosis.to_json(hidden=True)["evidence"] + diagnosis.note(hidden=True) + \
            mutation_message([change], PARAMS, hidden=True)
        quoted = ("(2, 3, 4, 4)", "48", "17", "[0, 0, 1, 2]", "-0.5", "0.25", "[1, 0]", "0.5")
        assert not [text for text in quoted if text in shown], shown
        assert diagnosis.evidence == diagnosis.hidden_evidence
    assert "values of x were overwritten" in mutation_diagnosis([VALUES], PARAMS, hidden=True).evidence


def test_dict_changes_name_the_keys_and_the_dict():
    diagnosis = mutation_diagnosis([KEYS, REPLACED], PARAMS, hidden=False)
    assert diagnosis.evidence == ("during the call params gained the key 'extra' and lost the key 'conv_b'; "
                                  "after the call params['fc_w'] holds a different object than before it")
    assert "changed its input params;" in diagnosis.explanation  # the dict, not the entry, was changed
    assert "the caller's dict must stay as it was" in diagnosis.explanation
    assert "`params = dict(params)`" in diagnosis.explanation and "`fc_w = ...`" in diagnosis.explanation


def test_the_passing_case_message_says_the_output_was_right():
    message = mutation_message([VALUES, ENTRY], PARAMS, hidden=False)
    assert message.startswith("Your output is right, but your function changed its inputs x and params['conv_w']: "
                              "17 values of x were overwritten")
    assert "The caller's array must stay as it was." in message


def test_names_come_from_the_position_or_the_keyword():
    assert label_of({"arg": 1, "path": ["w", 0], "change": "replaced"}, PARAMS) == "params['w'][0]"
    assert label_of({"arg": 5, "path": [], "change": "values"}, PARAMS) == "argument 6"
    assert label_of({"name": "bias", "path": [], "change": "values"}, PARAMS) == "bias"


def test_long_lists_are_counted_not_quoted():
    changes = [dict(VALUES, arg=0), dict(ENTRY), dict(SHAPE, name="a"), dict(SHAPE, name="b"), dict(SHAPE, name="c")]
    evidence = mutation_diagnosis(changes, PARAMS, hidden=False).evidence
    assert evidence.endswith("; and 2 more changes") and "b.shape" not in evidence


def test_forged_but_checked_entries_do_not_break_the_text():
    # replies.py lets these through: no values for a change, a replaced entry without a path
    sparse = [{"arg": 0, "path": [], "change": "values"}, {"arg": 0, "path": [], "change": "replaced"},
              {"arg": 0, "path": [], "change": "shape"}, {"arg": 0, "path": [], "change": "length"}]
    for change in sparse:
        assert mutation_diagnosis([change], PARAMS, hidden=False).note(False)


def test_round_off_within_the_tolerance_costs_nothing():
    tolerance = Tolerance(rtol=1e-6, atol=1e-8)
    restored = dict(VALUES, was=0.1, now=0.1 + 1e-17)
    kept = [VALUES, SHAPE, KEYS, dict(VALUES, was=True, now=False), dict(VALUES, was=1.0, now=float("nan")),
            {"arg": 0, "path": [], "change": "values", "count": 3}]
    assert significant_changes([restored, *kept], tolerance) == kept
    assert significant_changes([dict(VALUES, was=1.0, now=1.0 + 2e-5)], tolerance) != []


def test_the_advice_followed_literally_leaves_the_input_alone(tmp_path):
    # in-place ReLU and flatten by x.shape, each with the line the diagnosis suggests put first
    in_place = {"relu": "    x[x < 0] = 0\n    return x\n",
                "flatten": "    x.shape = (x.shape[0], -1)\n    return x\n"}
    limits = Limits(case_seconds=5, import_seconds=15)
    for name, body in in_place.items():
        for fix in ("", "    x = x.reshape(x.shape)\n" if name == "flatten" else "    x = x.copy()\n"):
            path = tmp_path / f"{name}_{bool(fix)}.py"
            path.write_text(f"def {name}(x):\n{fix}{body}")
            with Worker(path, name, "array", limits) as worker:
                reply = worker.call([np.array([[[-1.0, 2.0]], [[3.0, -4.0]]])], {}, 5)
            assert reply.status == "ok"
            assert ("mutated" in reply.header) == (not fix), (name, fix)
            if not fix:
                advice = mutation_diagnosis(reply.header["mutated"], ["x"], hidden=False).explanation
                assert ("`x = x.copy()`" if name == "relu" else "`x = x.reshape(...)`") in advice
