"""cnn-grader: auto-graded NumPy exercises and quizzes on how convolutional networks treat images."""

from pathlib import Path

__version__ = "0.1.0"
PACKAGE_DIR = Path(__file__).resolve().parent  # the installed or checked-out `grader` package


def __getattr__(name: str):
    """`from grader import check` (in a notebook) loads the checking code on first use only: `import grader` stays
    cheap and never imports IPython, NumPy or pytest."""
    if name == "check":
        from .learner.check import check
        return check
    raise AttributeError(f"module 'grader' has no attribute '{name}'")
