"""Accountability routes: cases and their status, held organisations and officials (names
per role), and the published typical cases the public may read."""

from typing import Any

from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from ninja.responses import Status as Reply

from rectify.oversight import actions, queries
from rectify.oversight.api.common import (
    IF_MATCH,
    READ_ERRORS,
    WRITE_ERRORS,
    documents_out,
    manager,
    org_ref,
    problem_ref,
    router,
    set_etag,
    version_from,
    viewer,
)
from rectify.oversight.models import (
    AccountabilityCase,
    HeldOrganization,
    HeldPerson,
)
from rectify.oversight.refs import OversightRefs
from rectify.oversight.schemas import (
    CaseIn,
    CaseListOut,
    CaseOut,
    CasePatch,
    CaseTransitionIn,
    HeldOrgIn,
    HeldOrgOut,
    HeldOrgPatch,
    HeldPersonIn,
    HeldPersonOut,
    HeldPersonPatch,
    PublicCaseOut,
)
from rectify.problems.schemas import VERSION_HELP

# --- accountability --------------------------------------------------------------------------


def _held_org(o: HeldOrganization) -> dict[str, Any]:
    return {
        "id": o.pk,
        "name": o.name,
        "org": org_ref(o.org),
        "handling": o.handling,
        "document_number": o.document_number,
        "decision_date": o.decision_date,
        "version": o.version,
    }


def _person(r: queries.PersonRow) -> dict[str, Any]:
    return {
        "id": r.id,
        "case": r.case_id,
        "name": r.name,
        "post": r.post,
        "unit_name": r.unit_name,
        "org": {"code": r.org_code, "name": r.org_name} if r.org_code else None,
        "rank": r.rank,
        "sanction": r.sanction,
        "document_number": r.document_number,
        "decision_date": r.decision_date,
        "effective_date": r.effective_date,
        "version": r.version,
    }


def _case_item(c: AccountabilityCase) -> dict[str, Any]:
    return {
        "id": c.pk,
        "inspection": c.inspection.code,
        "number": c.number,
        "title": c.title,
        "source": c.source,
        "status": c.status,
        "received_date": c.received_date,
        "decision_date": c.decision_date,
        "published": c.published,
        "organizations": c.n_orgs if hasattr(c, "n_orgs") else c.organizations.count(),
        "persons": c.n_persons if hasattr(c, "n_persons") else c.persons.count(),
        "version": c.version,
    }


def _case(user, c: AccountabilityCase) -> dict[str, Any]:
    return {
        **_case_item(c),
        "summary": c.summary,
        "problems": [
            problem_ref(p) for p in c.problems.select_related("inspection").order_by("pk")
        ],
        "held_organizations": [_held_org(o) for o in c.organizations.select_related("org")],
        "held_persons": [_person(r) for r in queries.person_rows(user, c.persons.all())],
        "documents": documents_out(c.documents.all()),
    }


def _case_fields(data: dict, refs: OversightRefs, user) -> dict:
    if "inspection" in data:
        data["inspection"] = refs.inspection("inspection", data["inspection"], user)
    if data.get("problems") is not None:
        data["problems"] = refs.problems("problems", data["problems"], user)
    return data


@router.get(
    "/oversight/cases",
    response={200: list[CaseListOut], **READ_ERRORS},
    summary="Accountability cases in the caller's scope",
)
def list_cases(request: HttpRequest, inspection: str | None = None):
    user = viewer(request)
    qs = queries.visible_cases(user).annotate(
        n_orgs=Count("organizations", distinct=True), n_persons=Count("persons", distinct=True)
    )
    if inspection:
        qs = qs.filter(inspection__code=inspection)
    return [_case_item(c) for c in qs.order_by("inspection__code", "received_date", "number")]


@router.post(
    "/oversight/cases",
    response={201: CaseOut, **WRITE_ERRORS},
    summary="Register an accountability case (office)",
)
def create_case(request: HttpRequest, payload: CaseIn, response: HttpResponse):
    user = manager(request)
    refs = OversightRefs()
    data = _case_fields(payload.dict(), refs, user)
    refs.check()
    case = actions.check_create_case(actor=user, data=data)
    set_etag(response, case.version)
    return Reply(201, _case(user, queries.access_case(user, case.pk)))


@router.get(
    "/oversight/cases/{int:case_id}",
    response={200: CaseOut, **READ_ERRORS},
    summary="A case with its held organisations, officials (names per role) and documents",
)
def get_case(request: HttpRequest, case_id: int, response: HttpResponse):
    user = viewer(request)
    case = queries.access_case(user, case_id)
    set_etag(response, case.version)
    return _case(user, case)


@router.patch(
    "/oversight/cases/{int:case_id}",
    response={200: CaseOut, **WRITE_ERRORS},
    summary="Edit a case (office)",
    description=VERSION_HELP,
)
def update_case(
    request: HttpRequest,
    case_id: int,
    payload: CasePatch,
    response: HttpResponse,
    if_match: str | None = IF_MATCH,
):
    user = manager(request)
    case = queries.access_case(user, case_id)
    changes = payload.dict(exclude_unset=True)
    expected = version_from(changes, if_match)
    if isinstance(expected, Reply):
        return expected
    refs = OversightRefs()
    changes = _case_fields(changes, refs, user)
    refs.check()
    case = actions.check_update_case(case, actor=user, expected_version=expected, changes=changes)
    set_etag(response, case.version)
    return _case(user, queries.access_case(user, case.pk))


@router.post(
    "/oversight/cases/{int:case_id}/transition",
    response={200: CaseOut, **WRITE_ERRORS},
    summary="Move a case: decided (sets the decision date), closed, reopened (office)",
)
def transition_case(request: HttpRequest, case_id: int, payload: CaseTransitionIn):
    user = manager(request)
    case = queries.access_case(user, case_id)
    case = actions.check_transition_case(
        case,
        actor=user,
        to=payload.to,
        effective_date=payload.effective_date,
        reason=payload.reason,
        expected_version=payload.version,
    )
    return _case(user, queries.access_case(user, case.pk))


def _org_fields(data: dict, refs: OversightRefs) -> dict:
    if "org" in data:
        data["org"] = refs.org("org", data["org"])
    return data


@router.post(
    "/oversight/cases/{int:case_id}/organizations",
    response={201: HeldOrgOut, **WRITE_ERRORS},
    summary="Add a party organisation held accountable (office)",
)
def add_held_org(request: HttpRequest, case_id: int, payload: HeldOrgIn):
    user = manager(request)
    case = queries.access_case(user, case_id)
    refs = OversightRefs()
    data = _org_fields(payload.dict(), refs)
    refs.check()
    return Reply(201, _held_org(actions.check_add_held_org(case, actor=user, data=data)))


def _held_org_row(user, pk: int) -> HeldOrganization:
    cases = queries.visible_cases(user).values("pk")
    return queries.get_in(HeldOrganization.objects.filter(case__in=cases), pk)


@router.patch(
    "/oversight/organizations/{int:row_id}",
    response={200: HeldOrgOut, **WRITE_ERRORS},
    summary="Edit a held organisation (office)",
    description=VERSION_HELP,
)
def update_held_org(
    request: HttpRequest, row_id: int, payload: HeldOrgPatch, if_match: str | None = IF_MATCH
):
    user = manager(request)
    row = _held_org_row(user, row_id)
    changes = payload.dict(exclude_unset=True)
    expected = version_from(changes, if_match)
    if isinstance(expected, Reply):
        return expected
    refs = OversightRefs()
    changes = _org_fields(changes, refs)
    refs.check()
    row = actions.check_update_held_org(row, actor=user, expected_version=expected, changes=changes)
    return _held_org(row)


@router.delete(
    "/oversight/organizations/{int:row_id}",
    response={204: None, **WRITE_ERRORS},
    summary="Remove a held organisation entered by mistake (office)",
)
def remove_held_org(
    request: HttpRequest, row_id: int, version: int | None = None, if_match: str | None = IF_MATCH
):
    user = manager(request)
    row = _held_org_row(user, row_id)
    expected = version_from({"version": version}, if_match)
    if isinstance(expected, Reply):
        return expected
    actions.check_remove_held_org(row, actor=user, expected_version=expected)
    return Reply(204, None)


def _person_fields(data: dict, refs: OversightRefs) -> dict:
    if "org" in data:
        data["org"] = refs.org("org", data["org"])
    if "rank" in data:
        data["rank"] = refs.rank("rank", data["rank"])
    if "sanction" in data:
        data["sanction"] = refs.sanction("sanction", data["sanction"])
    return data


def _person_out(user, row: HeldPerson) -> dict[str, Any]:
    return _person(queries.person_rows(user, HeldPerson.objects.filter(pk=row.pk))[0])


@router.post(
    "/oversight/cases/{int:case_id}/persons",
    response={201: HeldPersonOut, **WRITE_ERRORS},
    summary="Record one sanction of one official (one person-time) (office)",
)
def add_held_person(request: HttpRequest, case_id: int, payload: HeldPersonIn):
    user = manager(request)
    case = queries.access_case(user, case_id)
    refs = OversightRefs()
    data = _person_fields(payload.dict(), refs)
    refs.check()
    row = actions.check_add_held_person(case, actor=user, data=data)
    return Reply(201, _person_out(user, row))


def _person_row(user, pk: int) -> HeldPerson:
    cases = queries.visible_cases(user).values("pk")
    return queries.get_in(HeldPerson.objects.filter(case__in=cases), pk)


@router.patch(
    "/oversight/persons/{int:row_id}",
    response={200: HeldPersonOut, **WRITE_ERRORS},
    summary="Edit a held official's row (office)",
    description=VERSION_HELP,
)
def update_held_person(
    request: HttpRequest, row_id: int, payload: HeldPersonPatch, if_match: str | None = IF_MATCH
):
    user = manager(request)
    row = _person_row(user, row_id)
    changes = payload.dict(exclude_unset=True)
    expected = version_from(changes, if_match)
    if isinstance(expected, Reply):
        return expected
    refs = OversightRefs()
    changes = _person_fields(changes, refs)
    refs.check()
    row = actions.check_update_held_person(
        row, actor=user, expected_version=expected, changes=changes
    )
    return _person_out(user, row)


@router.delete(
    "/oversight/persons/{int:row_id}",
    response={204: None, **WRITE_ERRORS},
    summary="Remove a held official's row entered by mistake (office)",
)
def remove_held_person(
    request: HttpRequest, row_id: int, version: int | None = None, if_match: str | None = IF_MATCH
):
    user = manager(request)
    row = _person_row(user, row_id)
    expected = version_from({"version": version}, if_match)
    if isinstance(expected, Reply):
        return expected
    actions.check_remove_held_person(row, actor=user, expected_version=expected)
    return Reply(204, None)


@router.get(
    "/oversight/public/cases",
    auth=None,
    response=list[PublicCaseOut],
    summary="Published typical cases, for the public: counts, never names",
)
def public_cases(request: HttpRequest):
    rows = []
    for case in queries.published_cases().order_by("-decision_date", "number"):
        persons = case.persons.all()
        by_sanction = dict(
            persons.order_by()
            .values_list("sanction__name")
            .annotate(n=Count("id"))
            .values_list("sanction__name", "n")
        )
        rows.append(
            {
                "inspection": case.inspection.code,
                "number": case.number,
                "title": case.title,
                "summary": case.summary,
                "decision_date": case.decision_date,
                "organizations": case.organizations.count(),
                "persons": persons.values("person_key").distinct().count(),
                "by_sanction": by_sanction,
            }
        )
    return rows
