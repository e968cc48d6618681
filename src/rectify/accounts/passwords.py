"""Password policy beyond Django's validators: a mix of character classes."""

import string

from django.core.exceptions import ValidationError
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
