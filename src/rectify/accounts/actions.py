"""Every write to accounts: one transaction each, permission-checked, audited."""

import secrets
from datetime import datetime

from axes.utils import reset as axes_reset
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from rectify.accounts.models import ApiToken, ScopeGrant, User, token_digest
from rectify.accounts.passwords import remember_new_password
from rectify.accounts.roles import Cap, Role, has_cap
from rectify.core import audit
from rectify.core.errors import ConflictError
from rectify.orgs.models import Org

USER_AUDIT_FIELDS = ["username", "display_name", "email", "phone", "org", "role", "is_active"]


def _require(actor, cap: Cap) -> None:
    if not has_cap(actor, cap):
        raise PermissionDenied


def _user_state(user: User) -> dict:
    return audit.snapshot(user, USER_AUDIT_FIELDS)


@transaction.atomic
def check_create_user(
    *,
    actor,
    username: str,
    password: str,
    org: Org,
    role: str,
    display_name: str = "",
    email: str = "",
    phone: str = "",
) -> User:
    """Create an account (sysadmin only); the password must satisfy the policy."""
    _require(actor, Cap.MANAGE_USERS)
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role.")})
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("This user name is already taken.")})
    user = User(
        username=username, org=org, role=role, display_name=display_name, email=email, phone=phone
    )
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    user.set_password(password)
    remember_new_password(user, previous_hash="", chosen_by_user=False)
    user.save()
    audit.record("accounts.create_user", actor=actor, obj=user, after=_user_state(user))
    return user


@transaction.atomic
def check_update_user(user: User, *, actor, expected_version: int, **changes) -> User:
    """Change an account's profile, org, role or active flag; stale versions conflict."""
    _require(actor, Cap.MANAGE_USERS)
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.version != expected_version:
        raise ConflictError(_("This account was changed by someone else; reload and retry."))
    allowed = {"display_name", "email", "phone", "org", "role", "is_active"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationError({f: _("This field cannot be changed here.") for f in unknown})
    if changes.get("role") is not None and changes["role"] not in Role.values:
        raise ValidationError({"role": _("Unknown role.")})
    if user.pk == actor.pk and ("role" in changes or changes.get("is_active") is False):
        raise ValidationError(
            {"role": _("You cannot change your own role or deactivate yourself.")}
        )
    before = _user_state(user)
    for key, value in changes.items():
        setattr(user, key, value)
    user.version += 1
    user.save()
    audit.record(
        "accounts.update_user", actor=actor, obj=user, before=before, after=_user_state(user)
    )
    return user


@transaction.atomic
def check_set_password(user: User, *, actor, password: str) -> User:
    """Set a new password (the user's own, or any as sysadmin); validated by the policy,
    never one of the user's recent ones. One set by the sysadmin must be changed at the
    next sign-in wherever passwords expire."""
    chosen_by_user = actor.pk == user.pk
    if not chosen_by_user:
        _require(actor, Cap.MANAGE_USERS)
    user = User.objects.select_for_update().get(pk=user.pk)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    previous_hash = user.password
    user.set_password(password)
    remember_new_password(user, previous_hash=previous_hash, chosen_by_user=chosen_by_user)
    user.save(
        update_fields=[
            "password",
            "password_history",
            "password_changed_at",
            "password_must_change",
        ]
    )
    audit.record(
        "accounts.set_password",
        actor=actor,
        obj=user,
        after={"must_change": user.password_must_change},
    )
    return user


@transaction.atomic
def do_unlock_user(user: User, *, actor) -> int:
    """Clear the failed-login lockout of an account (sysadmin)."""
    _require(actor, Cap.MANAGE_USERS)
    cleared = axes_reset(username=user.username)
    audit.record("accounts.unlock_user", actor=actor, obj=user, after={"cleared": cleared})
    return cleared


@transaction.atomic
def do_grant_scope(user: User, *, actor, org: Org, reason: str) -> ScopeGrant:
    """Give a user read scope over another org's subtree."""
    _require(actor, Cap.MANAGE_USERS)
    grant, _created = ScopeGrant.objects.get_or_create(
        user=user, org=org, defaults={"reason": reason}
    )
    audit.record(
        "accounts.grant_scope", actor=actor, obj=user, after={"org": org.code, "reason": reason}
    )
    return grant


@transaction.atomic
def do_create_token(
    *, actor, name: str, expires_at: datetime | None = None
) -> tuple[ApiToken, str]:
    """Issue an API token for the actor; the raw token is returned once and never stored."""
    _require(actor, Cap.USE_API_TOKENS)
    if not name.strip():
        raise ValidationError({"name": _("Give the token a name.")})
    raw = "rct_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=actor,
        name=name.strip(),
        prefix=raw[:10],
        digest=token_digest(raw),
        expires_at=expires_at,
    )
    audit.record("accounts.create_token", actor=actor, obj=token, after={"name": token.name})
    return token, raw


@transaction.atomic
def do_revoke_token(token: ApiToken, *, actor) -> None:
    """Revoke one of the actor's own tokens."""
    if token.user_id != actor.pk:
        raise PermissionDenied
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit.record("accounts.revoke_token", actor=actor, obj=token)


@transaction.atomic
def do_start_totp_enrolment(user: User) -> TOTPDevice:
    """Create (or restart) the user's unconfirmed TOTP device."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="default", confirmed=False)


@transaction.atomic
def check_confirm_totp(device: TOTPDevice, *, actor, token: str) -> bool:
    """Confirm enrolment with a first valid code; returns whether the code was right."""
    if device.user_id != actor.pk or not device.verify_token(token):
        return False
    TOTPDevice.objects.filter(user=actor, confirmed=True).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit.record("accounts.enrol_totp", actor=actor, obj=actor)
    return True
