"""What the learner reads: the run's summary, the terminal's case lines (each explanation once), early stops."""

from __future__ import annotations

import dataclasses
import textwrap

import pytest

from grader.results import CaseResult, GradeResult, Kind, Outcome, case_diagnosis
from grader.spec.catalog import find_exercise
from grader.grading.pacing import Pace, case_size
from grader.reports.terminal import format_summary
from grader.grading.runner import grade

FLIPPED = textwrap.dedent('''
    import numpy as np
    from numpy.lib.stride_tricks import sliding_window_view

    def conv2d(x, weight, bias=None, stride=1, padding=0):
        sh, sw = (stride, stride) if isinstance(stride, int) else stride
        ph, pw = (padding, padding) if isinstance(padding, int) else padding
        x = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
        w = weight[:, :, ::-1, ::-1]  # the mistake: a true convolution
        windows = sliding_window_view(x, w.shape[2:], axis=(2, 3))[:, :, ::sh, ::sw]
        out = np.einsum("nchwij,fcij->nfhw", windows, w)
        return out if bias is None else out + bias[None, :, None, None]
''')


@pytest.fixture(scope="module")
def flipped_result(tmp_path_factory):
    path = tmp_path_factory.mktemp("learner") / "flipped.py"
    path.write_text(FLIPPED)
    return grade(find_exercise("exercise-2"), path)


def test_summary_names_the_mistake_behind_most_failures(flipped_result):
    failures = [case for case in flipped_result.cases if not case.passed]
    named = [case for case in failures if (case_diagnosis(case) or {}).get("name") == "kernel flipped"]
    assert failures and len(named) * 2 >= len(failures)
    said = "All" if len(named) == len(failures) else f"{len(named)} of the"
    assert f"{said} {len(failures)} failures have one likely cause — kernel flipped: " in flipped_result.summary
    assert "cross-correlation" in flipped_result.summary  # the explanation with its fix comes along


def test_terminal_groups_the_cases_of_one_mistake_on_one_line(flipped_result):
    text = format_summary(flipped_result, color=False)
    named = sum((case_diagnosis(case) or {}).get("name") == "kernel flipped" for case in flipped_result.cases)
    marked = [line for line in text.splitlines() if line.lstrip().startswith("✗") and "kernel flipped" in line]
    assert [line.split()[1:5] for line in marked] == [[str(named), "cases:", "kernel", "flipped"]]


def test_no_mistake_is_named_when_failures_have_no_common_cause(flipped_result):
    import copy

    from grader.grading.runner import summarize
    flipped_result = copy.deepcopy(flipped_result)  # the fixture is shared with the other tests
    for case in flipped_result.cases:
        case.details.pop("misconception", None)
        case.details.pop("diagnosis", None)
    assert "likely cause" not in summarize(flipped_result)


def _explanation(result: GradeResult) -> str:
    """The diagnosis's explanation as the learner reads it (a sentence: its first letter may be capitalised)."""
    first = next(case for case in result.cases if case_diagnosis(case))
    return case_diagnosis(first)["explanation"][1:]


def test_a_known_mistake_is_explained_once_in_the_terminal(flipped_result):
    """The summary names the mistake with its fix; the case lines carry only its name."""
    explanation = _explanation(flipped_result)
    text = " ".join(format_summary(flipped_result, color=False).split())
    assert text.count(explanation) == 1
    named = [case for case in flipped_result.cases if case_diagnosis(case)]
    assert len(named) > 1 and all(explanation in case.message for case in named)  # the JSON keeps every case's


def test_a_mistake_the_summary_does_not_name_is_explained_once_per_run(flipped_result):
    import copy

    result = copy.deepcopy(flipped_result)
    result.summary = "Start with the first failing public case."
    assert " ".join(format_summary(result).split()).count(_explanation(flipped_result)) == 1


def uniform_result(message: str, outcome: Outcome = Outcome.FAILED, kind: Kind = Kind.TYPE,
                   summary: str = "") -> GradeResult:
    cases = [CaseResult(f"case {n}", 1, outcome, kind=kind, message=message,
                        visibility="hidden" if n > 3 else "visible") for n in range(26)]
    return GradeResult("exercise-2", "conv2d", cases, summary=summary or "0 of 26 cases passed.")


def test_cases_that_fail_the_same_way_still_show_the_message():
    said = "Expected a NumPy array, but your function returned None. Did you forget a `return` statement?"
    text = format_summary(uniform_result(said))
    assert "all 26 cases: failed" in text and said in " ".join(text.split())


def test_the_shared_message_is_not_printed_twice_when_it_is_the_summary():
    said = "Your file has a syntax error on line 3: expected ':'. Fix it in x.py and grade again."
    text = " ".join(format_summary(uniform_result(said, Outcome.ERROR, Kind.SYNTAX, summary=said)).split())
    assert text.count(said) == 1


def test_cases_not_run_for_one_reason_are_one_line_that_says_why():
    result = uniform_result("Your function did not finish within 5 s.", Outcome.TIMEOUT, Kind.TIMEOUT)
    for case in result.cases[2:]:
        case.outcome, case.kind = Outcome.NOT_RUN, Kind.STOPPED
        case.message = "Not run: the grader stopped early because ..."
        case.details["stop_reason"] = "stopped early: two cases in a row ran out of time (5 s each)"
    lines = format_summary(result).splitlines()
    assert [line for line in lines if "not run" in line] == \
        ["  - 24 cases not run — stopped early: two cases in a row ran out of time (5 s each)"]
    assert not any(line.lstrip().startswith("- case") for line in lines)


def test_cases_not_run_for_lack_of_budget_say_so_in_the_terminal():
    said = "Not run: the exercise's time budget (45 s) was used up by earlier cases. Make the slow cases faster first."
    result = uniform_result("wrong", Outcome.FAILED, Kind.VALUES)
    for case in result.cases[20:]:
        case.outcome, case.kind, case.message = Outcome.NOT_RUN, Kind.BUDGET, said
    text = format_summary(result)
    assert "6 cases not run:" in text and said in " ".join(text.split())


# --- when to stop early ------------------------------------------------------------------------------

def paced(durations, outcome=Outcome.PASSED, total: float = 45.0):
    """Feed a Pace the cases of exercise 2 as if each took its duration; returns (ran, stopped) case names."""
    exercise = data_cases_of_exercise_2()
    pace = Pace(exercise)
    clock, ran, stopped = 0.0, [], []
    for case, seconds in zip(exercise.cases, durations):
        stop = pace.before(case, total - clock)
        if stop is not None:
            stopped.append((case.name, stop))
            pace.after(case, CaseResult(case.name, 1, Outcome.NOT_RUN, kind=Kind.STOPPED))
            continue
        limit = exercise.limits.case_seconds
        outcome_seen = Outcome.TIMEOUT if seconds >= limit else outcome
        result = CaseResult(case.name, 1, outcome_seen, duration=min(seconds, limit))
        clock += min(seconds, limit)
        ran.append(case.name)
        pace.after(case, result)
    return ran, stopped


def data_cases_of_exercise_2():
    """Exercise 2 without its instructor checks, which have no inputs to size (test_instructor_checks.py)."""
    exercise = find_exercise("exercise-2")
    return dataclasses.replace(exercise, cases=tuple(case for case in exercise.cases if case.check != "instructor"))


def sizes_in_order():
    return [case_size(case) for case in data_cases_of_exercise_2().cases]


@pytest.mark.parametrize("model", ["constant", "by size", "first call slow", "one hiccup"])
def test_a_slow_submission_that_fits_the_budget_is_never_stopped(model):
    sizes = sizes_in_order()
    budget = 45.0 * 0.95  # the whole run fits with 5% to spare
    if model == "constant":  # e.g. a sleep or a fixed overhead per call
        durations = [budget / len(sizes)] * len(sizes)
    else:  # time grows with the input up to just under the case limit; the rate is chosen to fill the budget
        low, high = 0.0, 1.0
        for _ in range(60):
            rate = (low + high) / 2
            durations = [min(4.9, 0.002 + rate * size) for size in sizes]
            if model == "first call slow":
                durations[0] = 3.0
            if model == "one hiccup":  # the machine stalls once, on a tiny case
                durations[3] = 2.5
            low, high = (rate, high) if sum(durations) < budget else (low, rate)
    assert 42.0 <= sum(durations) <= 45.0 and max(durations) < 5.0
    ran, stopped = paced(durations)
    assert not stopped and len(ran) == len(sizes)


def test_two_timeouts_in_a_row_stop_the_cases_at_least_as_large():
    ran, stopped = paced([99.0] * len(sizes_in_order()))
    assert len(ran) == 2 and len(stopped) == len(sizes_in_order()) - 2
    stop = stopped[0][1]
    assert stop.reason == "stopped early: two cases in a row ran out of time (5 s each)"
    assert stop.message.startswith("Not run:") and f"'{ran[0]}' and '{ran[1]}'" in stop.message


def test_smaller_cases_still_run_after_two_large_ones_time_out():
    exercise = data_cases_of_exercise_2()
    sizes = sizes_in_order()
    big = sorted(range(len(sizes)), key=sizes.__getitem__)[-2:]  # the two largest cases
    durations = [99.0 if index in big else 0.01 for index in range(len(sizes))]
    order = sorted(range(len(sizes)), key=lambda i: (i not in big, i))  # the two largest first
    exercise = dataclasses.replace(exercise, cases=[exercise.cases[i] for i in order])
    pace = Pace(exercise)
    ran = []
    for case, index in zip(exercise.cases, order):
        if pace.before(case, 100.0) is None:
            ran.append(case.name)
            limit = exercise.limits.case_seconds
            outcome = Outcome.TIMEOUT if durations[index] >= limit else Outcome.PASSED
            pace.after(case, CaseResult(case.name, 1, outcome, duration=min(durations[index], limit)))
    smaller = [case.name for case in exercise.cases if case_size(case) < min(sizes[i] for i in big)]
    assert smaller and set(smaller) <= set(ran) and len(ran) == len(smaller) + 2


def test_a_pace_that_cannot_finish_in_the_budget_stops_early_and_says_the_numbers():
    ran, stopped = paced([3.0] * len(sizes_in_order()))  # 26 cases at 3 s cannot fit in 45 s
    assert 2 <= len(ran) < 5 and stopped
    stop = stopped[0][1]
    left = len(sizes_in_order()) - len(ran)
    assert stop.reason.startswith("stopped early: at the pace so far they need at least")
    assert f"the {left} cases left need at least {3 * left} s" in stop.message


def test_a_real_slow_but_correct_submission_that_fits_is_graded_in_full(tmp_path):
    from conftest import reference_source

    slow = tmp_path / "slow.py"  # the reference, 0.8 s a call: 8 cases need 6.4 s of a 12 s budget
    slow.write_text(reference_source("conv") + "\n_right = conv2d\n\n"
                    "def conv2d(x, weight, bias=None, stride=1, padding=0):\n"
                    "    import time\n    time.sleep(0.8)\n    return _right(x, weight, bias, stride, padding)\n")
    exercise = find_exercise("exercise-2")
    limits = dataclasses.replace(exercise.limits, case_seconds=2, total_seconds=12)
    result = grade(dataclasses.replace(exercise, cases=exercise.cases[:8], limits=limits), slow)
    assert [case.outcome for case in result.cases] == [Outcome.PASSED] * 8, [case.message for case in result.cases]


def test_a_real_run_where_every_case_returns_none_shows_why(tmp_path):
    path = tmp_path / "none.py"
    path.write_text("def conv2d_single(image, kernel):\n    print(image.sum())\n")
    result = grade(find_exercise("exercise-1"), path)
    text = " ".join(format_summary(result).split())
    assert f"all {len(result.cases)} cases: failed" in text
    assert "your function returned None. Did you forget a `return` statement?" in text


def test_cases_that_fail_alike_with_different_details_show_a_public_example():
    result = uniform_result("unused", Outcome.FAILED, Kind.VALUES)
    for number, case in enumerate(result.cases):
        case.message = f"The output has the right shape (2, 2) but {number + 1} of 4 values differ."
    result.cases[0].visibility = "hidden"
    text = " ".join(format_summary(result).split())
    assert "For example, 'case 1': The output has the right shape (2, 2) but 2 of 4 values differ." in text


# --- exceptions explained -----------------------------------------------------------------------------------------

def exception_reply(tmp_path, source: str, *args):
    """A worker's reply for `conv2d(*args)` raising in a submission written like the learner's."""
    import importlib.util

    from grader.sandbox.client import Reply
    from grader.sandbox.worker_main import _describe_exception

    path = tmp_path / "exercise_2.py"
    path.write_text(textwrap.dedent(source))
    spec = importlib.util.spec_from_file_location("submission", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    try:
        module.conv2d(*args)
    except Exception as err:  # noqa: BLE001
        return path, Reply("exception", {"error": _describe_exception(err, err.__traceback__, str(tmp_path))})
    raise AssertionError("did not raise")


BROADCASTING = '''
    import numpy as np

    def conv2d(x, weight, bias=None, stride=1, padding=0):
        out = np.zeros(2)
        for f in range(2):
            out[f] = np.sum(x[0] * weight[f])
        return out
'''


@pytest.mark.parametrize("visibility", ["visible", "hidden"])
def test_an_exception_message_keeps_the_learners_words_and_adds_the_likely_cause(tmp_path, visibility):
    from grader.grading.failures import FailureMessages

    import numpy as np
    path, reply = exception_reply(tmp_path, BROADCASTING, np.ones((1, 3, 3, 3)), np.ones((2, 2, 3, 3)))
    messages = FailureMessages(find_exercise("exercise-2"), path, "exercise_2.py")
    result = messages.call_failure(CaseResult("c", 1, Outcome.FAILED, visibility=visibility), reply, 5.0, False)
    assert result.kind == Kind.EXCEPTION and result.details["diagnosis"]["name"] == "shapes do not broadcast"
    said = "operands could not be broadcast together with shapes (3,3,3) (2,3,3)"
    if visibility == "visible":
        assert result.message.startswith(f"Your function raised ValueError on line 7: {said}.")
        assert "Likely cause — shapes do not broadcast: Line 7: `out[f] = np.sum(x[0] * weight[f])`: axis 0 has 3 " \
            "against 2." in result.message
    else:
        assert result.message.startswith("Your function raised ValueError on line 7 on a hidden case. "
                                         "Likely cause — ")
        assert "(3,3,3)" not in result.message and "against" not in result.message
        assert "(3,3,3)" not in str(result.details)


PADDED_AS_INTS = '''
    import numpy as np

    def conv2d(x, weight, bias=None, stride=1, padding=0):
        xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
        return xp
'''


@pytest.mark.parametrize("visibility", ["visible", "hidden"])
def test_the_case_values_name_the_argument_passed_as_a_pair(tmp_path, visibility):
    from grader.grading.failures import FailureMessages

    import numpy as np
    call = {"x": np.ones((1, 1, 3, 3)), "weight": np.ones((1, 1, 2, 2)), "bias": None, "stride": 1,
            "padding": (1, 2)}
    path, reply = exception_reply(tmp_path, PADDED_AS_INTS, *call.values())
    messages = FailureMessages(find_exercise("exercise-2"), path, "exercise_2.py")
    case = CaseResult("c", 1, Outcome.FAILED, visibility=visibility)
    result = messages.call_failure(case, reply, 5.0, False, call_values=call)
    assert result.details["diagnosis"]["name"] == "int or pair"
    assert "`padding` may be one int or an (h, w) pair, and this line uses it as one int" in result.message
    assert ("`padding` is (1, 2)" in result.message) == (visibility == "visible")
    unaided = messages.call_failure(CaseResult("c", 1, Outcome.FAILED), reply, 5.0, False)
    assert unaided.details["diagnosis"]["name"] != "int or pair"


def test_a_parameter_the_case_leaves_out_is_judged_by_its_default(tmp_path):
    from grader.grading.failures import FailureMessages

    import numpy as np
    source = PADDED_AS_INTS.replace("xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))",
                                    "sh, sw = stride\n        xp = x")
    call = {"x": np.ones((1, 1, 3, 3)), "weight": np.ones((1, 1, 2, 2))}
    path, reply = exception_reply(tmp_path, source, *call.values())
    messages = FailureMessages(find_exercise("exercise-2"), path, "exercise_2.py")
    result = messages.call_failure(CaseResult("c", 1, Outcome.FAILED), reply, 5.0, False, call_values=call)
    assert "in this case `stride` is 1, one int" in result.message


def test_an_import_the_grader_cannot_offer_is_not_told_to_move_into_a_function(tmp_path):
    from grader.grading.failures import FailureMessages
    from grader.sandbox.client import Reply

    path = tmp_path / "exercise_2.py"
    path.write_text("import numpy as np\nfrom numpy import sliding_window_view\n")
    error = {"type": "ImportError", "line": 2,
             "message": "cannot import name 'sliding_window_view' from 'numpy' (/site/numpy/__init__.py)",
             "traceback": '  File "exercise_2.py", line 2, in <module>\n    from numpy import sliding_window_view'}
    messages = FailureMessages(find_exercise("exercise-2"), path, "exercise_2.py")
    result = messages.load_failure(CaseResult("c", 1, Outcome.FAILED), Reply("import", {"error": error}))
    assert "inside functions" not in result.message
    assert "from numpy.lib.stride_tricks import sliding_window_view" in result.message
    unknown = dict(error, message="some loader said no")
    result = messages.load_failure(CaseResult("c", 1, Outcome.FAILED), Reply("import", {"error": unknown}))
    assert "inside functions" not in result.message and "That import cannot work" in result.message


def test_a_real_run_explains_an_int_stride_unpacked_as_a_pair(tmp_path):
    path = tmp_path / "pair.py"
    path.write_text(FLIPPED.replace("sh, sw = (stride, stride) if isinstance(stride, int) else stride",
                                    "sh, sw = stride").replace("[:, :, ::-1, ::-1]", ""))
    exercise = find_exercise("exercise-2")
    result = grade(dataclasses.replace(exercise, cases=exercise.cases[:6]), path)
    raised = [case for case in result.cases if case.kind == Kind.EXCEPTION]
    assert raised and all(case.details["diagnosis"]["name"] == "int or pair" for case in raised)
    assert "cannot unpack non-iterable int object. Likely cause — int or pair: Line 6: `sh, sw = stride`: in this " \
        "case `stride` is 1, one int." in raised[0].message
    assert "stride_h, stride_w = (stride, stride) if isinstance(stride, int) else stride" in raised[0].message
