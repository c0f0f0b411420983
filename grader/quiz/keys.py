"""Salted answer hashes (okpy-style): a learner edition checks answers locally without showing the key."""

from __future__ import annotations

import hashlib
import secrets
from pathlib import Path
from typing import Any

import yaml

from .answers import TEXT, canonical
from .model import Question, load_quiz


def answer_hash(salt: str, qtype: str, value: Any) -> str:
    """sha256 of the salt and the canonical spelling of an answer."""
    return hashlib.sha256(f"{salt}\x00{canonical(qtype, value)}".encode("utf-8")).hexdigest()


def check_hashed(question: Question, value: Any) -> bool:
    return answer_hash(question.salt, question.type, value) in question.answer_hash


def hash_key(question: Question, salt: str | None = None) -> dict[str, Any]:
    """The `answer_hash` and `salt` entries that replace a plaintext `answer`."""
    salt = salt or secrets.token_hex(8)
    accepted = question.answer if question.type == TEXT else (question.answer,)
    hashes = sorted({answer_hash(salt, question.type, value) for value in accepted})
    return {"answer_hash": hashes[0] if len(hashes) == 1 else hashes, "salt": salt}


def learner_edition_text(path: str | Path) -> str:
    """A copy of a quiz file whose plaintext answers are replaced by salted hashes.

    Questions whose answers are computed (answer_expr) keep their expression: the answer depends on the
    learner's seed, and anyone holding the expression could compute it anyway. Comments are not kept.
    """
    quiz = load_quiz(path)  # validates first, so only a good file is ever converted
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    for item, question in zip(data["questions"], quiz.questions):
        if "answer" in item:
            del item["answer"]
            item.update(hash_key(question))
            item.pop("tolerance", None)  # hashed numbers are checked exactly (documented)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
