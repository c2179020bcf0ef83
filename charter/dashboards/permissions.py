"""Who sees which dashboard, and with or without the names behind its figures.

- Every member sees the organization-wide figures, without names or lists.
- Whoever holds a seat or office on a body sees the dashboard of that body's unit and of every unit
  below it, with the members, branches and acts behind each figure: a Branch Secretary their branch,
  a Regional Committee member the region, a member of a body of the top unit (the Central Committee)
  everything. These are the units whose members they may already look up (members.permissions).
- Anyone else: 404.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404

from charter.members.models import Member
from charter.members.permissions import member_of, officer_units
from charter.org.models import Unit


@dataclass(frozen=True)
class View:
    unit: Unit
    viewer: Member
    named: bool  # may see the members, branches and acts behind the figures
    paths: tuple[str, ...] = ()  # of the units whose dashboards the viewer opens with names


def top_unit() -> Unit:
    top = Unit.objects.filter(parent=None).first()
    if top is None:
        raise Http404("No organization yet.")
    return top


def get_dashboard_for(user, pk: int | None) -> View:  # type: ignore[no-untyped-def]
    viewer = member_of(user)
    unit = top_unit() if pk is None else Unit.objects.filter(pk=pk).first()
    if unit is None:
        raise Http404
    paths = officer_units(viewer)
    named = any(unit.path.startswith(p) for p in paths)
    if unit.parent_id is not None and not named:
        raise Http404
    return View(unit=unit, viewer=viewer, named=named, paths=tuple(paths))


def get_named_dashboard_for(user, pk: int | None) -> View:  # type: ignore[no-untyped-def]
    """For the lists behind the figures: only those allowed to see names."""
    view = get_dashboard_for(user, pk)
    if not view.named:
        raise Http404
    return view


def visible_units(view: View) -> list[Unit]:
    """The units whose dashboards the viewer may open with names (to link to from the top page)."""
    return list(Unit.objects.filter(path__in=view.paths).order_by("path")) if view.paths else []
