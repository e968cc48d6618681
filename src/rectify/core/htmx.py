"""htmx helpers: is this request from htmx, and render a named partial of a page."""

from django.shortcuts import render


def is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def render_page_or_partial(request, template: str, partial: str, context: dict, **kwargs):
    """The whole page for a normal request, only `template#partial` for an htmx request."""
    name = f"{template}#{partial}" if is_htmx(request) else template
    return render(request, name, context, **kwargs)
