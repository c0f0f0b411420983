"""Splitting a class across machines (`--shard K/N`) and joining the shards' outputs (`grade merge`)."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

from ..reports import gradebook as G
from ..errors import UsageError
from ..results import write_atomic


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


def read_manifest(folder: Path) -> dict | None:
    """The folder's batch.json ({exercise, seed}), None when there is none; a damaged one is a usage error."""
    from .command import MANIFEST
    path = folder / MANIFEST
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as err:
        raise UsageError(f"{path}: not a batch manifest ({err}); was it edited by hand? "
                         "Choose another output folder.") from None
    if not isinstance(data, dict) or "exercise" not in data:
        raise UsageError(f"{path}: not a batch manifest (it needs 'exercise' and 'seed'). Choose another folder.")
    return data


def cmd_merge(args) -> int:
    from . import command as B
    from ..reports.output_paths import check_output_dir
    out = check_output_dir(args.out, "--out")
    folders = list(map(Path, args.dirs))
    manifests = {}
    for folder in folders:  # every folder is checked before anything is copied
        manifests[folder] = read_manifest(folder)
        if manifests[folder] is None:
            raise UsageError(f"{folder} is not an output folder of `grade batch` (it has no {B.MANIFEST}).")
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
        for learner_dir in sorted((folder / B.LEARNERS).glob("*")):
            if learner_dir.name in seen and seen[learner_dir.name] != folder:
                raise UsageError(f"learner '{learner_dir.name}' is in both {seen[learner_dir.name]} and {folder}; "
                                 "were the shards run with the same --shard?")
            seen[learner_dir.name] = folder
            target = out / B.LEARNERS / learner_dir.name
            if target.resolve() != learner_dir.resolve():
                shutil.rmtree(target, ignore_errors=True)
                shutil.copytree(learner_dir, target)
    exercise_id, seed = exercises.pop()
    write_atomic(out / B.MANIFEST, json.dumps({"exercise": exercise_id, "seed": seed}, indent=2) + "\n")
    rows = [row for row in G.read_rows(out / B.LEARNERS) if row.learner in seen]
    G.write_gradebook(out, rows, exercise_id)
    return B.report(rows, out)
