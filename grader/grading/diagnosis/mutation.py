"""A call that changed its own inputs. The worker compares every argument with a copy taken before the call and
reports what changed (sandbox/worker_main.py, checked by sandbox/replies.py); here that report becomes what the
learner reads: which input changed, the evidence, and how to leave the caller's data alone."""

from __future__ import annotations

from keyword import iskeyword

from ...spec.model import Tolerance
from .model import Diagnosis

NAME = "input changed"
QUOTED = 3  # changes quoted as evidence; a longer list is counted


def significant_changes(mutated: list[dict], tolerance: Tolerance) -> list[dict]:
    """The changes that cost a case: all but values that moved only within the tolerance (round-off of an input
    changed and changed back, e.g. `x -= m` then `x += m`). The worker quotes the value that moved most, so a change
    it shows within the tolerance is judged round-off as a whole."""
    rtol, atol = max(tolerance.rtol, 1e-5), max(tolerance.atol, 1e-6)

    def round_off(change: dict) -> bool:
        was, now = change.get("was"), change.get("now")
        if change["change"] != "values" or not all(type(v) in (int, float) for v in (was, now)):
            return False
        return abs(now - was) <= atol + rtol * abs(was)
    return [change for change in mutated if not round_off(change)]


def mutation_diagnosis(mutated: list[dict], param_names: list[str], hidden: bool) -> Diagnosis:
    """The diagnosis for a call that changed its inputs (`mutated`: the reply's checked "mutated" list, not empty;
    `param_names`: the entry point's parameter names, which name the positional arguments)."""
    hidden_evidence = _evidence(mutated, param_names, hidden=True)
    evidence = hidden_evidence if hidden else _evidence(mutated, param_names, hidden=False)
    explanation = f"your function changed its {_changed_inputs(mutated, param_names)}; {_advice(mutated, param_names)}"
    return Diagnosis(name=NAME, explanation=explanation, evidence=evidence, source="mutation",
                     hidden_evidence=hidden_evidence)


def mutation_message(mutated: list[dict], param_names: list[str], hidden: bool) -> str:
    """A case's whole message when its output is right but the call changed an input."""
    evidence = _evidence(mutated, param_names, hidden)
    return (f"Your output is right, but your function changed its {_changed_inputs(mutated, param_names)}: "
            f"{_sentence(evidence)} {_sentence(_advice(mutated, param_names))}")


# --- what the learner reads -----------------------------------------------------------------------------------

def _advice(mutated: list[dict], param_names: list[str]) -> str:
    nouns = {_noun(change) for change in mutated}
    noun = nouns.pop() if len(nouns) == 1 else "arguments"
    advice = [_ADVICE[kind](label_of(change, param_names), _code_name(change, param_names))
              for kind, change in _first_of_each_kind(mutated)]
    return f"the caller's {noun} must stay as {'they were' if noun == 'arguments' else 'it was'}. " + " ".join(advice)


def _noun(change: dict) -> str:
    if change["change"] == "replaced":
        return "dict" if isinstance((change.get("path") or [""])[-1], str) else "list"
    return {"keys": "dict", "length": "list"}.get(change["change"], "array")


def _evidence(mutated: list[dict], param_names: list[str], hidden: bool) -> str:
    said = [_EVIDENCE[change["change"]](change, label_of(change, param_names), hidden) for change in mutated[:QUOTED]]
    if len(mutated) > QUOTED:
        said.append(f"and {len(mutated) - QUOTED} more change{'s' if len(mutated) - QUOTED > 1 else ''}")
    return "; ".join(said)


def _shape_evidence(change: dict, label: str, hidden: bool) -> str:
    if hidden or "before" not in change:
        return f"the shape of {label} changed during the call"
    return f"before the call {label}.shape was {tuple(change['before'])}, after it {tuple(change['after'])}"


def _dtype_evidence(change: dict, label: str, hidden: bool) -> str:
    if "before" not in change:
        return f"the dtype of {label} changed during the call"
    return f"before the call {label}.dtype was {change['before']}, after it {change['after']}"


def _values_evidence(change: dict, label: str, hidden: bool) -> str:
    count = change.get("count")
    if hidden or count is None:
        return f"values of {label} were overwritten during the call"
    said = f"{count} value{'s' if count != 1 else ''} of {label} {'were' if count != 1 else 'was'} overwritten"
    if "index" in change and "was" in change and "now" in change:
        where = f"{label}[{', '.join(map(str, change['index']))}]" if change["index"] else label
        said += f": {where} was {_number(change['was'])} before the call and {_number(change['now'])} after it"
    return said


def _keys_evidence(change: dict, label: str, hidden: bool) -> str:
    parts = []
    if change.get("added"):
        parts.append(f"gained {_keys(change['added'])}")
    if change.get("removed"):
        parts.append(f"lost {_keys(change['removed'])}")
    return f"during the call {label} {' and '.join(parts) or 'changed its keys'}"


def _replaced_evidence(change: dict, label: str, hidden: bool) -> str:
    return f"after the call {label} holds a different object than before it"


def _length_evidence(change: dict, label: str, hidden: bool) -> str:
    if hidden or "before" not in change:
        return f"during the call {label} changed length"
    return f"before the call {label} had {change['before']} items, after it {change['after']}"


_EVIDENCE = {"shape": _shape_evidence, "dtype": _dtype_evidence, "values": _values_evidence,
             "keys": _keys_evidence, "replaced": _replaced_evidence, "length": _length_evidence}

# What each kind of change comes from and what to write instead; `code` is a name usable in code ("x", or
# "params['conv_w']"), `label` how the message names the input.
_ADVICE = {
    "shape": lambda label, code: (f"Setting `{code}.shape = ...` (or calling `{code}.resize(...)`) reshapes the "
                                  f"caller's array itself; `{_copy_target(code)} = {code}.reshape(...)` gives you "
                                  f"a reshaped view and leaves {label} as it was."),
    "dtype": lambda label, code: (f"Setting `{code}.dtype` reinterprets the caller's array; "
                                  f"`{_copy_target(code)} = {code}.astype(...)` makes a converted copy."),
    "values": lambda label, code: _values_advice(label, code, _copy_target(code)),
    "keys": lambda label, code: (f"Adding or deleting keys of {label} changes the caller's dict; keep your own "
                                 f"values in variables of your own, or copy it first: `{_copy_target(code)} = "
                                 f"dict({code})`."),
    "replaced": lambda label, code: (f"Assigning `{code} = ...` replaces an entry the caller still holds; keep the "
                                     f"new value in a variable of your own instead (`{_copy_target(code)} = ...`)."),
    "length": lambda label, code: (f"Appending to or removing from {label} changes the caller's list; copy it "
                                   f"first: `{_copy_target(code)} = list({code})`."),
}


def _values_advice(label: str, code: str, mine: str) -> str:
    return (f"Writing into {label}, or into a view of it (a slice, `.reshape(...)`, `np.asarray(...)`), writes into "
            f"the caller's array: start from a copy, `{mine} = {code}.copy()`, or build new arrays "
            f"(`{mine} = np.maximum({mine}, 0)` instead of `{mine}[{mine} < 0] = 0`, `{mine} = {mine} + 1` instead "
            f"of `{mine} += 1`).")


def _copy_target(code: str) -> str:
    """Where advice puts a copy: the parameter itself when it is a plain name (`x = x.copy()` changes only the
    local variable), else a variable of its own (assigning into `params['w']` would change the caller's dict)."""
    if code.isidentifier():
        return code
    last = code[code.rfind("[") + 1:-1].strip("'\"")  # params['conv_w'] -> conv_w
    return last if last.isidentifier() and not iskeyword(last) and last not in ("np", "copy") else "mine"


# --- naming ---------------------------------------------------------------------------------------------------

def label_of(change: dict, param_names: list[str]) -> str:
    """How the learner's code would spell the changed object: `x`, `params['conv_w']`, `argument 3`."""
    return _label(change, param_names, change.get("path", []))


def _label(change: dict, param_names: list[str], path: list) -> str:
    if "name" in change:
        label = change["name"]
    elif 0 <= change.get("arg", -1) < len(param_names):
        label = param_names[change["arg"]]
    else:
        label = f"argument {change.get('arg', 0) + 1}"
    return label + "".join(f"[{step!r}]" for step in path)


def _code_name(change: dict, param_names: list[str]) -> str:
    label = label_of(change, param_names)
    return label if not label.startswith("argument ") else "arg"


def _changed_inputs(mutated: list[dict], param_names: list[str]) -> str:
    """"input x" or "inputs x and params": what was changed (for a replaced entry, the dict or list holding it)."""
    labels = list(dict.fromkeys(_label(change, param_names, change.get("path", [])[:-1])
                                if change["change"] == "replaced" else label_of(change, param_names)
                                for change in mutated))
    if len(labels) == 1:
        return f"input {labels[0]}"
    return "inputs " + ", ".join(labels[:-1]) + f" and {labels[-1]}"


def _first_of_each_kind(mutated: list[dict]) -> list[tuple[str, dict]]:
    seen: dict[str, dict] = {}
    for change in mutated:
        seen.setdefault(change["change"], change)
    return list(seen.items())[:2]  # two pieces of advice at most: the message stays short


def _keys(keys: list) -> str:
    quoted = [repr(key) for key in keys]
    return f"the key{'s' if len(quoted) > 1 else ''} " + ", ".join(quoted)


def _number(value) -> str:
    return f"{value:.6g}" if type(value) is float else str(value)


def _sentence(text: str) -> str:
    text = text.strip()
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."
