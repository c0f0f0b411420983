"""What the HTML report draws for diagnoses: the panel that opens it (the run's likely cause, its evidence, its fix
and the picture that shows it), and one card for each group of cases that share a diagnosis or a reason they did
not run, instead of the same card many times."""

from __future__ import annotations

from ..results import CaseResult, Kind, LeadingCause, Outcome, case_diagnosis, without_mistake_note
from .heatmap import compared_maps, preview_caption

# failures whose message is the same for every case they hit: their cards say the same thing, so one card says it
_SAME_FOR_ALL = (Kind.NOT_IMPLEMENTED, Kind.SYNTAX, Kind.IMPORT, Kind.MISSING, Kind.FILE)
_CELLS_WORTH_DRAWING = 4  # a 1x1 output shows a value, not a pattern: the picture prefers a case with more


def panel_view(lead: LeadingCause | None) -> dict | None:
    """The run's likely cause: its words, how many failures it explains, and a picture from a public case."""
    if lead is None:
        return None
    picture = _picture(lead.cases)
    # the evidence of the case drawn, so words and picture agree (a 1x1 case's numbers are not a 4x4's)
    words = case_diagnosis(picture["example"]) if picture else None
    return {"name": lead.name, "evidence": words["evidence"] if words else lead.evidence,
            "explanation": words["explanation"] if words else lead.explanation,
            "count": len(lead.cases), "failures": lead.failures, "picture": picture}


def _picture(cases: tuple[CaseResult, ...]) -> dict | None:
    """Expected beside yours for the first public case with a drawable output of a few cells (else of one),
    differing cells outlined; or the two shapes of the first public case with a wrong shape. Hidden cases are
    never drawn."""
    public = [case for case in cases if case.visibility != "hidden"]
    drawn = []
    for case in public:
        preview = case.details.get("preview")
        maps, differing, total = compared_maps(preview)
        if maps:
            drawn.append({"example": case, "case": case.name, "maps": maps, "slice": preview_caption(preview),
                          "differing": differing, "total": total, "shapes": None})
            if total >= _CELLS_WORTH_DRAWING:
                return drawn[-1]
    if drawn:
        return drawn[0]
    for case in public:
        shapes = _shapes(case)
        if shapes:
            return {"example": case, "case": case.name, "maps": [], "slice": "", "differing": 0, "total": 0, "shapes": shapes}
    return None


def _shapes(case: CaseResult) -> dict | None:
    expected, got = case.details.get("expected_shape"), case.details.get("got_shape")
    if not all(isinstance(shape, list) and all(isinstance(n, int) for n in shape) for shape in (expected, got)):
        return None
    return {"expected": _shape_text(expected), "got": _shape_text(got)}


def _shape_text(shape: list[int]) -> str:
    return "(" + ", ".join(map(str, shape)) + ("," if len(shape) == 1 else "") + ")"


def shown_message(case: CaseResult) -> str:
    """A case's message as its card shows it: without the diagnosis, which the card (or the panel) lays out."""
    return without_mistake_note(case.message) if case_diagnosis(case) else case.message


def card_entries(cases: list[CaseResult], views: list[dict], lead: LeadingCause | None) -> list[dict]:
    """The report's cards in case order: {"case", "view"} for a case of its own, {"group": ...} for a group of
    cases, placed where its first case was."""
    groups = _groups(cases)
    starts = {id(members[0]): members for members in groups}
    grouped = {id(case) for members in groups for case in members}
    view_of = {id(case): view for case, view in zip(cases, views)}
    entries = []
    for case in cases:
        if id(case) in starts:
            entries.append({"group": group_view(starts[id(case)], view_of, lead)})
        elif id(case) not in grouped:
            entries.append({"group": None, "case": case, "view": view_of[id(case)]})
    return entries


def _groups(cases: list[CaseResult]) -> list[list[CaseResult]]:
    """Failing cases sharing a diagnosis name, and exercise cases sharing one reason to fail or not run that
    says the same for each (not implemented, not run, a file that does not load): two or more to a group."""
    by_key: dict[tuple, list[CaseResult]] = {}
    for case in cases:
        diagnosis = case_diagnosis(case)
        if diagnosis:
            key: tuple = ("diagnosis", diagnosis["name"])
        elif "question" not in case.details and (case.outcome == Outcome.NOT_RUN or case.kind in _SAME_FOR_ALL):
            key = ("same", str(case.outcome), str(case.kind), case.message)
        else:
            continue
        by_key.setdefault(key, []).append(case)
    return [members for members in by_key.values() if len(members) > 1]


def group_view(members: list[CaseResult], view_of: dict[int, dict], lead: LeadingCause | None) -> dict:
    example = next((case for case in members if case.visibility != "hidden"), members[0])
    diagnosis = case_diagnosis(example)
    outcomes = list(dict.fromkeys(str(case.outcome) for case in members))
    kinds = list(dict.fromkeys(str(case.kind) for case in members if case.kind))
    return {
        "title": diagnosis["name"] if diagnosis else outcomes[0].replace("_", " "),
        "diagnosis": diagnosis,
        "is_lead": bool(diagnosis and lead and diagnosis["name"] == lead.name),
        "outcome": outcomes[0] if len(outcomes) == 1 else "failed",
        "badge": " / ".join(outcome.replace("_", " ") for outcome in outcomes) + "".join(f" · {k}" for k in kinds),
        "count": len(members),
        "points": sum(case.points for case in members),
        "max_points": sum(case.max_points for case in members),
        "names": [case.name for case in members if case.visibility != "hidden"],
        "hidden_names": [case.name for case in members if case.visibility == "hidden"],
        "message": "" if diagnosis else example.message,
        "example": example,
        "view": view_of[id(example)],
        # the example's own details are worth opening when they hold more than the shared message
        "more": bool(diagnosis or example.details.get("traceback") or example.output),
    }
