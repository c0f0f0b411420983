"""`grade quiz` end to end, in-process: answer keys, answers files, reports, progress and the interactive loop."""

import io
import json
import re

import pytest
import yaml
from markupsafe import escape

from grader import cli
from grader.quiz.catalog import find_quiz, list_quizzes
from grader.quiz.variants import learner_seed

QUIZ_IDS = [quiz_id for quiz_id, _, _ in list_quizzes()]
course_quiz = find_quiz


def grade(*argv):
    return cli.main(list(argv))


def write_key(tmp_path, quiz_id, *seed_args):
    key = tmp_path / f"{quiz_id}-key.yaml"
    assert grade("quiz", quiz_id, "--answer-key", "--out", str(key), *seed_args) == 0
    return key


@pytest.mark.parametrize("quiz_id", QUIZ_IDS)
@pytest.mark.parametrize("seed", ["0", "97"])
def test_the_answer_key_scores_full_marks_for_every_quiz(tmp_path, quiz_id, seed, capsys):
    key = write_key(tmp_path, quiz_id, "--seed", seed)
    report = tmp_path / "result.json"
    code = grade("quiz", quiz_id, "--answers", str(key), "--json", str(report), "--workspace", str(tmp_path / "ws"))
    result = json.loads(report.read_text())
    assert code == 0, capsys.readouterr()
    assert result["kind"] == "quiz" and result["seed"] == int(seed)
    assert result["score"] == result["max_score"] > 0
    assert len(result["tests"]) == len(course_quiz(quiz_id).questions)


def test_wrong_answers_lose_points_and_exit_1(tmp_path):
    key = write_key(tmp_path, "sizes-and-counts", "--seed", "5")
    answers = yaml.safe_load(key.read_text())
    answers["q4-conv-parameters"] += 1
    answers["q3-conv-output-shape"] = "(1, 2, 3)"
    del answers["q6-flatten-length"]
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text(yaml.safe_dump(answers))
    report = tmp_path / "r.json"
    assert grade("quiz", "sizes-and-counts", "--answers", str(wrong), "--json", str(report)) == 1
    tests = {t["details"]["id"]: t for t in json.loads(report.read_text())["tests"]}
    assert tests["q4-conv-parameters"]["score"] == 0 and tests["q4-conv-parameters"]["outcome"] == "failed"
    assert "4 sizes, you gave 3" in tests["q3-conv-output-shape"]["message"]
    assert tests["q6-flatten-length"]["outcome"] == "not_attempted"
    assert tests["q1-conv-output-height"]["outcome"] == "passed"
    details = tests["q4-conv-parameters"]["details"]
    assert details["your_answer"] == str(answers["q4-conv-parameters"])
    assert details["right_answer"] == str(answers["q4-conv-parameters"] - 1)


def test_the_answers_file_seed_picks_the_variant_and_a_conflicting_seed_is_refused(tmp_path, capsys):
    key = write_key(tmp_path, "sizes-and-counts", "--learner", "ada")
    assert yaml.safe_load(key.read_text())["seed"] == learner_seed("ada")
    assert grade("quiz", "sizes-and-counts", "--answers", str(key)) == 0
    assert grade("quiz", "sizes-and-counts", "--answers", str(key), "--learner", "ada") == 0
    capsys.readouterr()
    assert grade("quiz", "sizes-and-counts", "--answers", str(key), "--learner", "grace") == 2
    assert "seed" in capsys.readouterr().err


@pytest.mark.parametrize("content, words", [
    ("q1-kernel-slides: [\n", ["YAML syntax error"]),
    ("q1-kernel-slide: 2\n", ["no question 'q1-kernel-slide'", "did you mean 'q1-kernel-slides'"]),
    ("q99: 1\n", ["no question 'q99'"]),
    ("q3-one-value-per-position: perhaps\n", ["neither true nor false"]),
    ("just some text\n", ["must map question ids"]),
])
def test_a_malformed_answers_file_or_unknown_question_exits_2_with_a_message(tmp_path, capsys, content, words):
    answers = tmp_path / "answers.yaml"
    answers.write_text(content)
    assert grade("quiz", "convolution", "--answers", str(answers)) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"grade: {answers}:") and "Traceback" not in err
    for word in words:
        assert word in err


def test_a_missing_answers_file_and_an_unknown_quiz_exit_2(tmp_path, capsys):
    assert grade("quiz", "convolution", "--answers", str(tmp_path / "nope.yaml")) == 2
    assert "file not found" in capsys.readouterr().err
    assert grade("quiz", "convolutoin") == 2
    assert "did you mean 'convolution'" in capsys.readouterr().err


def test_results_are_recorded_as_best_scores_in_the_workspace(tmp_path):
    from grader.workspace import Workspace
    key = write_key(tmp_path, "feature-hierarchy")
    empty = tmp_path / "empty.yaml"
    empty.write_text("quiz: feature-hierarchy\n")
    workspace = tmp_path / "ws"
    assert grade("quiz", "feature-hierarchy", "--answers", str(key), "--workspace", str(workspace)) == 0
    assert grade("quiz", "feature-hierarchy", "--answers", str(empty), "--workspace", str(workspace)) == 1
    entry = Workspace(workspace).entry("feature-hierarchy")
    quiz = course_quiz("feature-hierarchy")
    assert entry["best_score"] == sum(q.points for q in quiz.questions) and entry["last_score"] == 0
    assert entry["attempts"] == 2


def test_the_html_report_shows_question_answer_right_answer_and_explanation(tmp_path):
    answers = tmp_path / "a.yaml"
    answers.write_text("q4-flatten-keeps-values: true\n")
    html = tmp_path / "r.html"
    assert grade("quiz", "flatten-and-pool", "--answers", str(answers), "--html", str(html)) == 1
    page = html.read_text()
    quiz = course_quiz("flatten-and-pool")
    question = quiz.question("q4-flatten-keeps-values")
    assert question.prompt in page and question.explanation.split(":")[0] in page


def test_answer_key_without_out_prints_the_key_and_option_misuse_exits_2(capsys):
    assert grade("quiz", "convolution", "--answer-key") == 0
    assert yaml.safe_load(capsys.readouterr().out)["quiz"] == "convolution"
    assert grade("quiz", "convolution", "--out", "x.yaml") == 2
    assert grade("quiz", "convolution", "--answer-key", "--answers", "x.yaml") == 2
    assert grade("quiz", "convolution", "--seed", "1", "--learner", "ada") == 2


# --- interactive ---------------------------------------------------------------------------------

def run_interactive(monkeypatch, tmp_path, quiz_id, typed, *extra):
    monkeypatch.setattr("sys.stdin", io.StringIO(typed))
    report = tmp_path / "i.json"
    code = grade("quiz", quiz_id, "--json", str(report), "--workspace", str(tmp_path / "ws"), *extra)
    return code, json.loads(report.read_text())


def key_lines(tmp_path, quiz_id):
    key = yaml.safe_load(write_key(tmp_path, quiz_id).read_text())
    quiz = course_quiz(quiz_id)
    lines = []
    for question in quiz.questions:
        value = key[question.id]
        lines.append(", ".join(map(str, value)) if isinstance(value, list) else str(value).lower()
                     if isinstance(value, bool) else str(value))
    return lines


def test_interactive_mode_asks_one_question_at_a_time_and_grades(monkeypatch, tmp_path, capsys):
    lines = key_lines(tmp_path, "convolution")
    code, result = run_interactive(monkeypatch, tmp_path, "convolution", "\n".join(lines) + "\n")
    out = capsys.readouterr().out
    assert code == 0 and result["score"] == result["max_score"]
    assert out.count("Question ") >= len(lines) and "  a. " in out and "Why:" in out


def test_interactive_mode_writes_its_report_to_the_workspace_and_says_where(monkeypatch, tmp_path, capsys):
    lines = key_lines(tmp_path, "flatten-and-pool")
    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(lines) + "\n"))
    workspace = tmp_path / "ws"
    assert grade("quiz", "flatten-and-pool", "--workspace", str(workspace), "--learner", "ada") in (0, 1)
    reports = workspace / "reports"
    result = json.loads((reports / "flatten-and-pool.json").read_text())
    page = (reports / "flatten-and-pool.html").read_text()
    assert f"Report: {reports / 'flatten-and-pool.html'}" in capsys.readouterr().out
    assert result["kind"] == "quiz" and "(terminal)" not in page
    assert "Quiz report for ada: answers typed in the terminal on" in page


def test_a_bad_report_path_is_refused_before_any_question_is_asked(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("1\n"))
    (tmp_path / "taken").mkdir()
    assert grade("quiz", "convolution", "--html", str(tmp_path / "taken"), "--workspace", str(tmp_path / "ws")) == 2
    captured = capsys.readouterr()
    assert "--html" in captured.err and "is a folder" in captured.err and "Question 1" not in captured.out


def test_the_html_report_letters_answers_lists_multi_answers_and_names_questions(tmp_path):
    quiz = course_quiz("flatten-and-pool")
    multi = next(q for q in quiz.questions if q.type == "multiple")
    single = next(q for q in quiz.questions if q.type == "single")
    wrong_pick = next(n for n in range(1, len(multi.choices) + 1) if n not in multi.answer)
    picked = sorted({multi.answer[0], wrong_pick})
    answers = tmp_path / "mine.yaml"
    answers.write_text(yaml.safe_dump({multi.id: picked, single.id: single.answer}))
    html = tmp_path / "r.html"
    assert grade("quiz", quiz.id, "--answers", str(answers), "--html", str(html), "--learner", "ada",
                 "--workspace", str(tmp_path / "ws")) == 1
    page = html.read_text()
    letter = "abcdefgh"
    yours = "".join(f"<li>{letter[n - 1]}. {escape(multi.choices[n - 1])}</li>" for n in picked)
    assert f"<dd><ul>{yours}</ul></dd>" in page and not re.search(r"<dd>(<ul><li>)?\d\) ", page)
    assert f"<dd>{letter[single.answer - 1]}. {escape(single.choices[single.answer - 1])}</dd>" in page
    headings = re.findall(r"<h2>[^<]*</h2>", page)
    for number, question in enumerate(quiz.questions, start=1):
        assert any(f"Question {number}: {question.heading}" in h for h in headings)
        assert not any(question.id in h for h in headings)
    assert f"Quiz report for ada: answers from {answers}." in page


def test_interactive_mode_re_asks_after_unreadable_input(monkeypatch, tmp_path, capsys):
    lines = key_lines(tmp_path, "convolution")
    typed = "\n".join(["banana", "", lines[0]] + lines[1:]) + "\n"
    code, result = run_interactive(monkeypatch, tmp_path, "convolution", typed)
    out = capsys.readouterr().out
    assert code == 0 and result["score"] == result["max_score"]
    assert out.count("I could not read that") == 2


def test_end_of_input_stops_cleanly_and_grades_what_was_answered(monkeypatch, tmp_path, capsys):
    lines = key_lines(tmp_path, "flatten-and-pool")
    code, result = run_interactive(monkeypatch, tmp_path, "flatten-and-pool", "\n".join(lines[:2] + ["skip"]))
    outcomes = [t["outcome"] for t in result["tests"]]
    assert code == 1 and outcomes[:2] == ["passed", "passed"]
    assert set(outcomes[2:]) == {"not_attempted"}
    assert "Stopped after 2 answer(s)" in capsys.readouterr().out


def test_ctrl_c_stops_cleanly_and_grades_what_was_answered(monkeypatch, tmp_path, capsys):
    class Interrupted(io.StringIO):
        def readline(self, *args):
            if self.tell() >= len(self.getvalue()):
                raise KeyboardInterrupt
            return super().readline(*args)

    lines = key_lines(tmp_path, "feature-hierarchy")
    monkeypatch.setattr("sys.stdin", Interrupted(lines[0] + "\n"))
    report = tmp_path / "c.json"
    assert grade("quiz", "feature-hierarchy", "--json", str(report), "--workspace", str(tmp_path / "ws")) == 1
    outcomes = [t["outcome"] for t in json.loads(report.read_text())["tests"]]
    assert outcomes[0] == "passed" and set(outcomes[1:]) == {"not_attempted"}
    assert "Stopped after 1 answer(s)" in capsys.readouterr().out


def test_grade_list_shows_quizzes_with_their_best_scores(tmp_path, capsys):
    key = write_key(tmp_path, "convolution")
    workspace = str(tmp_path / "ws")
    assert grade("quiz", "convolution", "--answers", str(key), "--workspace", workspace) == 0
    capsys.readouterr()
    assert grade("list", "--workspace", workspace) == 0
    listing = {word: line for line in capsys.readouterr().out.splitlines() for word in line.split()[:2]}
    full = course_quiz("convolution").max_score
    assert f"{full:g}/{full:g}" in listing["convolution"]
    for quiz_id in QUIZ_IDS:
        assert course_quiz(quiz_id).title in listing[quiz_id]
