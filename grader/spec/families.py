"""Known mistakes declared once for a family of exercises (exercises/families/<family>.yaml) and an exercise's own,
merged into the one list an Exercise carries."""

from __future__ import annotations

import difflib
import re
from pathlib import Path

from .model import ID_PATTERN, Misconception
from .yamlsource import View, load_file

FAMILIES_FOLDER = "families"  # beside the exercise files
MISTAKE_KEYS = ("name", "explanation", "reference", "replaces")
FAMILY_MISTAKE_KEYS = ("name", "explanation", "variant", "replaces")


def dotted(view: View) -> str:
    text = view.text()
    if not re.match(r"^solutions(\.[A-Za-z_][A-Za-z0-9_]*)+$", text):
        raise view.error(f"'{view.where}' must name a function in solutions/, like solutions.conv2d (got '{text}')")
    return text


def own_mistake(view: View, released: bool = False) -> Misconception:
    """An exercise's own misconception: `reference` is the variant, `replaces` (optional) the block it stands for.
    A learner edition (`released`) lists family mistakes here too, each with the `family` it came from."""
    view.mapping(("name", "explanation", "reference"), ("replaces", "family") if released else ("replaces",))
    replaces = dotted(view["replaces"]) if view.has("replaces") else ""
    family = view["family"].text() if view.has("family") else ""
    return Misconception(view["name"].text(), view["explanation"].text(), dotted(view["reference"]), replaces, family)


def family_path(exercise_path: str | Path, family: str) -> Path:
    return Path(exercise_path).parent / FAMILIES_FOLDER / f"{family}.yaml"


def known_families(exercise_path: str | Path) -> list[str]:
    folder = Path(exercise_path).parent / FAMILIES_FOLDER
    return sorted(path.stem for path in folder.glob("*.yaml")) if folder.is_dir() else []


def load_family(path: Path) -> tuple[str, list[tuple[View, Misconception]]]:
    """A family file: its name and each mistake with the view it was read from (for file:line errors)."""
    root = load_file(path).root().mapping(("family", "mistakes"), ("description",))
    name = root["family"].text()
    if name != path.stem:
        raise root["family"].error(f"family '{name}' must match the file name '{path.name}'")
    if root.has("description"):
        root["description"].text()
    mistakes = []
    names: dict[str, int | None] = {}
    for view in root["mistakes"].list(min_items=1):
        view.mapping(FAMILY_MISTAKE_KEYS)
        item = Misconception(view["name"].text(), view["explanation"].text(), dotted(view["variant"]),
                             dotted(view["replaces"]), family=name)
        if item.name in names:
            raise view["name"].error(f"mistake name '{item.name}' is used twice (also on line {names[item.name]})")
        names[item.name] = view["name"].line
        mistakes.append((view, item))
    return name, mistakes


def family_mistakes(exercise_path: str | Path, families_view: View) -> list[tuple[View, Misconception]]:
    """The mistakes of every family an exercise lists under `families:`, in order."""
    found: list[tuple[View, Misconception]] = []
    listed: set[str] = set()
    for view in families_view.list():
        family = view.text()
        if not ID_PATTERN.match(family):
            raise view.error(f"family '{family}' must be lower-case letters, digits and dashes")
        if family in listed:
            raise view.error(f"family '{family}' is listed twice")
        listed.add(family)
        path = family_path(exercise_path, family)
        if not path.is_file():
            known = known_families(exercise_path)
            close = difflib.get_close_matches(family, known, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else \
                (f" (known: {', '.join(known)})" if known else f" (there is no {path.parent})")
            raise view.error(f"unknown family '{family}': no {path}{hint}")
        found.extend(load_family(path)[1])
    return found


def merge(own: list[Misconception], inherited: list[tuple[View, Misconception]]) -> list[tuple[View, Misconception]]:
    """The exercise's own mistakes win: a family mistake is dropped when the exercise declares its name, or the
    same swap (same variant for the same block), so no mistake shadows its own twin. Two families may not give
    one name to different mistakes: the name is what reports and recognition go by."""
    names = {item.name for item in own}
    swaps = {(item.reference, item.replaces) for item in own}
    kept: dict[str, Misconception] = {}
    for view, item in inherited:
        earlier = kept.get(item.name)
        if earlier is not None and (earlier.reference, earlier.replaces) != (item.reference, item.replaces):
            raise view["name"].error(f"mistake '{item.name}' is also a different mistake of family '{earlier.family}'; "
                                     "give one of them another name")
        if item.name in names or (item.reference, item.replaces) in swaps:
            continue
        names.add(item.name)
        swaps.add((item.reference, item.replaces))
        kept[item.name] = item
    return [(view, item) for view, item in inherited if kept.get(item.name) is item]
