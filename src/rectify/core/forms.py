"""Form helpers shared by every app."""

from django import forms
from django.core.exceptions import ValidationError


def apply_validation_error(form: forms.Form, exc: ValidationError) -> None:
    """Attach an action's ValidationError to the form fields it names (others: non-field)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
