# Attack: write outside the worker's folder: the grader's repository, the result path, the system's temp folder
# and /dev/shm, then raise naming every write that worked.
import os

TARGETS = ["{REPO}/LEARNER_WAS_HERE", "{REPO}/solutions/conv.py", "{RESULT}", "/tmp/adv-learner-was-here",
           "/dev/shm/adv-learner-was-here", "/var/tmp/adv-learner-was-here"]


def conv2d(x, weight, bias=None, stride=1, padding=0):
    done = []
    for path in TARGETS:
        try:
            with open(path, "a") as handle:
                handle.write("\n# owned\n")
            done.append(path)
        except OSError:
            pass
    raise RuntimeError(f"wrote {len(done)} files outside: {done}")
