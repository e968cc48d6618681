"""Users (one org and one role each), extra scope grants and API tokens."""

import hashlib
from datetime import timedelta

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rectify.accounts.roles import ROLE_SCOPE, TWO_FACTOR_ROLES, Role, ScopePolicy
from rectify.core.scoping import EVERYTHING, NOTHING, Scope
from rectify.orgs.models import Org


class User(AbstractUser):
    org = models.ForeignKey(
        Org, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="users"
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    display_name = models.CharField(_("display name"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    version = models.PositiveIntegerField(default=1)
    # When the password was last set through accounts.actions (None: never since the account
    # was created, so date_joined counts); drives RECTIFY_PASSWORD_MAX_AGE_DAYS.
    password_changed_at = models.DateTimeField(_("password changed at"), null=True, blank=True)
    # Hashes of the previous passwords, newest first, for passwords.PasswordHistoryValidator.
    password_history = models.JSONField(default=list, blank=True, editable=False)
    # Set when someone else (the sysadmin) chose the password: the user changes it at the
    # next sign-in wherever passwords expire (等级保护 profile).
    password_must_change = models.BooleanField(default=False)

    REQUIRED_FIELDS = ["email"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def needs_two_factor(self) -> bool:
        return self.role in TWO_FACTOR_ROLES

    def password_expired(self, max_age_days: int, now=None) -> bool:
        """Whether the password is older than `max_age_days` (never when that is 0)."""
        if max_age_days <= 0:
            return False
        if self.password_must_change:
            return True
        changed = self.password_changed_at or self.date_joined
        return (now or timezone.now()) - changed > timedelta(days=max_age_days)

    def data_scope(self) -> Scope:
        """Which orgs' data this user may see (see core.scoping); cached per instance."""
        cached = getattr(self, "_data_scope", None)
        if cached is not None:
            return cached
        policy = ROLE_SCOPE.get(self.role, ScopePolicy.NONE)
        if not self.is_active or policy == ScopePolicy.NONE:
            scope = NOTHING
        elif policy == ScopePolicy.ALL:
            scope = EVERYTHING
        else:
            paths = [g.org.path for g in self.scope_grants.select_related("org")]
            if policy == ScopePolicy.OWN_SUBTREE:
                paths.append(self.org.path)
            if paths:
                condition = Q()
                for path in paths:
                    condition |= Q(path__startswith=path)
                scope = Scope(org_ids=Org.objects.filter(condition).values("id"))
            else:
                scope = NOTHING
        self._data_scope = scope
        return scope


class ScopeGrant(models.Model):
    """Read scope over another org's subtree (e.g. a battle team's assigned prefecture)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="scope_grants")
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "org"], name="scope_grant_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.org}"


def token_digest(raw: str) -> str:
    """SHA-256 of a raw API token; only the digest is stored."""
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


class ApiToken(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=12)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_usable(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)
