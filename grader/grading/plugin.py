"""Our pytest plugin: each case of the exercise is a pytest item, and one session can grade many submissions.

The plugin collects the cases itself (no test module to import) and owns the run loop: it calls each piece of
`work` with itself, and `run(evaluator)` runs every case item for one submission. A single `grade` has one piece
of work; a batch grading process has one per learner, so pytest's configuration and collection are paid once.
"""

from __future__ import annotations

from typing import Callable, Iterable

import pytest

from ..results import CaseResult, broken_case
from ..spec.model import Case
from .evaluate import Evaluator


class CaseItem(pytest.Item):
    """One case of the exercise, as a pytest test: it passes when the submission's result on the case passed."""

    def __init__(self, *, case: Case, plugin: "GradingPlugin", **kwargs):
        super().__init__(**kwargs)
        self.case, self.plugin = case, plugin

    def runtest(self) -> None:
        result = self.plugin.evaluate(self.case)
        if not result.passed:
            pytest.fail(f"{result.outcome}: {result.message}", pytrace=False)

    def reportinfo(self):
        return self.path, None, f"case {self.case.name}"


class GradingPlugin:
    def __init__(self, cases: tuple[Case, ...], work: Iterable[Callable[["GradingPlugin"], None]]):
        self.cases = cases
        self.work = work
        self.items: list[CaseItem] = []
        self.by_nodeid: dict[str, CaseItem] = {}
        self.evaluator: Evaluator | None = None
        self.results: dict[str, CaseResult] = {}
        self.error: Exception | None = None  # what a piece of work raised: re-raised once pytest has finished
        self.interrupted = False

    def run(self, evaluator: Evaluator) -> dict[str, CaseResult]:
        """Run every case on `evaluator`'s submission in this session; the results by case name."""
        self.evaluator, self.results = evaluator, {}
        try:
            for index, item in enumerate(self.items):
                following = self.items[index + 1] if index + 1 < len(self.items) else None
                item.ihook.pytest_runtest_protocol(item=item, nextitem=following)
        finally:
            self.evaluator = None
        return self.results

    def evaluate(self, case: Case) -> CaseResult:
        result = self.evaluator.evaluate(case)
        self.results[case.name] = result
        return result

    @staticmethod
    def pytest_configure(config: pytest.Config) -> None:
        """The markers of instructor checks (spec/checks.py reads them), known to pytest so it does not warn."""
        config.addinivalue_line("markers", "points(n): what an instructor check is worth (default 1)")
        config.addinivalue_line("markers", "hidden: an instructor check whose details learners never see")

    @pytest.hookimpl(tryfirst=True)
    def pytest_collection(self, session: pytest.Session) -> bool:
        self.items = [CaseItem.from_parent(session, name=case.name, case=case, plugin=self) for case in self.cases]
        self.by_nodeid = {item.nodeid: item for item in self.items}  # a failing case's report finds its item
        session.items = list(self.items)
        session.testscollected = len(self.items)
        return True

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtestloop(self, session: pytest.Session) -> bool:
        for job in self.work:
            try:
                job(self)
            except Exception as err:  # not pytest's to report: the caller re-raises it after the session
                self.error = err
                break
        return True

    def pytest_keyboard_interrupt(self, excinfo) -> None:
        self.interrupted = True  # pytest swallows Ctrl-C; the caller passes it on

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        """A case whose test broke inside the grader still gets a result, marked as the grader's fault."""
        if not report.failed:
            return
        item = self.by_nodeid.get(report.nodeid)
        if item is None or item.case.name in self.results:
            return
        self.results[item.case.name] = broken_case(item.case, str(report.longrepr))
