"""cnn-grader: auto-graded NumPy exercises and quizzes on how convolutional networks treat images."""

from pathlib import Path

__version__ = "0.1.0"
PACKAGE_DIR = Path(__file__).resolve().parent  # the installed or checked-out `grader` package
