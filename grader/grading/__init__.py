"""Running and judging cases: the pytest session, one case's evaluation, comparisons, checks and references."""
