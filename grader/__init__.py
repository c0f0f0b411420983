"""cnn-grader: auto-graded NumPy exercises and quizzes on how convolutional networks treat images."""

__version__ = "0.1.0"
