"""Battle-team pages: the teams, a team's listed problems with their as-of status and
warning colour, its visits, and the forms (team, listing, visit with photos)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rectify.orgs.models import Org
from rectify.oversight import actions, queries
from rectify.oversight.forms import ListingForm, TeamForm, VisitForm
from rectify.oversight.models import BattleTeam
from rectify.oversight.permissions import can_manage, can_record_visit
from rectify.oversight.teamview import team_problems
from rectify.oversight.views.common import (
    page,
    refuse_too_large,
    require_manage,
    require_view,
    run_form_action,
    with_upload_limit,
)
from rectify.problems.forms import parse_as_of
from rectify.problems.models import Problem


@login_required
def team_list(request):
    user = request.user
    require_view(user)
    teams = (
        queries.visible_teams(user)
        .annotate(
            n_members=Count("members", distinct=True),
            n_listed=Count("listings", distinct=True),
            n_visits=Count("visits", distinct=True),
        )
        .prefetch_related("assigned_orgs")
        .order_by("-period_start", "name")
    )
    mine = set(
        BattleTeam.members.through.objects.filter(user_id=user.pk).values_list(
            "battleteam_id", flat=True
        )
    )
    return page(request, "oversight/team_list.html", {"teams": teams, "mine": mine}, here="teams")


def _team_initial(team: BattleTeam) -> dict:
    return {
        "name": team.name,
        "inspection": team.inspection.code if team.inspection_id else None,
        "leader_name": team.leader_name,
        "leader_post": team.leader_post,
        "period_start": team.period_start,
        "period_end": team.period_end,
        "assigned_orgs": list(team.assigned_orgs.values_list("pk", flat=True)),
        "members": list(team.members.values_list("pk", flat=True)),
        "member_names": team.member_names,
        "version": team.version,
    }


@login_required
def team_create(request):
    user = request.user
    require_manage(user)
    form = TeamForm(request.POST or None, initial={"period_start": timezone.localdate()})
    status = 200
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        team, status = run_form_action(
            form, lambda: actions.check_create_team(actor=user, data=data)
        )
        if team is not None:
            messages.success(request, _("The battle team was formed."))
            return redirect("oversight:team", pk=team.pk)
    context = {"form": form, "title": _("New battle team"), "back": "oversight:teams"}
    return page(request, "oversight/form.html", context, here="teams", status=status)


@login_required
def team_edit(request, pk: int):
    user = request.user
    team = queries.access_team(user, pk)
    require_manage(user)
    form = TeamForm(request.POST or None, initial=_team_initial(team))
    status = 200
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        saved, status = run_form_action(
            form,
            lambda: actions.check_update_team(
                team, actor=user, expected_version=form.cleaned_data["version"], changes=data
            ),
        )
        if saved is not None:
            messages.success(request, _("The battle team was saved."))
            return redirect("oversight:team", pk=team.pk)
    context = {
        "form": form,
        "title": _("Edit the battle team"),
        "back_url": reverse("oversight:team", kwargs={"pk": team.pk}),
        "intro": _("Member accounts read the assigned units; changes apply at once."),
    }
    return page(request, "oversight/form.html", context, here="teams", status=status)


def _visit_form(team: BattleTeam, user, data=None, files=None) -> VisitForm:
    assigned = Q()
    for org in team.assigned_orgs.all():
        assigned |= Q(path__startswith=org.path)
    orgs = Org.objects.filter(assigned).order_by("path") if assigned else Org.objects.none()
    listed = Problem.objects.filter(pk__in=team.listings.values("problem_id")).order_by(
        "inspection_id", "sort_key"
    )
    return VisitForm(
        data,
        files,
        orgs=orgs,
        problems=listed,
        initial={"date": timezone.localdate()},
    )


def _team_context(request, team, *, visit_form=None, listing_form=None):
    user = request.user
    as_of = parse_as_of(request.GET.get("as_of"))
    rows = team_problems(user, team, as_of)
    colours = {
        c: sum(1 for r in rows if r.problem.asof_colour == c) for c in ("red", "yellow", "blue")
    }
    records = can_record_visit(user, team)
    manage = can_manage(user)
    return {
        "team": team,
        "as_of": as_of,
        "rows": rows,
        "colours": colours,
        "members": team.members.order_by("username"),
        "member_names": [n for n in team.member_names.splitlines() if n.strip()],
        "assigned": team.assigned_orgs.order_by("path"),
        "visits": queries.team_visits(user, team).prefetch_related("documents__file"),
        "visit_form": visit_form or (_visit_form(team, user) if records else None),
        "listing_form": listing_form
        or (
            ListingForm(
                initial={
                    "listed_on": max(team.period_start, min(timezone.localdate(), as_of)),
                    "inspection": team.inspection.code if team.inspection_id else None,
                }
            )
            if manage
            else None
        ),
    }


@login_required
def team_detail(request, pk: int):
    user = request.user
    require_view(user)
    team = queries.access_team(user, pk)
    return page(request, "oversight/team_detail.html", _team_context(request, team), here="teams")


@login_required
@require_POST
def team_list_problem(request, pk: int):
    user = request.user
    team = queries.access_team(user, pk)
    require_manage(user)
    form = ListingForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        problem = Problem.objects.filter(inspection=d["inspection"], number=d["number"]).first()
        if problem is None:
            form.add_error(
                "number",
                _("No problem numbered %(numbers)s in %(inspection)s.")
                % {"numbers": d["number"], "inspection": d["inspection"].code},
            )
        else:
            listing, _status = run_form_action(
                form,
                lambda: actions.check_list_problem(
                    team, actor=user, problem=problem, listed_on=d["listed_on"], note=d["note"]
                ),
            )
            if listing is not None:
                messages.success(
                    request, _("Problem %(number)s is listed.") % {"number": problem.number}
                )
                return redirect("oversight:team", pk=team.pk)
    context = _team_context(request, team, listing_form=form)
    return page(request, "oversight/team_detail.html", context, here="teams", status=400)


@login_required
@require_POST
def team_unlist_problem(request, pk: int, problem_pk: int):
    user = request.user
    team = queries.access_team(user, pk)
    require_manage(user)
    listing = team.listings.filter(problem_id=problem_pk).select_related("problem").first()
    if listing is not None:
        actions.check_unlist_problem(team, actor=user, problem=listing.problem)
        messages.success(request, _("The problem is off the team's list."))
    return redirect("oversight:team", pk=team.pk)


@login_required
@with_upload_limit
def team_visit(request, pk: int):
    user = request.user
    require_view(user)
    team = queries.access_team(user, pk)
    if not can_record_visit(user, team):
        raise PermissionDenied
    if request.method != "POST":
        return redirect("oversight:team", pk=team.pk)
    form = _visit_form(team, user, request.POST, request.FILES)
    valid = form.is_valid()
    if not refuse_too_large(request, form) and valid:
        d = form.cleaned_data
        visit, _status = run_form_action(
            form,
            lambda: actions.check_record_visit(
                team,
                actor=user,
                data={k: d[k] for k in ("date", "org", "problem", "findings")},
                uploaded_files=d["file"],
                caption=d["caption"],
            ),
        )
        if visit is not None:
            messages.success(request, _("The visit was recorded."))
            return redirect("oversight:team", pk=team.pk)
    context = _team_context(request, team, visit_form=form)
    return page(request, "oversight/team_detail.html", context, here="teams", status=400)
