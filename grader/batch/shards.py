"""Splitting a class across machines (`--shard K/N`) and joining the shards' output folders (`grade merge`)."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from ..errors import UsageError
from .outdir import LEARNERS, MANIFEST, read_manifest, write_manifest


def parse_shard(text: str | None) -> tuple[int, int]:
    if not text:
        return 1, 1
    try:
        k, n = (int(part) for part in text.split("/"))
    except ValueError:
        raise UsageError(f"--shard '{text}' must look like K/N, e.g. 2/4 (the second of four shards).") from None
    if not 1 <= k <= n:
        raise UsageError(f"--shard {text}: K must be between 1 and N.")
    return k, n


def in_shard(learner_id: str, k: int, n: int) -> bool:
    """A stable split by learner id: the same learner always lands in the same shard."""
    digest = hashlib.sha256(learner_id.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % n == k - 1


def join_shards(folders: list[Path], out: Path) -> tuple[str, set[str]]:
    """Copy the learners of every shard folder into `out`; return the exercise id and the learners joined."""
    manifests = {}
    for folder in folders:  # every folder is checked before anything is copied
        manifests[folder] = read_manifest(folder)
        if manifests[folder] is None:
            raise UsageError(f"{folder} is not an output folder of `grade batch` (it has no {MANIFEST}).")
    exercises = {(data.get("exercise"), data.get("seed")) for data in manifests.values()}
    if len(exercises) != 1:
        found = ", ".join(sorted(f"{ex} (seed {'default' if seed is None else seed})" for ex, seed in exercises))
        raise UsageError(f"these folders grade different exercises or seeds: {found}. Merge one batch at a time.")
    previous = read_manifest(out)
    if previous is not None and (previous.get("exercise"), previous.get("seed")) not in exercises:
        raise UsageError(f"{out} holds a batch of {previous.get('exercise')} (seed {previous.get('seed')}); "
                         "choose another --out folder.")
    seen: dict[str, Path] = {}
    for folder in folders:
        for learner_dir in sorted((folder / LEARNERS).glob("*")):
            if learner_dir.name in seen and seen[learner_dir.name] != folder:
                raise UsageError(f"learner '{learner_dir.name}' is in both {seen[learner_dir.name]} and {folder}; "
                                 "were the shards run with the same --shard?")
            seen[learner_dir.name] = folder
            target = out / LEARNERS / learner_dir.name
            if target.resolve() != learner_dir.resolve():
                shutil.rmtree(target, ignore_errors=True)
                shutil.copytree(learner_dir, target)
    exercise_id, seed = exercises.pop()
    write_manifest(out, exercise_id, seed)
    return exercise_id, set(seen)
