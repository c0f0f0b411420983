"""The reply header's "mutated" list comes from the worker, where learner code can write it: only well-formed
entries of known kinds pass, bounded; anything else is dropped without an error."""

from __future__ import annotations

import math

from grader.sandbox.replies import MAX_MUTATIONS, checked_header, checked_mutations

VALUES = {"arg": 0, "path": [], "change": "values", "count": 17, "index": [0, 0, 1, 2], "was": -0.5, "now": 0.0}


def test_well_formed_entries_pass_unchanged():
    entries = [VALUES,
               {"name": "x", "path": [], "change": "shape", "before": [2, 3, 4, 4], "after": [2, 48]},
               {"arg": 1, "path": [], "change": "dtype", "before": "float64", "after": "int64"},
               {"name": "params", "path": [], "change": "keys", "added": ["extra", 3], "removed": ["conv_b"]},
               {"name": "params", "path": ["conv_w"], "change": "replaced"},
               {"name": "sizes", "path": [], "change": "length", "before": 2, "after": 3},
               {"arg": 0, "path": [], "change": "values", "count": 1, "index": [], "was": True, "now": False}]
    assert checked_mutations(entries) == entries


def test_the_header_carries_the_list_only_when_something_changed():
    assert checked_header({"status": "ok", "mutated": [VALUES]})["mutated"] == [VALUES]
    assert "mutated" not in checked_header({"status": "ok"})
    assert "mutated" not in checked_header({"status": "ok", "mutated": [{"change": "explode", "arg": 0}]})


def test_junk_is_dropped_never_raised():
    junk = [None, 7, "values", [], {}, {"change": "values"}, {"change": "values", "arg": -1},
            {"change": "values", "arg": True}, {"change": "values", "name": ""}, {"change": "values", "name": 5},
            {"change": "values", "arg": 0, "path": "x"}, {"change": "values", "arg": 0, "path": [[1]]},
            {"change": "values", "arg": 0, "path": [0] * 9}, {"change": ["values"], "arg": 0}]
    assert checked_mutations(junk) == []
    for value in (None, "x", 5, {"a": 1}, [[VALUES]]):
        assert checked_mutations(value) == []


def test_fields_that_are_malformed_are_dropped_and_the_rest_kept():
    entry = {"arg": 0, "path": [], "change": "values", "count": -3, "index": [0, "1"], "was": "a", "now": [1],
             "extra": "ignored", "before": [1]}
    assert checked_mutations([entry]) == [{"arg": 0, "path": [], "change": "values"}]
    shape = {"arg": 0, "path": [], "change": "shape", "before": [2, -3], "after": [6]}
    assert checked_mutations([shape]) == [{"arg": 0, "path": [], "change": "shape"}]
    keys = {"arg": 0, "path": [], "change": "keys", "added": [{"k": 1}, "ok", 2 ** 70], "removed": "b"}
    assert checked_mutations([keys]) == [{"arg": 0, "path": [], "change": "keys", "added": ["ok"], "removed": []}]


def test_text_and_lists_are_bounded_and_printable():
    entry = {"name": "x\ud800" * 500, "path": ["k\udfff" * 500], "change": "keys",
             "added": ["a" * 1000] * 100, "removed": []}
    cleaned = checked_mutations([entry] * 50)
    assert len(cleaned) == MAX_MUTATIONS
    clean = cleaned[0]
    assert len(clean["name"]) <= 100 and len(clean["path"][0]) <= 100
    assert "\ud800" not in clean["name"] and "\udfff" not in clean["path"][0]
    assert len(clean["added"]) == 8 and all(len(key) <= 100 for key in clean["added"])


def test_numbers_keep_their_type_and_nan_survives():
    [clean] = checked_mutations([dict(VALUES, was=math.nan, now=2 ** 63)])
    assert math.isnan(clean["was"]) and clean["now"] == 2 ** 63
    [clean] = checked_mutations([dict(VALUES, now=2 ** 70, count=2 ** 70)])
    assert "now" not in clean and "count" not in clean
