"""`{% signoff_panel problem %}`: the problem's sign-off applications and, for whoever may
apply, the link to do so; for the ledger's problem page (`{% load signoff_tags %}`)."""

from django import template

from rectify.signoff import queries
from rectify.signoff.permissions import may_apply

register = template.Library()


@register.inclusion_tag("signoff/problem_panel.html", takes_context=True)
def signoff_panel(context, problem):
    user = context["request"].user
    applications = list(queries.applications_of(user, problem))
    live = queries.live_application(problem)
    return {
        "problem": problem,
        "applications": applications,
        "can_apply": live is None and may_apply(user, problem),
    }
