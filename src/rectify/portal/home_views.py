"""The portal's home page: what is published, newest first, with a way into each part."""

from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from rectify.complaints.models import Publication
from rectify.portal.disclosure_views import published_disclosures
from rectify.portal.problem_views import public_inspections
from rectify.portal.ratelimit import rate_limited
from rectify.signoff.queries import published_notices

LATEST = 5


def _url(name: str, *args) -> str | None:
    """The portal URL if that part of the portal is installed (complaint handling is
    developed apart and may not be), else None."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


@rate_limited(per_minute=60, scope="portal")
def home(request):
    today = timezone.localdate()
    notices = [
        {
            "pk": a.pk,
            "title": a.problem.title,
            "region": a.problem.region.name,
            "start": a.notice_start,
            "end": a.notice_end,
            "state": a.get_state_display(),
        }
        for a in published_notices(today)[:LATEST]
    ]
    publications = []
    for pub in (
        Publication.objects.filter(withdrawn_at__isnull=True)
        .select_related("inspection", "batch")
        .defer("paragraphs", "figures", "rows")
        .order_by("-published_at", "-pk")[:LATEST]
    ):
        publications.append(
            {
                "title": pub.title,
                "as_of": pub.as_of,
                "url": _url("portal:complaint_publication", pub.pk),
            }
        )
    return render(
        request,
        "portal/index.html",
        {
            "today": today,
            "disclosures": published_disclosures().defer("figures", "paragraphs")[:LATEST],
            "inspections": public_inspections(today),
            "notices": notices,
            "publications": publications,
            "publications_url": _url("portal:complaint_publications"),
        },
    )
