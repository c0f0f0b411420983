"""`grade quiz`: ask a quiz, grade an answers file, or write the answer key; reports and progress as for exercises."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from ..errors import EXIT_FAILED, EXIT_OK, GraderError, UsageError
from ..reports.output_paths import check_output_dir, check_output_file
from ..results import GradeResult, write_atomic
from ..workspace import Workspace
from .answerfile import answer_key_text, load_answers
from .catalog import find_quiz
from .grading import grade_quiz
from .interactive import ask_all
from .variants import learner_seed, pose_quiz


def cmd_quiz(args: Any, stdin=None, stdout=None) -> int:
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    _check_options(args)
    quiz = find_quiz(args.quiz_id)
    chosen = _seed_from_options(args)
    if args.answer_key:
        seed = 0 if chosen is None else chosen
        text = answer_key_text(quiz, pose_quiz(quiz, seed), seed)
        if args.out:
            _write(args.out, text)
            print(f"Wrote the answer key for '{quiz.id}' (seed {seed}) to {args.out}.", file=stdout)
        else:
            stdout.write(text)
        return EXIT_OK
    workspace = Workspace(args.workspace)
    if args.answers:
        json_path, html_path = _report_paths(args)
        sheet = load_answers(args.answers, quiz)
        seed = _agree(chosen, sheet.seed, args.answers)
        result = grade_quiz(quiz, pose_quiz(quiz, seed), dict(sheet.answers), seed, submission=str(args.answers))
        source = f"answers from {args.answers}"
    else:  # a learner taking the quiz: the report lands in the workspace, as for exercises
        check_output_dir(workspace.root, "--workspace" if args.workspace else "the workspace")
        json_path, html_path = _report_paths(args, workspace, quiz.id)  # checked before the questions are asked
        seed = 0 if chosen is None else chosen
        posed = pose_quiz(quiz, seed)
        given = ask_all(posed, stdin, stdout, title=f"Quiz: {quiz.title}" + (f"\n{quiz.description}"
                                                                             if quiz.description else ""))
        result = grade_quiz(quiz, posed, given, seed)
        source = f"answers typed in the terminal on {datetime.now():%d %B %Y at %H:%M}"
    result.extras["subtitle"] = f"Quiz report{f' for {args.learner}' if args.learner else ''}: {source}."
    workspace.record(result)
    _write_reports(result, json_path, html_path)
    print(_summary(result, color=stdout.isatty() if hasattr(stdout, "isatty") else False), file=stdout)
    if html_path or json_path:
        print(f"Report: {html_path or json_path}", file=stdout)
    return EXIT_OK if result.all_passed else EXIT_FAILED


def _report_paths(args: Any, workspace: Workspace | None = None, quiz_id: str = "") -> tuple[Path | None, ...]:
    """--json and --html, else (with a workspace) its reports/<quiz>.json and .html; checked before grading."""
    paths = []
    for option, suffix, example in (("--json", "json", "result.json"), ("--html", "html", "report.html")):
        given = getattr(args, suffix)
        path = Path(given) if given else (workspace.report_path(quiz_id, suffix) if workspace else None)
        paths.append(check_output_file(path, option, example) if path else None)
    return paths[0], paths[1]


def _check_options(args: Any) -> None:
    if args.answer_key and args.answers:
        raise UsageError("--answer-key writes a key and --answers grades one; use one of them")
    if args.out and not args.answer_key:
        raise UsageError("--out is only used with --answer-key (reports go to --json PATH or --html PATH)")
    if args.answer_key and (args.json or args.html):
        raise UsageError("--answer-key writes no report; drop --json/--html")
    if args.seed is not None and args.seed < 0:
        raise UsageError(f"--seed must be 0 or more, not {args.seed}")
    if args.seed is not None and args.learner:
        raise UsageError("give --seed or --learner, not both (the learner id is turned into a seed)")


def _seed_from_options(args: Any) -> int | None:
    if args.seed is not None:
        return args.seed
    if args.learner:
        return learner_seed(args.learner)
    return None


def _agree(chosen: int | None, from_file: int | None, path: str) -> int:
    if chosen is not None and from_file is not None and chosen != from_file:
        raise UsageError(f"{path} holds answers for seed {from_file}, but the command line asks for seed {chosen}; "
                         "drop one of them")
    for seed in (chosen, from_file):
        if seed is not None:
            return seed
    return 0


def _write(path: str, text: str) -> None:
    try:
        write_atomic(path, text)
    except OSError as err:
        raise GraderError(f"cannot write {path} ({err.strerror})") from None


def _write_reports(result: GradeResult, json_path: Path | None, html_path: Path | None) -> None:
    if json_path:
        _write(str(json_path), result.to_json() + "\n")
    if html_path:
        try:
            from ..reports.html import write_html
        except ImportError:
            raise GraderError("the HTML report is not available in this installation; use --json") from None
        try:
            write_html(result, html_path)
        except OSError as err:
            raise GraderError(f"cannot write {html_path} ({err.strerror})") from None


def _summary(result: GradeResult, color: bool) -> str:
    try:
        from ..reports.terminal import format_summary
    except ImportError:
        format_summary = None
    if format_summary is not None:
        return format_summary(result, color)
    lines = [f"{result.title}: {result.score:g}/{result.max_score:g} points"]
    for case in result.cases:
        mark = {"passed": "ok  ", "not_attempted": "--  "}.get(case.outcome, "XX  ")
        lines.append(f"  {mark}{case.name}" + ("" if case.passed else f": {case.message}"))
    lines.append(result.summary)
    return "\n".join(lines)
