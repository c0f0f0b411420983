"""Grading: every question type marks right, wrong and normalised answers; seeds and hashed keys behave."""

import math

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from grader.quiz import answers
from grader.quiz.catalog import quiz_paths
from grader.quiz.expressions import ExprError, parse
from grader.quiz.grading import grade_question, grade_quiz
from grader.quiz.keys import learner_edition_text
from grader.quiz.model import load_quiz, load_quiz_text
from grader.quiz.variants import learner_seed, pose, pose_quiz
from grader.results import Outcome
from solutions import conv2d

QUIZ = """\
id: kinds
title: One question of every kind
questions:
  - id: q-single
    type: single
    prompt: Which one?
    choices: [a vector, a feature map, a label]
    answer: 2
    explanation: Convolutions give feature maps.
  - id: q-multi
    type: multiple
    points: 2
    prompt: Which ones?
    choices: [downsamples, flattens, keeps the strongest response]
    answer: [1, 3]
    explanation: Pooling does not flatten.
  - id: q-tf
    type: true_false
    prompt: Convolutions flatten images.
    answer: false
    explanation: They keep the grid.
  - id: q-num
    type: numeric
    prompt: A fraction.
    answer: 0.25
    tolerance: {abs: 0.01}
    explanation: One in four.
  - id: q-shape
    type: shape
    prompt: Shape?
    answer: (8, 16, 14, 14)
    explanation: NCHW.
  - id: q-text
    type: text
    prompt: Name it.
    answer: [feature map, activation map]
    explanation: It is the grid a kernel leaves behind.
"""


@pytest.fixture(scope="module")
def posed():
    quiz = load_quiz_text(QUIZ, "kinds.yaml")
    return {item.id: item for item in pose_quiz(quiz, seed=0)}


def grade_raw(item, raw):
    return grade_question(item, answers.parse(item.question.type, raw, len(item.question.choices)))


@pytest.mark.parametrize("qid, right, wrong", [
    ("q-single", ["2", "b", 2, " B "], ["1", "c", 3]),
    ("q-multi", ["1, 3", "3 1", [3, 1], "a,c"], ["1", "1,2,3", [2]]),
    ("q-tf", ["false", "F", "no", False], ["true", "yes", True]),
    ("q-num", ["0.25", 0.255, "0.245", ".25"], ["0.5", 1, "0.27"]),
    ("q-shape", ["(8, 16, 14, 14)", "8x16x14x14", [8, 16, 14, 14], "8 X 16 x 14 x 14", "[8,16,14,14]"],
     ["(8, 16, 14)", "16x8x14x14", [8, 16, 14, 15]]),
    ("q-text", ["feature map", "  Feature   MAP! ", "The feature-map", "activation map"], ["kernel", "feature"]),
])
def test_every_question_type_grades_right_wrong_and_normalised_answers(posed, qid, right, wrong):
    item = posed[qid]
    for raw in right:
        case = grade_raw(item, raw)
        assert case.passed and case.points == item.question.points, (raw, case.message)
    for raw in wrong:
        case = grade_raw(item, raw)
        assert case.outcome == "failed" and case.points == 0, raw
        assert case.message.startswith("You answered") and "the answer is" in case.message
        assert case.details["explanation"] == item.explanation


def test_a_wrong_multiple_select_says_what_was_missed_and_what_was_extra(posed):
    case = grade_raw(posed["q-multi"], "1, 2")  # choices are shown lettered, so the message uses letters too
    assert "You answered a, b; the answer is a, c" in case.message
    assert "you missed c" in case.message and "b should not be picked" in case.message


def test_reports_get_question_answers_choices_and_explanation(posed):
    case = grade_raw(posed["q-single"], "1")
    details = case.details
    assert details["question"] == "Which one?" and details["id"] == "q-single"
    assert details["your_answer"] == "a. a vector" and details["right_answer"] == "b. a feature map"
    assert details["choices"] == ["a vector", "a feature map", "a label"]
    multi = grade_raw(posed["q-multi"], "b, c").details  # a list of lettered choices, one item each
    assert multi["your_answer"] == ["b. flattens", "c. keeps the strongest response"]
    assert multi["right_answer"] == ["a. downsamples", "c. keeps the strongest response"]


def test_cases_are_named_by_number_and_readable_title_never_by_id(posed):
    quiz = load_quiz_text(QUIZ.replace("    prompt: Shape?", "    title: The output shape\n    prompt: Shape?"),
                          "kinds.yaml")
    result = grade_quiz(quiz, pose_quiz(quiz, 0), {}, 0)
    assert [case.name for case in result.cases] == [
        "Question 1: Q single", "Question 2: Q multi", "Question 3: Q tf", "Question 4: Q num",
        "Question 5: The output shape", "Question 6: Q text"]
    assert [case.details["id"] for case in result.cases] == [q.id for q in quiz.questions]


@pytest.mark.parametrize("qid, heading", [
    ("q2-products-summed", "Products summed"), ("q10_filters_give_channels", "Filters give channels"),
    ("q7", ""), ("kernel-size", "Kernel size"), ("quick-q2-check", "Quick q2 check"),
])
def test_a_heading_is_read_from_the_id_without_its_number(qid, heading):
    quiz = load_quiz_text(QUIZ.replace("id: q-single", f"id: {qid}"), "kinds.yaml")
    assert quiz.questions[0].heading == heading
    name = grade_quiz(quiz, pose_quiz(quiz, 0), {}, 0).cases[0].name
    assert name == (f"Question 1: {heading}" if heading else "Question 1") and qid not in name


# Text answers: the accepted list names each idea once; the rule, not the list, absorbs plural and "layer".
@pytest.mark.parametrize("accepted, typed", [
    (["dense", "dense layers"], ["dense layer", "Dense Layers", "a dense layer", "dense"]),
    (["fc"], ["fc layer", "FC layers", "the fc"]),
    (["linear", "linear layers"], ["linear layer"]),
    (["feature map", "activation map"], ["activation maps", "feature maps", "Feature-Maps!"]),
    (["edge"], ["edges"]),
    (["bias"], ["biases"]),
    (["box"], ["boxes"]),
    (["patch"], ["patches"]),
    (["quantity"], ["quantities"]),
    (["house"], ["houses"]),
    (["class"], ["classes"]),
    (["layer"], ["layers", "the layer"]),  # a lone "layer" is the answer itself, not a suffix
])
def test_singular_plural_and_a_trailing_layer_never_decide_a_text_answer(accepted, typed):
    for text in typed:
        assert answers.matches(answers.TEXT, text, tuple(accepted)), (text, accepted)


@pytest.mark.parametrize("accepted, typed", [
    (["pool"], ["pooling", "pooling layer", "pooled"]),
    (["pooling"], ["pool", "pools"]),
    (["max pooling"], ["mean pooling", "max", "pooling"]),
    (["feature map"], ["feature", "map", "feature maps layer extra"]),
    (["sum"], ["sums up", "mean"]),
    (["dense"], ["layer", "dense network"]),
    (["class"], ["clas", "cla"]),
])
def test_the_rule_keeps_different_answers_apart(accepted, typed):
    for text in typed:
        assert not answers.matches(answers.TEXT, text, tuple(accepted)), (text, accepted)


def _english_plural(word: str) -> str:
    if word.endswith(("s", "x", "z", "ch", "sh")):
        return word + "es"
    if word.endswith("y") and word[-2:-1] not in tuple("aeiou"):
        return word[:-1] + "ies"
    return word + "s"


def test_every_word_of_the_course_matches_its_regular_plural():
    words = {word.lower() for path in quiz_paths() for word in path.read_text().split()
             if word.isalpha() and len(word) > 2 and not word.endswith("s")}  # "-s" words: see the table above
    assert len(words) > 200
    for word in sorted(words):
        assert answers.word_stem(word) == answers.word_stem(_english_plural(word)), word


@given(st.text(alphabet="abcdefghijklmnopqrtuvwxyz", min_size=3, max_size=12), st.sampled_from(["", "the "]),
       st.sampled_from(["", " layer", " layers"]))
def test_any_word_matches_its_plural_with_or_without_layer(word, article, layer):
    assert answers.matches(answers.TEXT, f"{article}{_english_plural(word)}{layer}", (f"max {word}", word))


def test_no_accepted_text_answer_of_one_question_becomes_right_for_another():
    """Across the course, the rule only merges answers that were accepted for the same question."""
    texts = []
    for path in quiz_paths():
        quiz = load_quiz(path)
        texts += [(quiz.id, q.id, q.answer) for q in quiz.questions if q.type == "text" and q.answer]
    assert texts
    for quiz_id, qid, accepted in texts:
        keys = {answers.normalise_text(option) for option in accepted}
        for other_quiz, other_id, others in texts:
            if (other_quiz, other_id) != (quiz_id, qid):
                clashes = [option for option in others if answers.normalise_text(option) in keys]
                assert not clashes, f"{other_quiz}/{other_id} {clashes} would be right for {quiz_id}/{qid}"


@pytest.mark.parametrize("qtype, raw", [
    ("single", "7"), ("single", "two"), ("multiple", "1, 1"), ("true_false", "maybe"), ("numeric", "1/4"),
    ("numeric", "nan"), ("shape", "eight by sixteen"), ("shape", "(8, -1)"), ("text", "!!!"), ("numeric", ""),
])
def test_unreadable_answers_are_refused_with_a_hint(qtype, raw):
    with pytest.raises(answers.AnswerFormatError) as caught:
        answers.parse(qtype, raw, 3)
    assert "give" in str(caught.value) or "answer" in str(caught.value)


def test_an_unanswered_question_is_not_attempted_and_scores_nothing(posed):
    quiz = load_quiz_text(QUIZ, "kinds.yaml")
    result = grade_quiz(quiz, tuple(posed.values()), {"q-tf": False}, seed=0)
    assert result.count(Outcome.PASSED) == 1 and result.count(Outcome.NOT_ATTEMPTED) == len(posed) - 1
    assert result.score == 1 and result.max_score == sum(item.question.points for item in posed.values())
    assert not result.all_passed


# --- variants -----------------------------------------------------------------------------------

def variant_questions():
    return [(load_quiz(path), q) for path in quiz_paths() for q in load_quiz(path).questions if q.is_variant]


def test_the_same_seed_always_gives_the_same_quiz():
    for path in quiz_paths():
        quiz = load_quiz(path)
        assert pose_quiz(quiz, 1234) == pose_quiz(load_quiz(path), 1234)


def test_different_seeds_give_different_variants():
    assert variant_questions(), "the course has variant questions"
    for quiz, question in variant_questions():
        prompts = {pose(quiz.id, question, seed).prompt for seed in range(20)}
        assert len(prompts) > 1, question.id


def test_a_learner_id_always_maps_to_the_same_seed():
    assert learner_seed("ada") == learner_seed("ada") != learner_seed("grace")


def test_computed_answers_agree_with_the_reference_conv2d():
    import numpy as np
    quiz = load_quiz(next(path for path in quiz_paths() if path.stem == "sizes-and-counts"))
    question = quiz.question("q3-conv-output-shape")
    for seed in range(5):
        item = pose(quiz.id, question, seed)
        v = dict(item.values)
        out = conv2d(np.ones((v["n"], 3, v["h"], v["h"])), np.ones((v["f"], 3, v["k"], v["k"])), padding=v["p"])
        assert item.answer == out.shape
        assert str(v["f"]) in item.prompt and answers.show("shape", out.shape) in item.explanation


@pytest.mark.parametrize("source", [
    "__import__('os')", "open('x')", "h.__class__", "(lambda: 1)()", "[x for x in (1,)]", "'text'",
    "h if h else eval('1')", "zeros(1).tofile('x')",
])
def test_the_expression_language_refuses_anything_beyond_its_whitelist(source):
    with pytest.raises(ExprError):
        parse(source, frozenset({"h"}))


def test_expressions_compute_arithmetic_and_call_references():
    values = {"h": 10, "k": 3}
    assert parse("(h - k) // 2 + 1", {"h", "k"}).evaluate(values) == (10 - 3) // 2 + 1
    assert parse("max(h, k) ** 2 % 7", {"h", "k"}).evaluate(values) == max(10, 3) ** 2 % 7
    shape = parse("conv2d(zeros((1, 1, h, h)), zeros((2, 1, k, k)), padding=1).shape", {"h", "k"}).evaluate(values)
    assert shape == (1, 2, 10, 10) and all(type(d) is int for d in shape)
    with pytest.raises(ExprError, match="ZeroDivisionError"):
        parse("h // (k - 3)", {"h", "k"}).evaluate(values)
    with pytest.raises(ExprError, match="too large"):
        parse("zeros((h * 10000, h * 10000))", {"h"}).evaluate(values)


# --- hashed keys --------------------------------------------------------------------------------

def test_hashed_keys_check_answers_without_containing_the_plaintext(tmp_path):
    source = tmp_path / "kinds.yaml"
    source.write_text(QUIZ, encoding="utf-8")
    edition = learner_edition_text(source)
    for plaintext in ("activation map", "(8, 16, 14, 14)", "0.25"):
        assert plaintext not in edition
    assert "answer:" not in edition and edition.count("answer_hash") == 6
    hashed = load_quiz_text(edition, "edition.yaml")
    instructor = load_quiz_text(QUIZ, "kinds.yaml")
    for right, item in zip(pose_quiz(instructor, 0), pose_quiz(hashed, 0)):
        assert item.answer is None
        key = right.answer[-1] if right.question.type == "text" else right.answer
        assert grade_question(item, key).passed, item.id
        if item.question.type == "text":  # the same rule behind a hash: plural and "layer" do not count
            for typed in ("  ACTIVATION-map ", "activation maps", "the feature map layers"):
                assert grade_question(item, typed).passed, typed
        wrong = {"single": 1, "multiple": (1,), "true_false": True, "numeric": 0.5, "shape": (8, 16),
                 "text": "kernel"}[item.question.type]
        case = grade_question(item, wrong)
        assert not case.passed and "hidden" in case.details["right_answer"]


def test_a_hashed_numeric_answer_is_checked_exactly(tmp_path):
    source = tmp_path / "kinds.yaml"
    source.write_text(QUIZ, encoding="utf-8")
    hashed = load_quiz_text(learner_edition_text(source), "edition.yaml")
    item = next(item for item in pose_quiz(hashed, 0) if item.id == "q-num")
    assert grade_question(item, 0.25).passed and grade_question(item, 1 / 4).passed
    assert not grade_question(item, 0.2501).passed
    assert math.isclose(yaml.safe_load(QUIZ)["questions"][3]["answer"], 0.25)
