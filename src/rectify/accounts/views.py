"""Login, two-factor, profile and API tokens, and the sysadmin's account pages."""

from base64 import b32encode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from rectify.accounts import actions
from rectify.accounts.forms import LoginForm, TokenForm, TotpForm, UserCreateForm, UserEditForm
from rectify.accounts.models import ApiToken, User
from rectify.accounts.roles import Cap, has_cap
from rectify.core.errors import ConflictError
from rectify.core.forms import apply_validation_error


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["failure_limit"] = settings.AXES_FAILURE_LIMIT
        context["lockout_minutes"] = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
        context["session_ended"] = self.request.GET.get("ended") == "1"
        return context


def _safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


@login_required
def two_factor(request):
    """Verify a TOTP code, or enrol a first device when the user has none."""
    user = request.user
    confirmed = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    form = TotpForm(request.POST or None)
    if confirmed is not None:
        if request.method == "POST" and form.is_valid():
            if confirmed.verify_token(form.cleaned_data["token"]):
                otp_login(request, confirmed)
                return redirect(_safe_next(request, reverse("home")))
            form.add_error("token", _("The code is wrong or has expired."))
        return render(request, "accounts/two_factor_verify.html", {"form": form})

    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = actions.do_start_totp_enrolment(user)
    if request.method == "POST" and form.is_valid():
        if actions.check_confirm_totp(device, actor=user, token=form.cleaned_data["token"]):
            otp_login(request, device)
            messages.success(request, _("Two-factor authentication is now on."))
            return redirect(_safe_next(request, reverse("home")))
        form.add_error("token", _("The code is wrong or has expired."))
    qr = segno.make(device.config_url, error="m")
    context = {
        "form": form,
        "qr_data_uri": qr.svg_data_uri(scale=5),
        "secret": b32encode(device.bin_key).decode("ascii"),
    }
    return render(request, "accounts/two_factor_setup.html", context)


@login_required
def profile(request):
    tokens = ApiToken.objects.filter(user=request.user)
    return render(
        request,
        "accounts/profile.html",
        {
            "tokens": tokens,
            "token_form": TokenForm(),
            "can_use_tokens": has_cap(request.user, Cap.USE_API_TOKENS),
        },
    )


@login_required
@require_POST
def token_create(request):
    form = TokenForm(request.POST)
    if form.is_valid():
        try:
            _token, raw = actions.do_create_token(
                actor=request.user, name=form.cleaned_data["name"]
            )
        except PermissionDenied as exc:
            raise Http404 from exc
        messages.success(
            request, _("New token (shown only once, copy it now): %(raw)s") % {"raw": raw}
        )
    else:
        messages.error(request, _("Give the token a name."))
    return redirect("accounts:profile")


@login_required
@require_POST
def token_revoke(request, pk: int):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    actions.do_revoke_token(token, actor=request.user)
    messages.success(request, _("Token revoked."))
    return redirect("accounts:profile")


def _require_sysadmin(request) -> None:
    if not has_cap(request.user, Cap.MANAGE_USERS):
        raise Http404


@login_required
def user_list(request):
    _require_sysadmin(request)
    users = User.objects.select_related("org").order_by("org__path", "username")
    return render(request, "accounts/user_list.html", {"users": users})


@login_required
def user_create(request):
    _require_sysadmin(request)
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = actions.check_create_user(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Account %(name)s created.") % {"name": user.username})
            return redirect("users:user_list")
    return render(request, "accounts/user_form.html", {"form": form, "creating": True})


@login_required
def user_edit(request, pk: int):
    _require_sysadmin(request)
    user = get_object_or_404(User, pk=pk)
    form = UserEditForm(request.POST or None, instance=user, initial={"version": user.version})
    if request.method == "POST" and form.is_valid():
        changes = {f: form.cleaned_data[f] for f in UserEditForm.Meta.fields}
        try:
            actions.check_update_user(
                user, actor=request.user, expected_version=form.cleaned_data["version"], **changes
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        except ConflictError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Account saved."))
            return redirect("users:user_list")
    return render(request, "accounts/user_form.html", {"form": form, "target": user})


@login_required
@require_POST
def user_unlock(request, pk: int):
    _require_sysadmin(request)
    user = get_object_or_404(User, pk=pk)
    actions.do_unlock_user(user, actor=request.user)
    messages.success(request, _("Lockout cleared for %(name)s.") % {"name": user.username})
    return redirect("users:user_list")


@login_required
def password_change(request):
    """Change one's own password (also where an expired one sends the user); the new one
    must satisfy the policy and differ from the recent ones."""
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = actions.check_set_password(
                request.user, actor=request.user, password=form.cleaned_data["new_password1"]
            )
        except ValidationError as exc:
            form.add_error("new_password1", exc.message_dict.get("password", exc.messages))
        else:
            update_session_auth_hash(request, user)
            messages.success(request, _("Password changed."))
            return redirect(_safe_next(request, reverse("accounts:profile")))
    context = {
        "form": form,
        "next": _safe_next(request, ""),
        "expired": request.user.password_expired(settings.RECTIFY_PASSWORD_MAX_AGE_DAYS),
    }
    return render(request, "accounts/password_change.html", context)
