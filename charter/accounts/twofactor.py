"""Two-factor sign-in (TOTP, RFC 6238, through django-otp) for everyone who can decide, chair or
administer.

Who needs it is derived, not configured: staff (the admin site), anyone holding an office, and
anyone holding a seat on a body of a kind that the rulebook in force names as deciding some act
(directly, as ``body: self`` (every body deciding its own motions), as the manager of a level, or as
the body that elects, appoints or fixes the seats of another). A member with a confirmed device
must use it too, whether or not they need it.

A code is accepted once: the device's row is locked while the code is checked (so requests
carrying the same code queue behind each other and all but the first find the step used), and the
accepted step is written under a unique constraint as well.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from charter.accounts.models import UsedStep
from charter.lib import clock

DEVICE_NAME = "authenticator"


def deciding_kinds(rb: Any) -> set[str] | None:
    """The body kinds whose seats carry a power to decide, under rulebook ``rb``; None means all."""
    kinds: set[str] = set()
    bodies = rb.bodies
    every = {b["key"] for b in bodies}
    for act in rb.acts.values():
        for d in act.get("decided_by") or []:
            if not isinstance(d, dict):
                continue
            if "body" in d:
                if d["body"] == "self":
                    return None
                kinds.add(d["body"])
            if d.get("level_manager"):
                kinds.update(lv["managed_by"] for lv in rb.levels if lv.get("managed_by"))
            if d.get("elector") or d.get("elector_member"):
                for b in bodies:
                    kinds.update(
                        k
                        for k in (b.get("elected_by"), (b.get("delegates") or {}).get("elected_by"))
                        if k
                    )
            if d.get("appointer"):
                kinds.update(b["appointed_by"] for b in bodies if b.get("appointed_by"))
            if d.get("seat_fixer"):
                kinds.update(
                    (b.get("seats") or {}).get("fixed_by")
                    for b in bodies
                    if isinstance(b.get("seats"), dict) and (b.get("seats") or {}).get("fixed_by")
                )
    return kinds & every


def with_facts(users: Any, on: Any = None) -> Any:
    """``users`` (a queryset of sign-ins) with what ``needs_two_factor`` asks of each on ``on``
    (today by default): a confirmed device, an office, a seat (``MemberBackend`` reads them with the
    user, in the same query)."""
    from django.db.models import Exists, OuterRef

    from charter.org.models import Mandate

    held = Mandate.objects.current(on).filter(member=OuterRef("member"))
    return users.annotate(
        tf_device=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)),
        tf_office=Exists(held.exclude(office="")),
        tf_seat=Exists(held),
    )


def needs_two_factor(user: Any) -> bool:
    """Whether ``user`` may decide, chair or administer (and so must sign in with a second factor)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_staff or user.is_superuser:
        return True
    from charter.org.models import Mandate

    member = getattr(user, "member", None)  # the views read it anyway: cached on the user
    if member is None:
        return TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    if not hasattr(user, "tf_seat"):  # a user not read by the backend: ask now, in one query
        user = with_facts(user.__class__._default_manager.filter(pk=user.pk)).first() or user
    device, office, seat = (getattr(user, f"tf_{k}", False) for k in ("device", "office", "seat"))
    if device or office:
        return True
    if not seat:
        return False
    from charter.rulebook.store import NoRulebook, rulebook_on

    try:
        kinds = deciding_kinds(rulebook_on(clock.today()))
    except NoRulebook:
        kinds = None
    seats = Mandate.objects.current().filter(member=member).values_list("body__kind", flat=True)
    return kinds is None or any(kind in kinds for kind in seats)


def confirmed_device(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def pending_device(user: Any) -> TOTPDevice:
    """The device being enrolled (not yet confirmed): made on first use, kept until confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def verify_once(device_pk: int, token: str) -> TOTPDevice | None:
    """The device, if ``token`` is its current code and that code was not accepted before."""
    token = (token or "").strip().replace(" ", "")
    if not token.isdigit() or len(token) > 10:
        return None
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(pk=device_pk).first()
        if device is None or not device.verify_token(token):
            return None
        try:
            with transaction.atomic():
                UsedStep.objects.create(device_id=device.pk, step=device.last_t, at=clock.now())
        except IntegrityError:
            return None
        return device


def confirm(device: TOTPDevice) -> None:
    TOTPDevice.objects.filter(pk=device.pk).update(confirmed=True)
    TOTPDevice.objects.filter(user=device.user, confirmed=False).exclude(pk=device.pk).delete()


def enrolled_for_tests(user: Any) -> TOTPDevice:
    """A confirmed device for a test's user (charter.testing.web.login_as)."""
    return TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=True)
