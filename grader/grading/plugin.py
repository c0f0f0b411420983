"""Our pytest plugin: parametrizes the case test and turns pytest's reports into CaseResults."""

from __future__ import annotations

import pytest

from ..results import CaseResult, broken_case
from ..spec.model import Case
from .evaluate import Evaluator

PLUGIN_NAME = "cnn-grader-cases"


class GradingPlugin:
    def __init__(self, evaluator: Evaluator, cases: tuple[Case, ...]):
        self.evaluator = evaluator
        self.cases = {case.name: case for case in cases}
        self.results: dict[str, CaseResult] = {}

    def run(self, case: Case) -> CaseResult:
        result = self.evaluator.evaluate(case)
        self.results[case.name] = result
        return result

    @staticmethod
    def pytest_configure(config: pytest.Config) -> None:
        """The markers of instructor checks (spec/checks.py reads them), known to pytest so it does not warn."""
        config.addinivalue_line("markers", "points(n): what an instructor check is worth (default 1)")
        config.addinivalue_line("markers", "hidden: an instructor check whose details learners never see")

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
        self.results[name] = broken_case(case, str(report.longrepr))
