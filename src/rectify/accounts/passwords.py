"""Password policy beyond Django's validators: a mix of character classes, no reuse of
recent passwords, and the bookkeeping that expiry (RECTIFY_PASSWORD_MAX_AGE_DAYS) reads."""

import string

from django.contrib.auth.hashers import check_password
from django.contrib.auth.password_validation import get_default_password_validators
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


class CharacterClassValidator:
    """Require characters from at least `min_classes` of: lower, upper, digits, symbols."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def _classes(self, password: str) -> int:
        tests = (
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(c in string.punctuation or not c.isalnum() for c in password),
        )
        return sum(tests)

    def validate(self, password: str, user=None) -> None:
        if self._classes(password) < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self) -> str:
        return ngettext(
            "Your password must mix at least %(n)d kind of character "
            "(lower-case, upper-case, digits, symbols).",
            "Your password must mix at least %(n)d kinds of characters "
            "(lower-case, upper-case, digits, symbols).",
            self.min_classes,
        ) % {"n": self.min_classes}


class PasswordHistoryValidator:
    """Refuse the current password and the `count - 1` before it (count 0 or 1: current only)."""

    def __init__(self, count: int = 5):
        self.count = count

    def validate(self, password: str, user=None) -> None:
        if user is None or user.pk is None or self.count <= 0:
            return
        # hashers.check_password, not user.check_password: no rehash-and-save side effect.
        previous = [user.password, *user.password_history][: self.count]
        if any(h and check_password(password, h) for h in previous):
            raise ValidationError(self.get_help_text(), code="password_reused")

    def get_help_text(self) -> str:
        if self.count <= 1:
            return _("Your password must differ from your current one.")
        return _("Your password must differ from your last %(n)d passwords.") % {"n": self.count}


def history_size() -> int:
    """How many passwords PasswordHistoryValidator remembers as configured (0: none)."""
    for validator in get_default_password_validators():
        if isinstance(validator, PasswordHistoryValidator):
            return validator.count
    return 0


def remember_new_password(user, *, previous_hash: str, chosen_by_user: bool) -> None:
    """Bookkeeping after set_password(): push the old hash, date the change (unsaved)."""
    keep = max(history_size() - 1, 0)
    history = [previous_hash, *user.password_history] if previous_hash else user.password_history
    user.password_history = history[:keep]
    user.password_changed_at = timezone.now()
    user.password_must_change = not chosen_by_user
