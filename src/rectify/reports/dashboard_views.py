"""The leader dashboard page (挂图作战): KPIs, charts and the prefecture map as of a date.

The page is rendered with the figures of its date (tables readable without JavaScript);
static/reports/dashboard.js then redraws everything from GET /api/v1/dashboard when the
date, the month slider or the inspection changes. Figures come from reports.dashboard only.
"""

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rectify.accounts.roles import Cap, has_cap
from rectify.core.dbrouter import reporting_view
from rectify.core.scoping import scope_of
from rectify.problems.queries import visible_inspections
from rectify.reports import dashboard


class DashboardForm(forms.Form):
    """The dashboard's GET parameters: which inspection, as of which date."""

    inspection = forms.ModelChoiceField(
        label=gettext_lazy("Inspection"),
        queryset=None,
        required=False,
        to_field_name="code",
        empty_label=gettext_lazy("All inspections"),
    )
    as_of = forms.DateField(
        label=gettext_lazy("As of"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, inspections, today, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["inspection"].queryset = inspections.order_by("-feedback_date", "code")
        self.fields["as_of"].widget.attrs["max"] = today.isoformat()

    def clean_as_of(self):
        d = self.cleaned_data.get("as_of")
        if d is not None and d > self.today:
            raise forms.ValidationError(_("The date cannot be later than today."))
        return d


def _labels() -> dict[str, str]:
    """Words the script needs for legends, tooltips and empty states (translated here)."""
    return {
        "total": _("Problems on the ledger"),
        "completed": _("Rectification completed"),
        "open": _("Not completed"),
        "received": _("Received"),
        "closed": _("Closed"),
        "open_problems": _("Open problems"),
        "warnings": _("Warnings"),
        "red": _("Red"),
        "yellow": _("Yellow"),
        "blue": _("Blue"),
        "map_missing": _("The map could not be loaded; the table below has the same figures."),
        "loading": _("Updating…"),
        "failed": _("The figures could not be updated. Try again."),
        "click_to_open": _("Click to open the ledger for this region"),
        "not_clickable": _("Outside your scope"),
        "elsewhere": _("Province-wide and departments"),
        "no_warnings": _("No red or yellow warning on this date."),
        "problems": _("Problems"),
    }


@login_required
@reporting_view
def dashboard_page(request):
    user = request.user
    if not has_cap(user, Cap.VIEW_BUSINESS):
        raise Http404  # sysadmin and auditor: no business data (as the ledger)
    today = timezone.localdate()
    form = DashboardForm(request.GET or None, inspections=visible_inspections(user), today=today)
    cleaned = form.cleaned_data if form.is_bound and form.is_valid() else {}
    chosen = cleaned.get("inspection")
    d = cleaned.get("as_of") or today
    selection = dashboard.select(user, chosen.code if chosen else None)
    data = dashboard.dashboard_figures(user, d, selection, today=today)
    timeline = data["timeline"]
    # The slider stop showing d: the first month end on or after it.
    stop = next((i for i, x in enumerate(timeline) if x >= data["as_of"]), len(timeline) - 1)
    context = {
        "form": form,
        "data": data,
        "as_of": d,
        "stop": stop,
        "labels": _labels(),
        "province_wide": scope_of(user).all,
        "api_url": reverse("api:dashboard"),
        "closure_pct": round(data["complaints"]["closure_rate"] * 100, 1),
    }
    return render(request, "reports/dashboard/dashboard.html", context)
