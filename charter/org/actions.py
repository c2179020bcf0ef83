"""Founding the organization and changing its structure: units and their bodies."""

from __future__ import annotations

from django.utils.translation import gettext as _

from charter.lib import clock
from charter.lib.errors import InvalidInput
from charter.meetings.decisions import carried, judge_decision
from charter.org.models import Body, Organization, Unit
from charter.record import log as record
from charter.rulebook import enforce
from charter.rulebook.enforce import Decision, consequential
from charter.rulebook.store import rulebook_on


class NotFounding(RuntimeError):
    """A founding act after the founding period closed: from then on only the rules decide."""


def founding_open() -> bool:
    org = Organization.objects.filter(id=1).first()
    return org is not None and org.founding_closed_on is None


def require_founding() -> None:
    if not founding_open():
        raise NotFounding(_("The founding period is closed; this must now be decided under the rules."))


def _make_unit(*, parent: Unit | None, level: str, name: str) -> Unit:
    rb = rulebook_on(clock.today())
    unit = Unit.objects.create(parent=parent, level=level, name=name, created_on=clock.today(), path="")
    unit.path = f"{parent.path if parent else '/'}{unit.pk}/"
    unit.save(update_fields=["path"])
    for spec in rb.bodies_at(level):
        label = spec["name"] if parent is None else f"{spec['name']}, {name}"
        Body.objects.create(kind=spec["key"], unit=unit, name=label)
    return unit


@consequential
def found_organization(*, name: str, top_unit: str) -> Organization:
    """Create the organization under its installed rulebook, with its top unit and that unit's
    bodies, and open the founding period."""
    if Organization.objects.exists():
        raise NotFounding(_("The organization already exists."))
    rb = rulebook_on(clock.today())
    org = Organization.objects.create(name=name, founded_on=clock.today())
    unit = _make_unit(parent=None, level=rb.levels[0]["key"], name=top_unit)
    record.append("found_organization", "done", detail=enforce.detail_for(unit=unit, name=name, founding=True))
    return org


@consequential
def close_founding() -> None:
    require_founding()
    Organization.objects.filter(id=1).update(founding_closed_on=clock.today())
    record.append("close_founding", "done", detail={"founding": True})


class InvalidStructure(InvalidInput):
    pass


@consequential
def create_unit(*, parent: Unit, level: str, name: str, decision: Decision | None = None) -> Unit:
    """A new unit one level below ``parent``; its bodies come from the rulebook."""
    rb = rulebook_on(clock.today())
    keys = [lvl["key"] for lvl in rb.levels]
    if level not in keys or keys.index(level) != keys.index(parent.level) + 1:
        raise InvalidStructure(_("A %(level)s cannot be created inside a %(parent)s.") % {"level": level, "parent": parent.level})
    if not name.strip():
        raise InvalidStructure(_("A unit needs a name."))
    if decision is None:
        require_founding()
        unit = _make_unit(parent=parent, level=level, name=name)
        record.append("create_unit", "done", detail=enforce.detail_for(unit=unit, parent=parent.pk, founding=True))
        return unit
    text = _("Create the %(level)s %(name)s") % {"level": rb.level(level)["name"], "name": name}
    rb = judge_decision("create_unit", decision, text=text, target_unit=parent, facts={"level": level})
    unit = _make_unit(parent=parent, level=level, name=name)
    carried("create_unit", decision, rb, text=text, detail={"unit": {"id": unit.pk, "level": level, "name": name}, "parent": parent.pk})
    return unit


@consequential
def dissolve_unit(unit: Unit, *, decision: Decision, heard: bool, merge_into: Unit | None = None) -> Unit:
    """Dissolve ``unit`` (or merge it into a sibling). Its members must first be transferred."""
    act = "merge_units" if merge_into is not None else "dissolve_unit"
    rb = rulebook_on(clock.today())
    text = (_("Merge %(a)s into %(b)s") % {"a": unit.name, "b": merge_into.name}) if merge_into else (_("Dissolve %(a)s") % {"a": unit.name})
    rb = judge_decision(act, decision, text=text, target_unit=unit, facts={"level": unit.level, "heard_concerned": heard})
    if merge_into is not None and (merge_into.level != unit.level or merge_into.parent_id != unit.parent_id or merge_into.pk == unit.pk):
        raise InvalidStructure(_("Units can only be merged with another unit of the same level under the same parent."))
    from charter.members.models import Member, Transfer

    remaining = Member.objects.within(unit).current()
    moving: list[Member] = []
    if merge_into is not None:
        moving = list(Member.objects.filter(branch=unit))
        Member.objects.filter(branch=unit).update(branch=merge_into)
        unit.merged_into = merge_into
    elif remaining.exists() or Unit.objects.filter(parent=unit, dissolved_on__isnull=True).exists():
        raise InvalidStructure(_("A unit with members or active units inside it cannot be dissolved; transfer them first."))
    unit.dissolved_on = clock.today()
    unit.save(update_fields=["dissolved_on", "merged_into"])
    entry = carried(act, decision, rb, text=text, detail={"unit": {"id": unit.pk, "name": unit.name}, "into": merge_into.pk if merge_into else None})
    if merge_into is not None:
        Transfer.objects.bulk_create([Transfer(member=m, on=unit.dissolved_on, from_unit=unit, to_unit=merge_into, entry_index=entry.index) for m in moving])
    return unit
