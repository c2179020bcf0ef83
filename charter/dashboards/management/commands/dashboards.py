"""``python manage.py dashboards rebuild``: count the dashboard's monthly table again from the facts."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandParser

from charter.dashboards.rollup import rebuild


class Command(BaseCommand):
    help = "Rebuild the dashboard's monthly counts from members' status changes, transfers and meetings."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("what", choices=["rebuild"])

    def handle(self, *args: object, **options: object) -> None:
        started = time.monotonic()
        rows = rebuild()
        self.stdout.write(
            f"Rebuilt the dashboard: {rows} monthly counts in {time.monotonic() - started:.1f}s."
        )
