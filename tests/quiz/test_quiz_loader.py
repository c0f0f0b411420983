"""Quiz and answers files: every problem is a DefinitionError naming file:line and the key at fault."""

import textwrap

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grader.errors import DefinitionError
from grader.quiz import answers
from grader.quiz.answerfile import load_answers_text
from grader.quiz.catalog import list_quizzes, quiz_paths
from grader.quiz.model import load_quiz, load_quiz_text
from grader.quiz.variants import pose_quiz

GOOD = """\
id: demo
title: Demo quiz
questions:
  - id: q1-pick
    type: single
    prompt: Pick one.
    choices: [alpha, beta, gamma]
    answer: 2
    explanation: Beta is right.
  - id: q2-size
    type: numeric
    params:
      h: {range: [8, 16]}
      k: {choices: [3, 5]}
    prompt: Height of a {h}x{h} input after a {k}x{k} kernel?
    answer_expr: conv2d(zeros((1, 1, h, h)), zeros((1, 1, k, k))).shape[2]
    explanation: It is {answer}.
"""


def quiz_with(replace_from: str, replace_to: str):
    assert replace_from in GOOD, "the test edits a line that must exist"
    return load_quiz_text(GOOD.replace(replace_from, replace_to), "demo.yaml")


def error_of(text: str) -> DefinitionError:
    with pytest.raises(DefinitionError) as caught:
        load_quiz_text(textwrap.dedent(text), "demo.yaml")
    return caught.value


def test_a_good_quiz_loads_into_typed_questions():
    quiz = load_quiz_text(GOOD, "demo.yaml")
    assert [q.id for q in quiz.questions] == ["q1-pick", "q2-size"]
    assert quiz.questions[0].answer == 2 and quiz.questions[0].choices == ("alpha", "beta", "gamma")
    assert quiz.questions[1].is_variant and quiz.questions[1].answer_expr is not None


@pytest.mark.parametrize("old, new, line, words", [
    ("    answer: 2\n", "    answr: 2\n", 8, ["unknown key 'answr'", "did you mean 'answer'"]),
    ("    answer: 2\n", "    answer: 7\n", 8, ["no choice 7"]),
    ("    type: single\n", "    type: singel\n", 5, ["must be one of", "did you mean 'single'"]),
    ("  - id: q2-size\n", "  - id: q1-pick\n", 10, ["used twice", "first on line 4"]),
    ("    answer_expr: conv2d", "    answer_expr: __import__('os') or conv2d", 15, ["only these functions"]),
    ("    answer_expr: conv2d(", "    answer_expr: unknown_name + conv2d(", 15, ["unknown name 'unknown_name'"]),
    ("      h: {range: [8, 16]}", "      h: {range: [16, 8]}", 12, ["is empty"]),
    ("Height of a {h}x{h}", "Height of a {height}x{h}", 14, ["{height}", "not a parameter"]),
    ("    answer: 2\n", "", 3, ["needs exactly one of answer"]),
    ("title: Demo quiz\n", "", 1, ["missing the required key 'title'"]),  # the whole file: line 1
])
def test_loader_errors_name_file_line_and_key(old, new, line, words):
    with pytest.raises(DefinitionError) as caught:
        quiz_with(old, new)
    message = str(caught.value)
    assert message.startswith("demo.yaml:"), message
    assert caught.value.line is not None and abs(caught.value.line - line) <= 1, message
    for word in words:
        assert word in message, message


def test_a_tolerance_on_a_choice_question_is_refused():
    err = error_of("""\
        id: t
        title: T
        questions:
          - id: q1
            type: true_false
            prompt: P
            answer: true
            tolerance: {abs: 1}
            explanation: E
        """)
    assert err.line == 8 and "'tolerance' is only for questions of type numeric" in str(err)


def test_a_hash_without_its_salt_is_refused():
    err = error_of(f"""\
        id: t
        title: T
        questions:
          - id: q1
            type: text
            prompt: P
            answer_hash: {'a' * 64}
            explanation: E
        """)
    assert "'answer_hash' and 'salt' go together" in str(err)


def test_reserved_answer_file_keys_cannot_be_question_ids():
    err = error_of("""\
        id: t
        title: T
        questions:
          - id: seed
            type: true_false
            prompt: P
            answer: true
            explanation: E
        """)
    assert err.line == 4 and "reserved" in str(err)


def test_every_course_quiz_loads_and_there_are_at_least_30_questions():
    quizzes = [load_quiz(path) for path in quiz_paths()]
    assert len(quizzes) >= 3
    assert sum(len(quiz.questions) for quiz in quizzes) >= 30
    assert [quiz_id for quiz_id, _, _ in list_quizzes()] == [path.stem for path in quiz_paths()]


def test_every_question_type_is_used_and_variants_call_the_references():
    questions = [q for path in quiz_paths() for q in load_quiz(path).questions]
    assert {q.type for q in questions} == set(answers.TYPES)
    sources = " ".join(q.answer_expr.source for q in questions if q.answer_expr is not None)
    for reference in ("conv2d(", "maxpool2d(", "flatten("):
        assert reference in sources


def test_the_convolution_flattens_misconception_is_a_distractor():
    texts = [(q, " ".join((q.prompt,) + q.choices).lower()) for path in quiz_paths()
             for q in load_quiz(path).questions]
    myths = [q for q, text in texts if "flatten" in text and "convolution" in text]
    assert any(q.type == answers.TRUE_FALSE and q.answer is False for q in myths)


# --- answers files -------------------------------------------------------------------------------

def test_answers_are_read_as_their_question_types():
    quiz = load_quiz_text(GOOD, "demo.yaml")
    sheet = load_answers_text("quiz: demo\nseed: 4\nq1-pick: b\nq2-size: '1,024'\n", quiz, "ans.yaml")
    assert sheet.seed == 4 and sheet.get("q1-pick") == 2 and sheet.get("q2-size") == 1024


@pytest.mark.parametrize("text, line, words", [
    ("q1-pick: 2\nq3-nope: 1\n", 2, ["no question 'q3-nope'"]),
    ("q1-pik: 2\n", 1, ["did you mean 'q1-pick'"]),
    ("q1-pick: 2\nq2-size: twelve\n", 2, ["'twelve' is not a number"]),
    ("- q1-pick\n", 1, ["must map question ids to answers"]),
    ("quiz: other\n", 1, ["for quiz 'other'"]),
    ("q1-pick: {a: 1}\n", 1, ["not a mapping"]),
])
def test_answers_file_errors_name_file_and_line(text, line, words):
    quiz = load_quiz_text(GOOD, "demo.yaml")
    with pytest.raises(DefinitionError) as caught:
        load_answers_text(text, quiz, "ans.yaml")
    assert str(caught.value).startswith(f"ans.yaml:{line}:"), str(caught.value)
    for word in words:
        assert word in str(caught.value)


# --- property: no input makes the loaders raise anything but DefinitionError ---------------------

_scalars = st.one_of(st.none(), st.booleans(), st.integers(-5, 40), st.floats(allow_nan=True),
                     st.text(max_size=12), st.sampled_from(["single", "numeric", "shape", "q1-pick", "(8, 16)",
                                                           "conv2d(zeros((1,1,4,4)), 1)", "{h}", "1 // 0"]))
_keys = st.sampled_from(["id", "title", "questions", "type", "prompt", "choices", "answer", "answer_expr",
                         "explanation", "params", "range", "choices", "expr", "require", "tolerance", "abs",
                         "points", "salt", "answer_hash", "q1-pick", "q2-size", "seed", "quiz", "h"])
_trees = st.recursive(_scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                        st.dictionaries(_keys, inner, max_size=6)), max_leaves=25)


def _loads_cleanly(load, text):
    try:
        loaded = load(text)
        if hasattr(loaded, "questions"):
            pose_quiz(loaded, seed=0)  # drawing parameters and computing answers fails cleanly too
    except DefinitionError as err:
        assert str(err).startswith(("q.yaml", "a.yaml")), str(err)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(max_size=200), _trees.map(lambda tree: yaml.safe_dump(tree))))
def test_arbitrary_yaml_gives_only_definition_errors(text):
    _loads_cleanly(lambda t: load_quiz_text(t, "q.yaml"), text)
    quiz = load_quiz_text(GOOD, "demo.yaml")
    _loads_cleanly(lambda t: load_answers_text(t, quiz, "a.yaml"), text)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(_keys, _trees, max_size=6))
def test_arbitrary_question_fields_give_only_definition_errors(fields):
    document = {"id": "t", "title": "T", "questions": [fields]}
    _loads_cleanly(lambda t: load_quiz_text(t, "q.yaml"), yaml.safe_dump(document))
