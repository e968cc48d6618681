"""The auditor's pages: read the audit log and check its hash chain. Nothing here writes."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.utils.dateparse import parse_date

from rectify.accounts.roles import Cap, has_cap
from rectify.core.audit import verify_chain
from rectify.core.models import AuditEvent


def _require_auditor(request) -> None:
    if not has_cap(request.user, Cap.READ_AUDIT):
        raise Http404


@login_required
def audit_list(request):
    _require_auditor(request)
    qs = AuditEvent.objects.all()
    filters = {
        k: request.GET.get(k, "").strip() for k in ("actor", "action", "object", "since", "until")
    }
    if filters["actor"]:
        qs = qs.filter(actor_label__icontains=filters["actor"])
    if filters["action"]:
        qs = qs.filter(action__startswith=filters["action"])
    if filters["object"]:
        qs = qs.filter(object_repr__icontains=filters["object"])
    if since := parse_date(filters["since"] or ""):
        qs = qs.filter(recorded_at__date__gte=since)
    if until := parse_date(filters["until"] or ""):
        qs = qs.filter(recorded_at__date__lte=until)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/audit_list.html", {"page": page, "filters": filters})


@login_required
def audit_detail(request, seq: int):
    _require_auditor(request)
    event = get_object_or_404(AuditEvent, seq=seq)
    keys = sorted(set(event.before or {}) | set(event.after or {}))
    rows = [
        {
            "key": key,
            "before": (event.before or {}).get(key),
            "after": (event.after or {}).get(key),
            "changed": (event.before or {}).get(key) != (event.after or {}).get(key),
        }
        for key in keys
    ]
    return render(request, "accounts/audit_detail.html", {"event": event, "rows": rows})


@login_required
def audit_verify(request):
    _require_auditor(request)
    problem = verify_chain()
    count = AuditEvent.objects.count()
    return render(request, "accounts/audit_verify.html", {"problem": problem, "count": count})


urlpatterns = [
    path("", audit_list, name="list"),
    path("verify/", audit_verify, name="verify"),
    path("<int:seq>/", audit_detail, name="detail"),
]
