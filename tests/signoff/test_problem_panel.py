"""`{% signoff_panel problem %}` for the ledger's problem page: the applications, and the
link to apply only for whoever may apply while none is under way."""

from django.template import Context, Template
from django.test import RequestFactory

from .conftest import walk

PANEL = Template("{% load signoff_tags %}{% signoff_panel problem %}")


def render(user, problem) -> str:
    request = RequestFactory().get("/")
    request.user = user
    return PANEL.render(Context({"request": request, "problem": problem}))


def test_the_lead_unit_is_offered_to_apply_and_others_are_not(problem, cast):
    assert f"/signoff/problems/{problem.pk}/apply/" in render(cast["applicant"], problem)
    assert f"/signoff/problems/{problem.pk}/apply/" in render(cast["office"], problem)
    for role in ("county", "leader"):
        assert "/apply/" not in render(cast[role], problem)


def test_the_panel_lists_the_applications_and_hides_apply_while_one_is_live(problem, cast):
    app = walk(problem, cast, "review_city")
    html = render(cast["applicant"], problem)
    assert f"/signoff/applications/{app.pk}/" in html and "市级验收" in html
    assert "/apply/" not in html


def test_an_outsider_sees_no_application(problem, cast):
    walk(problem, cast, "review_city")
    assert "/signoff/applications/" not in render(cast["other_unit"], problem)
