"""Hypothesis state machines over the database: each run of a machine starts from the same
organization (built once per test) inside a savepoint that is rolled back when the run ends.

Fast in the suite: a few runs of a dozen steps, derandomized when CI=true. A larger search:

    CHARTER_MACHINE_EXAMPLES=200 CHARTER_MACHINE_STEPS=40 .venv/bin/pytest -k machine
"""

from __future__ import annotations

import os

from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis.stateful import RuleBasedStateMachine

from charter.lib import clock


def machine_settings(examples: int = 4, steps: int = 12) -> settings:
    return settings(
        max_examples=int(os.environ.get("CHARTER_MACHINE_EXAMPLES", examples)),
        stateful_step_count=int(os.environ.get("CHARTER_MACHINE_STEPS", steps)),
        derandomize=os.environ.get("CI", "").lower() == "true",
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )


class DatabaseMachine(RuleBasedStateMachine):
    """A machine whose every run is undone: a savepoint taken when it starts, rolled back at its end."""

    def __init__(self) -> None:
        super().__init__()
        self._savepoint = transaction.savepoint()

    def teardown(self) -> None:
        transaction.savepoint_rollback(self._savepoint)
        clock.set_frozen(None)
