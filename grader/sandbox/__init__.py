"""Learner code's side of the wall: the worker program, its wire format and launch, and the grader's client."""
