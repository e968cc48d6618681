"""Labels for ledger codes in templates (status, warning colour)."""

from django import template

from rectify.problems.states import Colour, Status

register = template.Library()


@register.filter
def status_label(value: str | None) -> str:
    """The display label of a status code ("" for none)."""
    return Status(value).label if value in Status.values else ""


@register.filter
def colour_label(value: str | None) -> str:
    """The display label of a warning colour code ("" for none)."""
    return Colour(value).label if value in Colour.values else ""
