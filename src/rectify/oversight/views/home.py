"""The oversight landing page: what there is in the caller's scope, and (for province-wide
roles) the figures of an inspection as of a date, as the disclosure reports them."""

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.utils import timezone

from rectify.orgs.models import OrgKind
from rectify.oversight import queries, stats
from rectify.oversight.forms import FiguresForm
from rectify.oversight.models import AccountabilityCase, SupervisionAction
from rectify.oversight.views.common import page, province_wide, require_view
from rectify.problems.models import Inspection

DEFAULT_INSPECTION = "central-2018-lookback"


def default_inspection() -> Inspection | None:
    """The inspection the figures show first: the most recent one with oversight records."""
    with_records = Inspection.objects.filter(
        Q(pk__in=AccountabilityCase.objects.values("inspection_id"))
        | Q(pk__in=SupervisionAction.objects.values("inspection_id"))
    )
    return (
        with_records.order_by("-feedback_date").first()
        or Inspection.objects.order_by("-feedback_date").first()
    )


def org_kind_labels() -> dict[str, str]:
    labels = {k: str(label) for k, label in OrgKind.choices}
    labels["other"] = str(OrgKind.UNIT.label)
    return labels


@login_required
def home(request):
    user = request.user
    require_view(user)
    today = timezone.localdate()
    counts = {
        "cases": queries.visible_cases(user).count(),
        "actions": queries.visible_actions(user).count(),
        "meetings": queries.visible_meetings(user).count(),
        "teams": queries.visible_teams(user).count(),
        "letters": queries.visible_letters(user).count(),
    }
    figures = form = None
    if province_wide(user):
        initial = {"as_of": today}
        default = default_inspection()
        if default is not None:
            initial["inspection"] = default.code
        data = request.GET if request.GET.get("inspection") else None
        form = FiguresForm(data, initial=initial)
        inspection = as_of = None
        followups = False
        if data is not None and form.is_valid():
            inspection = form.cleaned_data["inspection"]
            as_of = form.cleaned_data["as_of"]
            followups = form.cleaned_data["followups"]
        elif data is None and default is not None:
            inspection, as_of = default, today
        if inspection is not None:
            figures = stats.figures(inspection, as_of, followups=followups)
            figures["inspection"] = inspection
            figures["org_kinds"] = [
                (label, figures["accountability"]["by_org_kind"].get(k))
                for k, label in org_kind_labels().items()
                if k in figures["accountability"]["by_org_kind"]
            ]
    context = {"counts": counts, "form": form, "figures": figures, "today": today}
    return page(request, "oversight/home.html", context, here="home", partial="figures")
