"""Concept quizzes: YAML definitions, seeded variants whose answers the reference solutions compute, grading."""

from .catalog import find_quiz, list_quizzes
from .model import Question, Quiz, load_quiz

__all__ = ["Question", "Quiz", "find_quiz", "list_quizzes", "load_quiz"]
