"""The pytest module the grader runs: one test per case of the exercise being graded."""

import pytest

from .plugin import PLUGIN_NAME


def test_case(case, request):
    plugin = request.config.pluginmanager.get_plugin(PLUGIN_NAME)
    result = plugin.run(case)
    if not result.passed:
        pytest.fail(f"{result.outcome}: {result.message}", pytrace=False)
