"""The dashboard's one table: monthly counts per unit, derived from dated facts and rebuilt at will.

Nothing here is a fact of the organization. Every row is a sum over members' status changes,
transfers and meetings (see ``rollup.py``); ``charter dashboards`` can drop and rebuild the whole
table from those facts at any time (decision 0011). Facts newer than the last build are added live.
"""

from __future__ import annotations

from django.db import models


class MonthlyCount(models.Model):
    """How many of ``measure`` happened in (or, for states, stood at the end of) ``month`` in ``unit``'s subtree."""

    unit = models.ForeignKey("org.Unit", on_delete=models.CASCADE, related_name="+")
    month = models.DateField()  # the first day of the month
    measure = models.CharField(max_length=32)
    n = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "measure", "month"], name="one_count_per_unit_measure_month"
            )
        ]
        indexes = [models.Index(fields=["measure", "month"])]


class Build(models.Model):
    """One row: what the last rebuild covered. Facts after these marks are counted live."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    built_at = models.DateTimeField()
    status_change_id = models.BigIntegerField(
        default=0
    )  # rows with a larger id are not in the table
    transfer_id = models.BigIntegerField(default=0)
    meetings_before = models.DateTimeField()  # meetings starting before this are in the table

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="single_dashboard_build")
        ]
