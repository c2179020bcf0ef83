"""Sign-in (bounded against guessing), two-factor enrolment and verification, sign-out."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlencode

import django_otp
import segno
from django import forms
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from charter.accounts import security, throttle, twofactor
from charter.lib.redirects import local_path


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Six-digit code"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True}
        ),
    )


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    return local_path(request, target, reverse(settings.LOGIN_REDIRECT_URL))


class LoginView(auth_views.LoginView):
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        username = str(request.POST.get("username", ""))[:150]
        ip = security.client_ip(request)
        source = throttle.source_for(request, username, ip)
        until = throttle.locked_until(username, source) if username else None
        if until is not None:
            security.event(
                "sign_in.refused_locked",
                request=request,
                user=username,
                until=until.isoformat(),
                source=source.key,
                level=logging.WARNING,
            )
            # An unbound form: the password is not even checked while the pause lasts.
            form = self.get_form_class()(request, initial={"username": username})
            locked = _("Too many failed sign-ins from here. Try again after %(time)s UTC.") % {
                "time": until.strftime("%H:%M")
            }
            response = self.render_to_response(self.get_context_data(form=form, locked=locked))
            response.status_code = 429
            return response
        self._source = source
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form: Any) -> HttpResponse:
        username = str(self.request.POST.get("username", ""))[:150]
        if username:
            throttle.record_failure(username, self._source)
            security.event(
                "sign_in.failed",
                request=self.request,
                user=username,
                source=self._source.key,
                level=logging.WARNING,
            )
            until = throttle.locked_until(username, self._source)
            if until is not None:
                security.event(
                    "sign_in.locked",
                    request=self.request,
                    user=username,
                    until=until.isoformat(),
                    source=self._source.key,
                    level=logging.WARNING,
                )
        return super().form_invalid(form)

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)  # signs in (a new session key)
        user = form.get_user()
        throttle.record_success(
            user.get_username(), self._source, response, secure=self.request.is_secure()
        )
        security.event(
            "sign_in.succeeded",
            request=self.request,
            user=user.get_username(),
            source=self._source.key,
        )
        if twofactor.needs_two_factor(user):
            step = "accounts:verify" if twofactor.confirmed_device(user) else "accounts:enrol"
            response["Location"] = f"{reverse(step)}?{urlencode({'next': response['Location']})}"
        return response


@require_http_methods(["POST"])
def logout(request: HttpRequest) -> HttpResponse:
    name = request.user.get_username() if request.user.is_authenticated else ""
    response = auth_views.LogoutView.as_view()(request)
    if name:
        security.event("sign_out", request=request, user=name)
    return response


def admin_login(request: HttpRequest) -> HttpResponse:
    """The admin site signs in through the same bounded sign-in page (and its second factor)."""
    target = request.GET.get("next", "/admin/")
    target = target if target.startswith("/") and not target.startswith("//") else "/admin/"
    return redirect(f"{reverse('accounts:login')}?{urlencode({'next': target})}")


def _qr_svg(url: str) -> str:
    return segno.make(url, error="m").svg_inline(
        scale=5,
        omitsize=True,
        dark="#111",
        light="#fff",
        title=str(_("Scan with an authenticator app")),
    )


@login_required
def enrol(request: HttpRequest) -> HttpResponse:
    """Add an authenticator app: scan the QR code (or type the key), then enter a code it shows."""
    if twofactor.confirmed_device(request.user) is not None:
        return redirect(f"{reverse('accounts:verify')}?{urlencode({'next': _next(request)})}")
    device = twofactor.pending_device(request.user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if twofactor.verify_once(device.pk, form.cleaned_data["code"]) is not None:
            twofactor.confirm(device)
            django_otp.login(request, device)
            security.event("two_factor.enrolled", request=request, device=device.pk)
            return HttpResponseRedirect(_next(request))
        security.event(
            "two_factor.failed",
            request=request,
            device=device.pk,
            step="enrol",
            level=logging.WARNING,
        )
        form.add_error(
            "code",
            _("That code is not right (or was used already). Enter the newest code the app shows."),
        )
    key = device.config_url.split("secret=", 1)[1].split("&", 1)[0]
    context = {
        "form": form,
        "qr": _qr_svg(device.config_url),
        "key": " ".join(key[i : i + 4] for i in range(0, len(key), 4)),
        "next": _next(request),
    }
    return render(
        request,
        "accounts/enrol.html",
        context,
        status=200 if request.method == "GET" or form.is_valid() else 400,
    )


@login_required
def verify(request: HttpRequest) -> HttpResponse:
    """Enter the code of the authenticator app (once per sign-in)."""
    device = twofactor.confirmed_device(request.user)
    if device is None:
        return redirect(f"{reverse('accounts:enrol')}?{urlencode({'next': _next(request)})}")
    if request.user.is_verified():
        return HttpResponseRedirect(_next(request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if twofactor.verify_once(device.pk, form.cleaned_data["code"]) is not None:
            django_otp.login(request, device)
            security.event("two_factor.verified", request=request, device=device.pk)
            return HttpResponseRedirect(_next(request))
        security.event(
            "two_factor.failed",
            request=request,
            device=device.pk,
            step="verify",
            level=logging.WARNING,
        )
        form.add_error(
            "code",
            _("That code is not right (or was used already). Enter the newest code the app shows."),
        )
    return render(
        request,
        "accounts/verify.html",
        {"form": form, "next": _next(request)},
        status=200 if request.method == "GET" else 400,
    )
