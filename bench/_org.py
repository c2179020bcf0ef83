"""The small organization the API and notice benchmarks start from, founded through the actions."""

from __future__ import annotations

import datetime as dt

FOUNDED = dt.datetime(2019, 1, 10, 9, 0, tzinfo=dt.UTC)


def build_org(branches: int) -> list[int]:
    """Found the Alliance with one region, one area and ``branches`` branches; their ids."""
    from django.db import transaction

    from charter.lib import clock
    from charter.org.actions import close_founding, create_unit, found_organization
    from charter.org.models import Unit
    from charter.rulebook.actions import install_founding_rulebook
    from charter.rulebook.spec import DATA_DIR

    clock.set_frozen(FOUNDED)
    # These founding steps append to the record and expect their caller's transaction.
    with transaction.atomic():
        install_founding_rulebook((DATA_DIR / "wda-2011.yaml").read_text(encoding="utf-8"))
    with transaction.atomic():
        found_organization(name="Workers' Democratic Alliance", top_unit="WDA")
    region = create_unit(parent=Unit.objects.get(parent=None), level="region", name="Sindh")
    area = create_unit(parent=region, level="area", name="Karachi")
    ids = [create_unit(parent=area, level="branch", name=f"Karachi Branch {i + 1:03d}").pk for i in range(branches)]
    with transaction.atomic():
        close_founding()
    clock.set_frozen(None)
    return ids
