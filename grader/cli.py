"""The `grade` command: parse arguments, call the library, turn errors into messages and exit codes."""

from __future__ import annotations

import argparse
import atexit
import os
import re
import sys
from pathlib import Path

from .errors import EXIT_INTERNAL, EXIT_USAGE, GraderError

SANDBOXES = ("standard", "strict")
SANDBOX_HELP = ("strict runs learner code in a jail: no network, no files but its own, no other processes (needs "
                "bwrap or unshare); default: strict where it works here, else standard")


def _option_path(text: str) -> Path | None:
    """The path given to an option; an empty one means the option's default, as when it is left out."""
    return Path(text) if text else None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="grade",
        description="Grade NumPy exercises and quizzes on how convolutional networks treat images.",
        epilog="Start with `grade exercise-1`. Exit codes: 0 all passed, 1 something failed, 2 usage or "
               "definition error, 3 internal error.")
    from . import __version__
    parser.add_argument("--version", action="version", version=f"cnn-grader {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def workspace_option(p):
        p.add_argument("--workspace", type=_option_path, metavar="DIR",
                       help="your workspace folder (default: $CNN_GRADER_WORKSPACE or ./cnn-workspace)")

    p = sub.add_parser("exercise", help="grade an exercise (also: `grade EXERCISE-ID`)")
    p.add_argument("exercise_id", metavar="EXERCISE-ID")
    p.add_argument("--submission", type=_option_path, metavar="PATH",
                   help="the file to grade (default: your workspace file)")
    p.add_argument("--json", type=_option_path, metavar="PATH", help="write the JSON result here")
    p.add_argument("--html", type=_option_path, metavar="PATH", help="write the HTML report here")
    p.add_argument("--seed", type=int, metavar="N", help="draw generated inputs from this seed")
    p.add_argument("--sandbox", choices=SANDBOXES, default=None, help=SANDBOX_HELP)
    workspace_option(p)

    p = sub.add_parser("start", help="write an exercise's starter file into your workspace")
    p.add_argument("exercise_id", metavar="EXERCISE-ID")
    p.add_argument("--notebook", action="store_true",
                   help="write a Jupyter notebook (EXERCISE_ID.ipynb) instead of a Python file")
    p.add_argument("--force", action="store_true", help="overwrite existing work")
    workspace_option(p)

    p = sub.add_parser("list", help="list the exercises and quizzes with your best scores")
    workspace_option(p)

    p = sub.add_parser("hint", help="show the next hint for an exercise (or hint N again, or --all)")
    p.add_argument("exercise_id", metavar="EXERCISE-ID")
    p.add_argument("number", nargs="?", type=int, metavar="N", help="show hint N again (1 is the first)")
    p.add_argument("--all", action="store_true", help="show every hint of the exercise")
    workspace_option(p)

    p = sub.add_parser("watch", help="re-grade an exercise every time you save your file")
    p.add_argument("exercise_id", metavar="EXERCISE-ID")
    p.add_argument("--submission", type=_option_path, metavar="PATH")
    p.add_argument("--interval", type=float, default=0.05, help="seconds between looks at the file (default 0.05)")
    workspace_option(p)

    p = sub.add_parser("quiz", help="take a concept quiz, or grade an answers file")
    p.add_argument("quiz_id", metavar="QUIZ-ID")
    p.add_argument("--answers", type=_option_path, metavar="FILE",
                   help="grade this answers YAML file instead of asking")
    p.add_argument("--json", type=_option_path, metavar="PATH", help="write the JSON result here")
    p.add_argument("--html", type=_option_path, metavar="PATH", help="write the HTML report here")
    p.add_argument("--seed", type=int, metavar="N", help="your quiz variant (default: derived from --learner)")
    p.add_argument("--learner", metavar="NAME", help="learner id the variant seed is derived from")
    p.add_argument("--answer-key", action="store_true", help="write the complete answers file (instructors)")
    p.add_argument("--out", type=_option_path, metavar="FILE", help="with --answer-key: where to write it")
    workspace_option(p)

    p = sub.add_parser("validate", help="check exercise and quiz definitions (instructors)")
    p.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                   help="definition files, folders of them, or ids such as exercise-2 (default: all)")

    p = sub.add_parser("new", help="scaffold a new exercise (instructors)")
    p.add_argument("exercise_id", metavar="EXERCISE-ID")
    p.add_argument("--function", required=True, metavar="NAME", help="the entry point's name")
    p.add_argument("--force", action="store_true")

    p = sub.add_parser("release", help="build the learner edition (instructors)")
    p.add_argument("outdir", type=Path, metavar="OUTDIR")
    p.add_argument("--force", action="store_true", help="replace OUTDIR if it exists")

    p = sub.add_parser("batch", help="grade a whole class of submissions")
    p.add_argument("submissions", type=Path, metavar="SUBMISSIONS")
    p.add_argument("--exercise", action="append", metavar="ID",
                   help="the exercise to grade; repeat it for several (default: those with a folder in SUBMISSIONS)")
    p.add_argument("--out", required=True, type=Path, metavar="DIR")
    p.add_argument("--jobs", type=int, metavar="N", help="parallel graders (default: number of cores)")
    p.add_argument("--shard", metavar="K/N", help="grade only shard K of N (1-based)")
    p.add_argument("--force", action="store_true", help="re-grade learners that already have a result")
    p.add_argument("--seed", type=int, metavar="N")
    p.add_argument("--sandbox", choices=SANDBOXES, default=None, help=SANDBOX_HELP)

    p = sub.add_parser("merge", help="join shard outputs of `grade batch` into one gradebook")
    p.add_argument("dirs", nargs="+", type=Path, metavar="DIR")
    p.add_argument("--out", required=True, type=Path, metavar="DIR")

    p = sub.add_parser("insights", help="rebuild the class report of a `grade batch` output folder (instructors)")
    p.add_argument("out", type=Path, metavar="OUT")
    p.add_argument("--exercise", metavar="ID", help="the exercise to report on (default: the folder's own)")
    return parser


# --- the commands: each turns the parsed arguments into a library call with typed, named parameters ----------
# (imports inside the functions: `grade list` must not pay for NumPy and the grading machinery)

def _grade_exercise(args: argparse.Namespace) -> int:
    from .learner.grade import grade_exercise
    return grade_exercise(args.exercise_id, submission=args.submission, json_path=args.json, html_path=args.html,
                          seed=args.seed, sandbox=args.sandbox, workspace=args.workspace)


def _start(args: argparse.Namespace) -> int:
    from .learner.start import start_exercise
    return start_exercise(args.exercise_id, force=args.force, workspace=args.workspace,
                          notebook=args.notebook)


def _list(args: argparse.Namespace) -> int:
    from .learner.listing import list_progress
    return list_progress(workspace=args.workspace)


def _hint(args: argparse.Namespace) -> int:
    from .learner.hint import show_hint
    return show_hint(args.exercise_id, number=args.number, every=args.all, workspace=args.workspace)


def _watch(args: argparse.Namespace) -> int:
    from .learner.watch import watch_exercise
    return watch_exercise(args.exercise_id, submission=args.submission, interval=args.interval,
                          workspace=args.workspace)


def _quiz(args: argparse.Namespace) -> int:
    from .quiz.command import take_quiz
    return take_quiz(args.quiz_id, answers=args.answers, json_path=args.json, html_path=args.html, seed=args.seed,
                     learner=args.learner, answer_key=args.answer_key, key_path=args.out, workspace=args.workspace)


def _validate(args: argparse.Namespace) -> int:
    from .instructor.validate import validate_definitions
    return validate_definitions(args.paths)


def _new(args: argparse.Namespace) -> int:
    from .instructor.new import new_exercise
    return new_exercise(args.exercise_id, function=args.function, force=args.force)


def _release(args: argparse.Namespace) -> int:
    from .instructor.release import build_release
    return build_release(args.outdir, force=args.force)


def _batch(args: argparse.Namespace) -> int:
    from .batch.command import grade_batch
    return grade_batch(args.submissions, exercise_ids=args.exercise, out=args.out, jobs=args.jobs, shard=args.shard,
                       force=args.force, seed=args.seed, sandbox=args.sandbox)


def _merge(args: argparse.Namespace) -> int:
    from .batch.command import merge_shards
    return merge_shards(args.dirs, out=args.out)


def _insights(args: argparse.Namespace) -> int:
    from .instructor.insights import rebuild_insights
    return rebuild_insights(args.out, exercise_id=args.exercise)


COMMANDS = {"start": _start, "list": _list, "hint": _hint, "watch": _watch, "quiz": _quiz, "validate": _validate,
            "new": _new, "release": _release, "batch": _batch, "merge": _merge, "insights": _insights,
            "exercise": _grade_exercise}


def _dispatch(args: argparse.Namespace) -> int:
    from .spec.course import use_course_solutions
    use_course_solutions()  # references and quiz answers come from this course's solutions/
    if args.command not in COMMANDS:
        raise GraderError(f"unknown command '{args.command}'")
    return COMMANDS[args.command](args)


def _os_message(err: OSError) -> str:
    """`cannot write out/r.json (Permission denied)`, naming the path the user gave, not a temporary file."""
    path = err.filename2 if err.filename2 is not None else err.filename
    temporary = re.fullmatch(r"(.*/)?\.(.+)\.\w+\.tmp", str(path or ""))  # results.write_atomic's `.NAME.XXXX.tmp`
    if temporary:
        path = f"{temporary.group(1) or ''}{temporary.group(2)}"
    reason = err.strerror or type(err).__name__
    return f"cannot use {path} ({reason}). Check the path and its permissions." if path else \
        f"a file operation failed ({reason}). Check the paths you gave and their permissions."


def run() -> None:
    """The `grade` command: `main()`, then a quick exit. Exit handlers run and the streams are flushed as in any
    exit; only the interpreter's own tear-down of every loaded module (NumPy, pytest, Jinja2 and the grader: ~80 ms,
    more than a tenth of a grading run) is skipped, as nothing is left to it."""
    code = main()
    try:
        atexit._run_exitfuncs()  # the spare worker, temporary folders, multiprocessing: everything registered
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):
                pass
        os._exit(code)


def main(argv: list[str] | None = None) -> int:
    """Run one command. If whoever reads our output stops reading (`grade list | head -1`), that is not an
    error: the command ends quietly with the exit code it returned, or 0 when the pipe closed before it was done
    (its output was no longer wanted, as with any command cut short by `head`)."""
    code = 0
    try:
        code = _main(argv)
        sys.stdout.flush()
    except BrokenPipeError as err:
        if not _stdout_closed():
            print(f"grade: {_os_message(err)}", file=sys.stderr)
            return EXIT_USAGE
        _silence_stdout()
    return code


def _stdout_closed() -> bool:
    """Has the reader of our standard output gone away? (A broken pipe to a worker is a different matter.)"""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        return False
    import select
    if not hasattr(select, "poll"):
        return True  # no way to ask: a broken pipe reaching the top is almost always our output's
    poller = select.poll()
    poller.register(fd, select.POLLOUT)
    return any(events & select.POLLERR for _, events in poller.poll(0))


def _silence_stdout() -> None:
    """Send what is still buffered to /dev/null, so Python's own flush at exit does not complain."""
    import os
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    except (AttributeError, OSError, ValueError):
        pass
    finally:
        os.close(devnull)


def _main(argv: list[str] | None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and not argv[0].startswith("-") and argv[0] not in COMMANDS:
        argv.insert(0, "exercise")  # `grade exercise-2` is short for `grade exercise exercise-2`
    parser = _parser()
    if not argv:
        parser.print_help()
        return EXIT_USAGE
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:  # argparse exits 2 on usage errors, 0 on --help
        return int(stop.code or 0)
    try:
        return _dispatch(args)
    except BrokenPipeError:
        raise  # our output was closed; main() decides
    except GraderError as err:
        print(f"grade: {err.message}", file=sys.stderr)
        return err.exit_code
    except KeyboardInterrupt:
        print("grade: stopped.", file=sys.stderr)
        return 130
    except OSError as err:  # a path the user gave cannot be read or written: their setup, not a grader bug
        print(f"grade: {_os_message(err)}", file=sys.stderr)
        return EXIT_USAGE
    except Exception as err:  # a grader bug: say so plainly instead of dumping a traceback
        print(f"grade: internal error ({type(err).__name__}: {err}). Please report it to your instructor; "
              "set GRADER_DEBUG=1 to see the traceback.", file=sys.stderr)
        import os
        if os.environ.get("GRADER_DEBUG"):
            import traceback
            traceback.print_exc()
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
