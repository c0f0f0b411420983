"""`grade quiz`: ask a quiz, grade an answers file, or write the answer key; reports and progress as for exercises."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from typing import TextIO

from ..errors import EXIT_FAILED, EXIT_OK, GraderError, UsageError
from ..reports.files import check_output_dir, check_output_file, write_reports
from ..reports.terminal import format_summary
from ..results import write_atomic
from ..workspace import Workspace
from .answerfile import answer_key_text, load_answers
from .catalog import find_quiz
from .grading import grade_quiz
from .interactive import ask_all
from .variants import learner_seed, pose_quiz


def take_quiz(quiz_id: str, *, answers: Path | None, json_path: Path | None, html_path: Path | None,
              seed: int | None, learner: str | None, answer_key: bool, key_path: Path | None, workspace: Path | None,
              stdin: TextIO | None = None, stdout: TextIO | None = None) -> int:
    """Ask the quiz on `stdin`/`stdout` (default: the terminal), or grade the `answers` file, or with `answer_key`
    write the complete answers file to `key_path` (default: stdout). `seed` (or one derived from `learner`)
    chooses the variant. Exit code 0 when every answer is right, 1 otherwise."""
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    _check_options(answers=answers, json_path=json_path, html_path=html_path, seed=seed, learner=learner,
                   answer_key=answer_key, key_path=key_path)
    quiz = find_quiz(quiz_id)
    chosen = _chosen_seed(seed, learner)
    if answer_key:
        variant = 0 if chosen is None else chosen
        text = answer_key_text(quiz, pose_quiz(quiz, variant), variant)
        if key_path:
            _write(key_path, text)
            print(f"Wrote the answer key for '{quiz.id}' (seed {variant}) to {key_path}.", file=stdout)
        else:
            stdout.write(text)
        return EXIT_OK
    space = Workspace(workspace)
    if answers:
        json_out, html_out = _report_paths(json_path, html_path)
        sheet = load_answers(answers, quiz)
        variant = _agree(chosen, sheet.seed, answers)
        result = grade_quiz(quiz, pose_quiz(quiz, variant), dict(sheet.answers), variant, submission=str(answers))
        source = f"answers from {answers}"
    else:  # a learner taking the quiz: the report lands in the workspace, as for exercises
        check_output_dir(space.root, "--workspace" if workspace else "the workspace")
        json_out, html_out = _report_paths(json_path, html_path, space, quiz.id)  # checked before asking
        variant = 0 if chosen is None else chosen
        posed = pose_quiz(quiz, variant)
        given = ask_all(posed, stdin, stdout, title=f"Quiz: {quiz.title}" + (f"\n{quiz.description}"
                                                                             if quiz.description else ""))
        result = grade_quiz(quiz, posed, given, variant)
        source = f"answers typed in the terminal on {datetime.now():%d %B %Y at %H:%M}"
    result.extras["subtitle"] = f"Quiz report{f' for {learner}' if learner else ''}: {source}."
    space.record(result)
    write_reports(result, json_out, html_out)
    print(format_summary(result, color=stdout.isatty() if hasattr(stdout, "isatty") else False), file=stdout)
    if html_out or json_out:
        print(f"Report: {html_out or json_out}", file=stdout)
    return EXIT_OK if result.all_passed else EXIT_FAILED


def _report_paths(json_path: Path | None, html_path: Path | None, workspace: Workspace | None = None,
                  quiz_id: str = "") -> tuple[Path | None, Path | None]:
    """--json and --html, else (with a workspace) its reports/<quiz>.json and .html; checked before grading."""
    paths = []
    for given, option, suffix, example in ((json_path, "--json", "json", "result.json"),
                                           (html_path, "--html", "html", "report.html")):
        path = given or (workspace.report_path(quiz_id, suffix) if workspace else None)
        paths.append(check_output_file(path, option, example) if path else None)
    return paths[0], paths[1]


def _check_options(*, answers: Path | None, json_path: Path | None, html_path: Path | None, seed: int | None,
                   learner: str | None, answer_key: bool, key_path: Path | None) -> None:
    if answer_key and answers:
        raise UsageError("--answer-key writes a key and --answers grades one; use one of them")
    if key_path and not answer_key:
        raise UsageError("--out is only used with --answer-key (reports go to --json PATH or --html PATH)")
    if answer_key and (json_path or html_path):
        raise UsageError("--answer-key writes no report; drop --json/--html")
    if seed is not None and seed < 0:
        raise UsageError(f"--seed must be 0 or more, not {seed}")
    if seed is not None and learner:
        raise UsageError("give --seed or --learner, not both (the learner id is turned into a seed)")


def _chosen_seed(seed: int | None, learner: str | None) -> int | None:
    if seed is not None:
        return seed
    if learner:
        return learner_seed(learner)
    return None


def _agree(chosen: int | None, from_file: int | None, path: Path) -> int:
    if chosen is not None and from_file is not None and chosen != from_file:
        raise UsageError(f"{path} holds answers for seed {from_file}, but the command line asks for seed {chosen}; "
                         "drop one of them")
    for seed in (chosen, from_file):
        if seed is not None:
            return seed
    return 0


def _write(path: Path, text: str) -> None:
    try:
        write_atomic(path, text)
    except OSError as err:
        raise GraderError(f"cannot write {path} ({err.strerror})") from None
