"""Our pytest plugin: parametrizes the case test and turns pytest's reports into CaseResults."""

from __future__ import annotations

import pytest

from .. import results as R
from .evaluate import Evaluator
from ..spec.exercise import Case

PLUGIN_NAME = "cnn-grader-cases"


class GradingPlugin:
    def __init__(self, evaluator: Evaluator, cases: tuple[Case, ...]):
        self.evaluator = evaluator
        self.cases = {case.name: case for case in cases}
        self.results: dict[str, R.CaseResult] = {}

    def run(self, case: Case) -> R.CaseResult:
        result = self.evaluator.evaluate(case)
        self.results[case.name] = result
        return result

    def pytest_generate_tests(self, metafunc: pytest.Metafunc) -> None:
        if "case" in metafunc.fixturenames:
            cases = list(self.cases.values())
            metafunc.parametrize("case", cases, ids=[case.name for case in cases])

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        """A case whose test broke inside the grader still gets a result, marked as the grader's fault."""
        if not report.failed:
            return
        name = report.nodeid.partition("[")[2][:-1]
        case = self.cases.get(name)
        if case is None or name in self.results:
            return
        self.results[name] = R.CaseResult(
            name=name, max_points=case.points, outcome=R.ERROR, kind="internal",
            visibility="hidden" if case.hidden else "visible",
            message="The grader itself failed on this case; this is not your fault. Please tell your instructor.",
            details={"grader_error": str(report.longrepr)[-2000:]})
