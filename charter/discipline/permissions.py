"""Who may see a disciplinary case: the only way a view or an API operation gets one.

The file of a case (the charge and its facts, the replies, evidence, hearings and their minutes, the
decision's reasons, the appeal) is open to:

- the member concerned;
- the members of the body that decides the case (until one is fixed, of the bodies the rules let
  decide a measure concerning them);
- the members of the appeal body the rules name (``discipline.appeal.body``), at every stage, and,
  once an appeal decision is referred, the members of the body it is referred to;
- those who brought the charge: they are a party, present it at the hearing and may answer the
  reply. (A judgement call: the WDA's article 11.1 names only the member, the deciding body and the
  Control Commission; a charge's authors know its text anyway, and a party must see the file.)

Members who stand aside (recusal) lose the access their seat gave them. Everyone else gets 404, so
nobody else even learns that a case exists; the public record shows its steps without its contents.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q
from django.http import Http404

from charter.discipline import queries, rules
from charter.discipline.models import Appeal, Case, Recusal, Stage
from charter.lib import clock
from charter.members import permissions as member_permissions
from charter.members.models import Member
from charter.org.models import Body, Mandate
from charter.rulebook.spec import Rulebook
from charter.rulebook.store import rulebook_on

CONCERNED, BROUGHT, DECIDING, APPEAL, REFERRAL = "concerned", "brought", "deciding", "appeal", "referral"


@dataclass(frozen=True)
class Access:
    case: Case
    viewer: Member
    roles: frozenset[str]

    def has(self, *roles: str) -> bool:
        return bool(self.roles & set(roles))


def _seated(viewer: Member, body: Body | None, case: Case, rb: Rulebook) -> bool:
    if body is None or Recusal.objects.filter(case=case, member=viewer, body=body).exists():
        return False
    return queries.sits_on(viewer, body, rb)


def roles_of(viewer: Member, case: Case, rb: Rulebook | None = None) -> frozenset[str]:
    rb = rb or rulebook_on(clock.today())
    roles = set()
    if case.member_id == viewer.pk:
        roles.add(CONCERNED)
    if case.bringers.filter(pk=viewer.pk).exists():
        roles.add(BROUGHT)  # a party: they see the file, and take no part in deciding it
    deciders = [case.deciding_body] if case.deciding_body_id else queries.deciding_bodies(rb, case.member)
    if BROUGHT not in roles and any(_seated(viewer, body, case, rb) for body in deciders):
        roles.add(DECIDING)
    if _seated(viewer, queries.appeal_body(rb, case.member), case, rb):
        roles.add(APPEAL)
    referral = case.appeals.filter(stage=Stage.REFERRAL).select_related("body").first()
    if referral is not None and _seated(viewer, referral.body, case, rb):
        roles.add(REFERRAL)
    return frozenset(roles)


def get_case_for(user, pk: int) -> Access:  # type: ignore[no-untyped-def]
    """The case ``pk`` with the viewer's roles in it; 404 for anyone the file is not open to."""
    viewer = member_permissions.member_of(user)
    case = Case.objects.select_related("member", "member__branch", "framed_by", "deciding_body").filter(pk=pk).first()
    if case is None:
        raise Http404
    roles = roles_of(viewer, case)
    if not roles:
        raise Http404
    return Access(case=case, viewer=viewer, roles=roles)


def get_appeal_for(access: Access, pk: int) -> Appeal:
    appeal = access.case.appeals.filter(pk=pk).first()
    if appeal is None:
        raise Http404
    return appeal


def visible_cases(viewer: Member) -> list[Case]:
    """The cases whose file is open to ``viewer``, newest first."""
    rb = rulebook_on(clock.today())
    seats = Mandate.objects.current().filter(member=viewer, suspended=False)
    over = Body.objects.filter(unit_id__in=viewer.branch.ancestor_ids).values_list("pk", flat=True)
    bodies = set(seats.values_list("body_id", flat=True)) | set(over)
    wanted = Q(member=viewer) | Q(bringers=viewer) | Q(deciding_body_id__in=bodies) | Q(deciding_body__isnull=True) | Q(appeals__body_id__in=bodies)
    if seats.filter(body__kind=rules.appeal_rules(rb).get("body") or "").exists():
        wanted = Q()  # the appeal body sees every case within its unit; roles_of decides which
    candidates = Case.objects.filter(wanted).distinct().select_related("member", "member__branch", "framed_by", "deciding_body")
    return [case for case in candidates.order_by("-opened_on", "-id")[:500] if roles_of(viewer, case, rb)]
