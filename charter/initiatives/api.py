from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from ninja.security import django_auth

from charter.initiatives import actions
from charter.initiatives.models import Initiative
from charter.initiatives.permissions import get_initiative_for
from charter.initiatives.queries import View, open_initiatives, view_of, views_of
from charter.members import permissions
from charter.org.models import Body
from charter.rulebook.enforce import Refused

router = Router(tags=["initiatives"])


class AddressedBodyOut(Schema):
    id: int
    kind: str
    name: str


class ObligationOut(Schema):
    arose_at: dt.datetime
    due_on: dt.date
    deadline: dt.date | None
    fulfilled_at: dt.datetime | None
    missed_on: dt.date | None
    on_time: bool
    entry_index: int | None
    fulfilled_entry_index: int | None
    missed_entry_index: int | None


class DeliveryOut(Schema):
    total: int
    sent: int
    counts: dict[str, dict[str, int]]


class InitiativeOut(Schema):
    id: int
    kind: str
    name: str
    article: str
    title: str
    text_sha256: str
    addressed_to: AddressedBodyOut | None
    state: str
    signatures: int
    needed: int
    members_in_good_standing: int
    counted_on: dt.date
    endorsements: int
    bodies_needed: int
    started_at: dt.datetime
    entry_index: int | None
    signed: bool
    obligation: ObligationOut | None
    delivery: DeliveryOut | None


class InitiativeFull(InitiativeOut):
    text: str


class SignedOut(Schema):
    """The answer to a signature: the count it joined (signing again answers 200 and changes nothing)."""

    initiative: int
    signed: bool
    signatures: int
    needed: int
    state: str
    entry_index: int | None  # the signature's record entry (None when it was already there)


def _signed(i: Initiative, entry_index: int | None) -> SignedOut:
    return SignedOut(initiative=i.pk, signed=True, signatures=i.signature_count, needed=i.needed, state=i.state, entry_index=entry_index)


class StartIn(Schema):
    kind: str = Field(min_length=1, max_length=60)
    title: str = Field(min_length=1, max_length=actions.TITLE_MAX)
    text: str = Field(min_length=1, max_length=actions.TEXT_MAX)
    addressed_to: int | None = None


class ClaimIn(Schema):
    """The authority claimed: a body the actor sits on, or an office they hold."""

    body_id: int | None = None
    office: str = Field("", max_length=60)


class AlterIn(ClaimIn):
    text: str = Field(min_length=1, max_length=actions.TEXT_MAX)


def _out(v: View, schema: type[InitiativeOut] = InitiativeOut) -> InitiativeOut:
    i, o, d = v.initiative, v.obligation, v.delivery
    body = i.addressed_to
    extra = {"text": i.text} if schema is InitiativeFull else {}
    return schema(
        **extra, id=i.pk, kind=i.kind, name=v.name, article=v.article, title=i.title, text_sha256=i.text_sha256,
        addressed_to=AddressedBodyOut(id=body.pk, kind=body.kind, name=body.name) if body else None, state=i.state,
        signatures=i.signature_count, needed=i.needed, members_in_good_standing=i.members_in_good_standing, counted_on=i.counted_on,
        endorsements=i.endorsement_count, bodies_needed=v.bodies_needed, started_at=i.started_at, entry_index=i.entry_index, signed=v.signed,
        obligation=ObligationOut(
            arose_at=o.arose_at, due_on=o.due_on, deadline=v.deadline, fulfilled_at=o.fulfilled_at, missed_on=o.missed_on, on_time=o.on_time,
            entry_index=o.entry_index, fulfilled_entry_index=o.fulfilled_entry_index, missed_entry_index=o.missed_entry_index,
        ) if o else None,
        delivery=DeliveryOut(total=d.total, sent=d.sent, counts=d.counts) if d else None,
    )


def _detail(request: HttpRequest, initiative_id: int) -> InitiativeFull:
    initiative, viewer = get_initiative_for(request.user, initiative_id)
    return _out(view_of(initiative, viewer), InitiativeFull)  # type: ignore[return-value]


@router.get("/initiatives", response=list[InitiativeOut], auth=django_auth, summary="Open initiatives (collecting, or their obligation not yet fulfilled)")
def initiatives(request: HttpRequest, limit: int = 50) -> list[InitiativeOut]:
    viewer = permissions.member_of(request.user)
    return [_out(v) for v in views_of(list(open_initiatives()[: min(max(limit, 1), 200)]), viewer)]


@router.get("/initiatives/{initiative_id}", response=InitiativeFull, auth=django_auth, summary="An initiative, with its text, count and obligation")
def initiative(request: HttpRequest, initiative_id: int) -> InitiativeFull:
    return _detail(request, initiative_id)


@router.post("/initiatives", response={201: InitiativeFull}, auth=django_auth, summary="Start an initiative (judged by the rules)")
def start(request: HttpRequest, payload: StartIn) -> Status:
    viewer = permissions.member_of(request.user)
    body = get_object_or_404(Body, pk=payload.addressed_to) if payload.addressed_to else None
    row = actions.start_initiative(by=viewer, kind=payload.kind, title=payload.title, text=payload.text, addressed_to=body)
    return Status(201, _detail(request, row.pk))


@router.post("/initiatives/{initiative_id}/signature", response={200: SignedOut, 201: SignedOut}, auth=django_auth, summary="Sign (idempotent: signing again changes nothing)")
def sign(request: HttpRequest, initiative_id: int) -> Status:
    viewer = permissions.member_of(request.user)
    try:
        signature = actions.sign_initiative(initiative_id, by=viewer)
    except Initiative.DoesNotExist:
        raise Http404 from None
    except Refused as refusal:
        if [b.code for b in refusal.breaches] != ["already_signed"]:
            raise
        return Status(200, _signed(Initiative.objects.get(pk=initiative_id), None))
    return Status(201, _signed(signature.initiative, signature.entry_index))


@router.api_operation(["DELETE"], "/initiatives/{initiative_id}/signature", response=InitiativeFull, auth=django_auth, summary="Withdraw my signature (only before the threshold is reached)")
def withdraw(request: HttpRequest, initiative_id: int) -> InitiativeFull:
    initiative, viewer = get_initiative_for(request.user, initiative_id)
    actions.withdraw_signature(initiative, by=viewer)
    return _detail(request, initiative_id)


@router.post("/initiatives/{initiative_id}/stop", response={204: None}, auth=django_auth, summary="Ask to stop a document's circulation (the rules give nobody this power)")
def stop(request: HttpRequest, initiative_id: int, payload: ClaimIn) -> Status:
    initiative, viewer = get_initiative_for(request.user, initiative_id)
    body = get_object_or_404(Body, pk=payload.body_id) if payload.body_id else None
    actions.stop_circulation(initiative, by=viewer, body=body, office=payload.office)
    return Status(204, None)


@router.post("/initiatives/{initiative_id}/text", response={204: None}, auth=django_auth, summary="Ask to change a document's text (the rules give nobody this power)")
def alter(request: HttpRequest, initiative_id: int, payload: AlterIn) -> Status:
    initiative, viewer = get_initiative_for(request.user, initiative_id)
    body = get_object_or_404(Body, pk=payload.body_id) if payload.body_id else None
    actions.alter_document(initiative, by=viewer, text=payload.text, body=body, office=payload.office)
    return Status(204, None)

