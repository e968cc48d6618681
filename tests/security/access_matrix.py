"""Expected answers of every route and API operation, by caller and object scope.

KINDS says which world object fills each URL kwarg ("=text" is a literal).
"""

KINDS: dict[str, dict[str, str]] = {
    "accounts:token_revoke": {"pk": "token"},
    "users:user_edit": {"pk": "user"},
    "users:user_unlock": {"pk": "user"},
    "audit:detail": {"seq": "audit"},
    "orgs:detail": {"code": "org"},
    "problems:detail": {"pk": "problem"},
    "problems:edit": {"pk": "problem"},
    "problems:event_create": {"pk": "problem"},
    "ledger_watch:extension_decide": {"pk": "extension"},
    "ledger_watch:extension_new": {"pk": "problem"},
    "ledger_evidence:list": {"pk": "problem"},
    "ledger_evidence:upload": {"pk": "problem"},
    "ledger_evidence:download": {"pk": "evidence"},
    "ledger_evidence:image": {"pk": "evidence"},
    "ledger_evidence:remove": {"pk": "evidence"},
    "signoff:apply": {"pk": "problem"},
    "signoff:detail": {"pk": "application"},
    "signoff:step": {"pk": "application"},
    "signoff:notice": {"pk": "application"},
    "signoff:notice_docx": {"pk": "application"},
    "signoff:calendar_day_edit": {"pk": "calendar_day"},
    "signoff:calendar_day_save": {"pk": "calendar_day"},
    "signoff:calendar_day_delete": {"pk": "calendar_day"},
    "dispatch:period": {"pk": "period"},
    "dispatch:period_close": {"pk": "period"},
    "dispatch:write": {"period_pk": "period", "problem_pk": "problem"},
    "dispatch:report": {"pk": "report"},
    "dispatch:review": {"pk": "report"},
    "dispatch:notification_open": {"pk": "notification"},
    "complaints_pub:detail": {"pk": "publication"},
    "complaints_pub:withdraw": {"pk": "publication"},
    "complaints_pub:xlsx": {"pk": "publication"},
    "complaints_pub:docx": {"pk": "publication"},
    "oversight:org_remove": {"pk": "held_org"},
    "oversight:person_remove": {"pk": "held_person"},
    "oversight:finding_convert": {"pk": "finding"},
    "oversight:meeting_edit": {"pk": "meeting"},
    "oversight:team_unlist_problem": {"pk": "team", "problem_pk": "problem"},
    "oversight:upload": {"owner": "=case", "pk": "case"},
    "oversight:document": {"pk": "document"},
    "reports:download": {"pk": "disclosure", "fmt": "=docx"},
    "portal:notice": {"pk": "application"},
    "portal:notice_docx": {"pk": "application"},
    "portal:object": {"pk": "application"},
    "portal:complaint_publication": {"pk": "publication"},
    "portal:complaint_xlsx": {"pk": "publication"},
    "portal:complaint_docx": {"pk": "publication"},
    "portal:complaint_csv": {"pk": "publication"},
    "portal:complaint_json": {"pk": "publication"},
    "portal:disclosure": {"pk": "disclosure"},
    "portal:disclosure_json": {"pk": "disclosure"},
    "portal:disclosure_docx": {"pk": "disclosure"},
    "portal:problems": {"code": "inspection"},
    "portal:problem": {"pk": "problem"},
    "portal:opendata_problems_csv": {"code": "inspection"},
    "portal:opendata_problems_json": {"code": "inspection"},
}
# Whole apps whose `pk` is always one kind of object.
PREFIX_KINDS = {
    "complaints:": "complaint",
    "oversight:case": "case",
    "oversight:action": "action",
    "oversight:team": "team",
    "oversight:letter": "letter",
    "reports:": "disclosure",
}
API_KINDS = {
    "problem_id": "problem",
    "extension_id": "extension",
    "application_id": "application",
    "period_id": "period",
    "report_id": "report",
    "complaint_id": "complaint",
    "batch_id": "batch",
    "case_id": "case",
    "meeting_id": "meeting",
    "letter_id": "letter",
    "action_id": "action",
    "finding_id": "finding",
    "team_id": "team",
    "disclosure_id": "disclosure",
}


def kinds_for(name: str, kwargs: list[str]) -> dict[str, str]:
    out = dict(KINDS.get(name, {}))
    for kw in kwargs:
        if kw not in out:
            for prefix, kind in PREFIX_KINDS.items():
                if name.startswith(prefix):
                    out[kw] = kind
                    break
    return out


def api_kinds(method: str, path: str) -> dict[str, str]:
    out = dict(API_KINDS)
    out["code"] = "org" if path.startswith("/api/v1/orgs") else "inspection"
    out["row_id"] = "held_org" if "/organizations/" in path else "held_person"
    return out


# ---------------------------------------------------------------------------------------
# Who sees what (see tests/security/world.py for the world and rectify.core.testing).

OFFICE = frozenset({"office_clerk"})
READ_ALL = frozenset({"office_clerk", "leader"})
UNITS = frozenset({"zunyi_clerk", "guiyang_outsider", "dept_clerk"})
BUSINESS = READ_ALL | UNITS | {"zunyi_reviewer", "team_member"}
SIGNED_IN = BUSINESS | {"sysadmin", "auditor"}
SCOPE = {
    "office_clerk": {"zy", "gy"},
    "leader": {"zy", "gy"},
    "zunyi_clerk": {"zy"},
    "zunyi_reviewer": {"zy"},
    "team_member": {"zy"},
    "guiyang_outsider": {"gy"},
}
LOGIN = "302L"  # a redirect to the login page


def sees(caller: str, region: str) -> bool:
    return region in SCOPE.get(caller, set())


def rule(ok="200", *, who=BUSINESS, scoped=True, denied="403", out="404", sys="404", anon=LOGIN):
    """Business page: `who` gets `ok` on objects in scope, other business roles `denied`;
    an object outside the caller's scope is `out` (404: same as missing); sysadmin and
    auditor, who hold no business data, get `sys`; the public is sent to the login."""

    def expect(caller: str, region: str) -> str:
        if caller == "anonymous":
            return anon
        if caller in ("sysadmin", "auditor") and caller not in who:
            return sys
        if scoped and not sees(caller, region):
            return out
        return ok if caller in who else denied

    return expect


def const(status: str, anon: str = LOGIN):
    """Same answer for every signed-in caller."""
    return lambda caller, region: anon if caller == "anonymous" else status


def only(role: str, ok="200", other="404", anon=LOGIN):
    """A page of one role alone (三权分立: users for the sysadmin, the log for the auditor)."""
    return lambda c, r: anon if c == "anonymous" else (ok if c == role else other)


def owner(ok: str, owners: dict[str, str], other="404"):
    """An object that belongs to one user (a notification)."""
    return lambda c, r: LOGIN if c == "anonymous" else (ok if owners.get(r) == c else other)


PUBLIC = const("200", anon="200")
NOT_ALLOWED = const("405")  # a POST-only route asked with GET
SCOPED_READ = rule()
LIST = rule(scoped=False)
OFFICE_FORM = rule(who=OFFICE, scoped=False)
OFFICE_OBJECT_FORM = rule(who=OFFICE)


def unit_or_office(ok="200", **kw):
    return rule(ok, who=OFFICE | UNITS, **kw)


def publish_rule(c, r):
    if c == "anonymous":
        return LOGIN
    return {"office_clerk": "422", "leader": "403"}.get(c, "404")


# route name -> {"GET": rule, "POST": rule}. POST is sent with an empty body, in a
# rolled-back savepoint; a caller refused a write must also leave no audit row.
ROUTES: dict[str, dict] = {
    "home": {"GET": const("200", anon="302")},
    "core:health": {"GET": PUBLIC},
    "accounts:login": {"GET": const("302", anon="200")},
    "accounts:logout": {"GET": const("405", anon="405"), "POST": const(LOGIN, anon=LOGIN)},
    "accounts:two_factor": {"GET": const("200")},
    "accounts:profile": {"GET": const("200")},
    "accounts:token_create": {"GET": NOT_ALLOWED, "POST": const("302")},
    # The token belongs to the office clerk: everybody else gets 404 and changes nothing.
    "accounts:token_revoke": {"GET": NOT_ALLOWED, "POST": only("office_clerk", "302")},
    "accounts:password_change": {"GET": const("200")},
    "users:user_list": {"GET": only("sysadmin"), "POST": only("sysadmin")},
    "users:user_create": {"GET": only("sysadmin"), "POST": only("sysadmin")},
    "users:user_edit": {"GET": only("sysadmin"), "POST": only("sysadmin")},
    "users:user_unlock": {"GET": NOT_ALLOWED, "POST": only("sysadmin", "302")},
    "audit:list": {"GET": only("auditor"), "POST": only("auditor")},
    "audit:verify": {"GET": only("auditor")},
    "audit:detail": {"GET": only("auditor")},
    "orgs:list": {"GET": LIST},
    "orgs:detail": {"GET": SCOPED_READ},
    "problems:list": {"GET": LIST},
    "problems:create": {"GET": OFFICE_FORM, "POST": OFFICE_FORM},
    "problems:detail": {"GET": SCOPED_READ},
    "problems:edit": {"GET": OFFICE_OBJECT_FORM, "POST": OFFICE_OBJECT_FORM},
    "problems:event_create": {"GET": unit_or_office(), "POST": unit_or_office()},
    "problems:inspections": {"GET": LIST},
    "problems:inspection_create": {"GET": OFFICE_FORM, "POST": OFFICE_FORM},
    "ledger_excel:upload": {
        "GET": rule(who=OFFICE, scoped=False, denied="404"),
        "POST": rule("400", who=OFFICE, scoped=False, denied="404"),
    },
    "ledger_excel:export": {"GET": LIST},
    "ledger_watch:warnings": {"GET": LIST},
    "ledger_watch:escalations": {"GET": rule(who=READ_ALL, scoped=False, denied="404")},
    "ledger_watch:extensions": {"GET": LIST},
    # The decision form redirects back with its error; the action refuses (no audit row).
    "ledger_watch:extension_decide": {"GET": NOT_ALLOWED, "POST": rule("302")},
    "ledger_watch:extension_new": {
        "GET": unit_or_office(denied="404"),
        "POST": unit_or_office(denied="404"),
    },
    "ledger_watch:quality": {"GET": LIST},
    "ledger_evidence:list": {"GET": SCOPED_READ},
    "ledger_evidence:upload": {"GET": unit_or_office(), "POST": unit_or_office()},
    "ledger_evidence:download": {"GET": SCOPED_READ},
    "ledger_evidence:image": {"GET": SCOPED_READ},
    "ledger_evidence:remove": {"GET": OFFICE_OBJECT_FORM, "POST": OFFICE_OBJECT_FORM},
    "signoff:inbox": {"GET": LIST},
    "signoff:apply": {"GET": unit_or_office(), "POST": unit_or_office("400")},
    "signoff:detail": {"GET": SCOPED_READ},
    # Without a step kind no step exists: 404 for all (the step table is tested in
    # tests/signoff/test_transition_matrix.py, own applications included).
    "signoff:step": {"GET": NOT_ALLOWED, "POST": const("404")},
    # The world's applications are under review, not on notice: no notice to show.
    "signoff:notice": {"GET": const("404")},
    "signoff:notice_docx": {"GET": const("404")},
    "signoff:calendar": {"GET": OFFICE_FORM},
    "signoff:calendar_day_add": {"GET": NOT_ALLOWED, "POST": rule("400", who=OFFICE, scoped=False)},
    "signoff:calendar_day_edit": {"GET": OFFICE_FORM, "POST": OFFICE_FORM},
    "signoff:calendar_day_save": {
        "GET": NOT_ALLOWED,
        "POST": rule("400", who=OFFICE, scoped=False),
    },
    "signoff:calendar_day_delete": {
        "GET": NOT_ALLOWED,
        "POST": rule("302", who=OFFICE, scoped=False),
    },
    "signoff:calendar_year": {"GET": NOT_ALLOWED, "POST": rule("400", who=OFFICE, scoped=False)},
    "dispatch:periods": {"GET": LIST, "POST": rule("400", who=OFFICE, scoped=False)},
    "dispatch:period": {"GET": LIST},
    "dispatch:period_close": {"GET": NOT_ALLOWED, "POST": rule("302", who=OFFICE, scoped=False)},
    "dispatch:my_reports": {"GET": rule(who=OFFICE | UNITS, scoped=False)},
    "dispatch:write": {"GET": unit_or_office("302"), "POST": unit_or_office("400")},
    "dispatch:report": {"GET": SCOPED_READ},
    # An empty review form is refused before the reviewer check (400); the action decides.
    "dispatch:review": {"GET": NOT_ALLOWED, "POST": rule("400")},
    "dispatch:reviews": {"GET": LIST},
    "dispatch:quarterly": {"GET": rule(who=READ_ALL, scoped=False)},
    "dispatch:quarterly_docx": {"GET": rule(who=READ_ALL, scoped=False)},
    "dispatch:notifications": {"GET": const("200")},
    "dispatch:notifications_read": {"GET": NOT_ALLOWED, "POST": const("302")},
    "dispatch:notification_open": {
        "GET": NOT_ALLOWED,
        "POST": owner("302", {"zy": "zunyi_clerk", "gy": "guiyang_outsider"}),
    },
    "dispatch:bell": {"GET": const("200")},
    "complaints_import:upload": {
        "GET": rule(who=OFFICE, scoped=False, sys="403"),
        "POST": rule("400", who=OFFICE, scoped=False, sys="403"),
    },
    "complaints_import:export": {"GET": rule(scoped=False, sys="403")},
    # Publications hold the handling of every complaint: office and leaders only.
    "complaints_pub:list": {"GET": rule(who=READ_ALL, scoped=False, denied="404")},
    "complaints_pub:preview": {"GET": rule("400", who=READ_ALL, scoped=False, denied="404")},
    "complaints_pub:publish": {"GET": NOT_ALLOWED, "POST": publish_rule},
    "complaints_pub:detail": {"GET": rule(who=READ_ALL, scoped=False, denied="404")},
    # The leader's empty form fails validation (422); the action refuses a valid one.
    "complaints_pub:withdraw": {
        "GET": NOT_ALLOWED,
        "POST": rule("422", who=READ_ALL, scoped=False, denied="404"),
    },
    "complaints_pub:xlsx": {"GET": rule(who=READ_ALL, scoped=False, denied="404")},
    "complaints_pub:docx": {"GET": rule(who=READ_ALL, scoped=False, denied="404")},
    "complaints:list": {"GET": LIST},
    "complaints:mine": {"GET": rule(who=OFFICE | UNITS, scoped=False)},
    "complaints:batches": {"GET": LIST, "POST": rule("400", who=OFFICE, scoped=False)},
    "complaints:batch_assign": {"GET": NOT_ALLOWED, "POST": rule("400", who=OFFICE, scoped=False)},
    "complaints:stats": {"GET": LIST},
    "complaints:detail": {"GET": SCOPED_READ},
    "complaints:assign": {"GET": NOT_ALLOWED, "POST": rule("400", who=OFFICE)},
    "complaints:result": {"GET": NOT_ALLOWED, "POST": unit_or_office("400")},
    "complaints:close": {"GET": NOT_ALLOWED, "POST": unit_or_office("400")},
    "complaints:return": {"GET": NOT_ALLOWED, "POST": rule("400", who=OFFICE)},
    "complaints:edit": {"GET": NOT_ALLOWED, "POST": rule("400", who=OFFICE)},
    "complaints:repeat": {"GET": NOT_ALLOWED, "POST": rule("400", who=OFFICE)},
    "complaints:not_repeat": {"GET": NOT_ALLOWED, "POST": rule("400", who=OFFICE)},
    "complaints:problem": {"GET": NOT_ALLOWED, "POST": rule("400", who=OFFICE)},
    "complaints:reveal": {"GET": NOT_ALLOWED, "POST": rule("400", who=OFFICE)},
    "oversight:home": {"GET": LIST},
    "oversight:cases": {"GET": LIST},
    "oversight:case_create": {"GET": OFFICE_FORM, "POST": OFFICE_FORM},
    "oversight:case": {"GET": SCOPED_READ},
    "oversight:case_edit": {"GET": OFFICE_OBJECT_FORM, "POST": OFFICE_OBJECT_FORM},
    "oversight:case_transition": {"GET": NOT_ALLOWED, "POST": rule("400", who=OFFICE)},
    "oversight:case_add_org": {"GET": NOT_ALLOWED, "POST": OFFICE_OBJECT_FORM},
    "oversight:case_add_person": {"GET": NOT_ALLOWED, "POST": OFFICE_OBJECT_FORM},
    "oversight:org_remove": {"GET": NOT_ALLOWED, "POST": rule("302", who=OFFICE)},
    "oversight:person_remove": {"GET": NOT_ALLOWED, "POST": rule("302", who=OFFICE)},
    "oversight:actions": {"GET": LIST},
    "oversight:action_create": {"GET": OFFICE_FORM, "POST": OFFICE_FORM},
    "oversight:action": {"GET": SCOPED_READ},
    "oversight:action_edit": {"GET": OFFICE_OBJECT_FORM, "POST": OFFICE_OBJECT_FORM},
    "oversight:action_add_finding": {"GET": NOT_ALLOWED, "POST": OFFICE_OBJECT_FORM},
    "oversight:finding_convert": {"GET": OFFICE_OBJECT_FORM, "POST": OFFICE_OBJECT_FORM},
    "oversight:meetings": {"GET": LIST, "POST": OFFICE_FORM},
    "oversight:meeting_edit": {"GET": OFFICE_FORM, "POST": OFFICE_FORM},
    "oversight:teams": {"GET": LIST},
    "oversight:team_create": {"GET": OFFICE_FORM, "POST": OFFICE_FORM},
    "oversight:team": {"GET": SCOPED_READ},
    "oversight:team_edit": {"GET": OFFICE_OBJECT_FORM, "POST": OFFICE_OBJECT_FORM},
    "oversight:team_list_problem": {"GET": NOT_ALLOWED, "POST": rule("400", who=OFFICE)},
    "oversight:team_unlist_problem": {"GET": NOT_ALLOWED, "POST": rule("302", who=OFFICE)},
    # Only the office and the team's own member record visits (the member is in team zy).
    "oversight:team_visit": {
        "GET": rule("302", who=OFFICE | {"team_member"}),
        "POST": rule("400", who=OFFICE | {"team_member"}),
    },
    "oversight:letters": {"GET": LIST},
    "oversight:letter_create": {"GET": OFFICE_FORM, "POST": OFFICE_FORM},
    "oversight:letter": {"GET": SCOPED_READ},
    "oversight:letter_edit": {"GET": OFFICE_OBJECT_FORM, "POST": OFFICE_OBJECT_FORM},
    "oversight:upload": {"GET": NOT_ALLOWED, "POST": rule("302", who=OFFICE)},
    "oversight:document": {"GET": SCOPED_READ},
    "oversight:excel": {"GET": LIST, "POST": rule("400", who=OFFICE, scoped=False)},
    # Asked with ?inspection= (QUERY below); names only for office and leader (crawl test).
    "oversight:export_persons": {"GET": LIST},
    "oversight:export_actions": {"GET": LIST},
    "reports:list": {"GET": LIST, "POST": rule("400", who=OFFICE, scoped=False)},
    # A draft disclosure is the office's until published.
    "reports:detail": {"GET": rule(who=OFFICE, scoped=False, denied="404")},
    "reports:narrative": {"GET": NOT_ALLOWED, "POST": rule("302", who=OFFICE, denied="404")},
    "reports:publish": {"GET": NOT_ALLOWED, "POST": rule("302", who=OFFICE, denied="404")},
    "reports:withdraw": {"GET": NOT_ALLOWED, "POST": rule("302", who=OFFICE, denied="404")},
    "reports:compare": {"GET": const("404")},  # nothing earlier to compare the draft with
    "reports:download": {"GET": rule(who=OFFICE, scoped=False, denied="404")},
    "dashboard:index": {"GET": LIST},
    "portal:home": {"GET": PUBLIC},
    "portal:notices": {"GET": PUBLIC},
    "portal:notice": {"GET": const("404", anon="404")},
    "portal:notice_docx": {"GET": const("404", anon="404")},
    "portal:object": {"GET": const("404", anon="404"), "POST": const("404", anon="404")},
    "portal:complaint_publications": {"GET": PUBLIC},
    "portal:complaint_publication": {"GET": PUBLIC},
    "portal:complaint_xlsx": {"GET": PUBLIC},
    "portal:complaint_docx": {"GET": PUBLIC},
    "portal:complaint_csv": {"GET": PUBLIC},
    "portal:complaint_json": {"GET": PUBLIC},
    "portal:disclosures": {"GET": PUBLIC},
    # The draft disclosure is not on the portal.
    "portal:disclosure": {"GET": const("404", anon="404")},
    "portal:disclosure_json": {"GET": const("404", anon="404")},
    "portal:disclosure_docx": {"GET": const("404", anon="404")},
    "portal:inspections": {"GET": PUBLIC},
    "portal:problems": {"GET": PUBLIC},
    "portal:problem": {"GET": PUBLIC},
    "portal:opendata": {"GET": PUBLIC},
    "portal:opendata_problems_csv": {"GET": PUBLIC},
    "portal:opendata_problems_json": {"GET": PUBLIC},
    "portal:opendata_disclosures_csv": {"GET": PUBLIC},
    "portal:opendata_disclosures_json": {"GET": PUBLIC},
    "portal:opendata_complaints_csv": {"GET": PUBLIC},
    "portal:opendata_complaints_json": {"GET": PUBLIC},
    "set_language": {"GET": const("302", anon="302")},
    "javascript-catalog": {"GET": PUBLIC},
}

# ---------------------------------------------------------------------------------------
# The API: anonymous callers get 401. A write sent with an empty JSON body is refused by
# its schema (422) before anything is looked up, for every caller, and writes nothing;
# a PATCH without If-Match is refused (428 for the office, 403 for those who may not
# write at all). Role × scope of API writes with real bodies: tests/*/test_api*.py.
UNAUTH = "401"
API_LIST = rule(scoped=False, sys="403", anon=UNAUTH)
API_READ = rule(sys="403", anon=UNAUTH)
API_EVERYONE = const("200", anon=UNAUTH)  # answers hold only what the caller may see
API_SCHEMA = const("422", anon=UNAUTH)
API_PATCH = lambda c, r: UNAUTH if c == "anonymous" else ("428" if c == "office_clerk" else "403")  # noqa: E731

API: dict[str, object] = {
    "GET /api/v1/me": API_EVERYONE,
    "GET /api/v1/orgs": API_EVERYONE,
    "GET /api/v1/orgs/{code}": rule(anon=UNAUTH),
    "GET /api/v1/ping": const("200", anon="200"),
    "GET /api/v1/inspections": API_EVERYONE,
    "POST /api/v1/inspections": API_SCHEMA,
    # Inspections are province-wide; a department outside every target region gets 404.
    "GET /api/v1/inspections/{code}": lambda c, r: (
        UNAUTH
        if c == "anonymous"
        else ("404" if c in ("dept_clerk", "sysadmin", "auditor") else "200")
    ),
    "GET /api/v1/problems": API_EVERYONE,
    "POST /api/v1/problems": API_SCHEMA,
    "GET /api/v1/problems/{problem_id}": rule(anon=UNAUTH),
    "PATCH /api/v1/problems/{problem_id}": API_PATCH,
    "POST /api/v1/problems/{problem_id}/events": API_SCHEMA,
    "POST /api/v1/problems/{problem_id}/extensions": API_SCHEMA,
    "POST /api/v1/extensions/{extension_id}/decision": API_SCHEMA,
    "GET /api/v1/signoff/applications": API_EVERYONE,
    "GET /api/v1/signoff/applications/{application_id}": rule(anon=UNAUTH),
    "POST /api/v1/problems/{problem_id}/signoff": API_SCHEMA,
    "POST /api/v1/signoff/applications/{application_id}/steps": API_SCHEMA,
    "GET /api/v1/dispatch/periods": API_LIST,
    "POST /api/v1/dispatch/periods": API_SCHEMA,
    "GET /api/v1/dispatch/periods/{period_id}/status": API_LIST,
    "GET /api/v1/dispatch/my-reports": rule(
        who=OFFICE | UNITS, scoped=False, sys="403", anon=UNAUTH
    ),
    "POST /api/v1/problems/{problem_id}/reports": API_SCHEMA,
    "GET /api/v1/reports/{report_id}": API_READ,
    "POST /api/v1/reports/{report_id}/review": API_SCHEMA,
    "GET /api/v1/complaints": API_LIST,
    "GET /api/v1/complaints/stats": API_LIST,
    "GET /api/v1/complaints/{complaint_id}": API_READ,
    "GET /api/v1/complaint-batches": API_LIST,
    "POST /api/v1/complaint-batches": API_SCHEMA,
    "POST /api/v1/complaint-batches/{batch_id}/complaints": API_SCHEMA,
    "POST /api/v1/complaint-batches/{batch_id}/assign-all": API_SCHEMA,
    "POST /api/v1/complaints/{complaint_id}/transition": API_SCHEMA,
    "POST /api/v1/complaints/{complaint_id}/results": API_SCHEMA,
    "POST /api/v1/complaints/{complaint_id}/repeat": API_SCHEMA,
    "POST /api/v1/complaints/{complaint_id}/not-repeat": API_SCHEMA,
    "POST /api/v1/complaints/{complaint_id}/problem": API_SCHEMA,
    "POST /api/v1/complaints/{complaint_id}/reveal": API_SCHEMA,
    "GET /api/v1/oversight/reference": API_LIST,
    # Province-wide aggregates: the office and leaders.
    "GET /api/v1/oversight/figures": rule(who=READ_ALL, scoped=False, sys="403", anon=UNAUTH),
    "GET /api/v1/oversight/cases": API_LIST,
    "POST /api/v1/oversight/cases": API_SCHEMA,
    "GET /api/v1/oversight/cases/{case_id}": API_READ,
    "PATCH /api/v1/oversight/cases/{case_id}": API_PATCH,
    "POST /api/v1/oversight/cases/{case_id}/transition": API_SCHEMA,
    "POST /api/v1/oversight/cases/{case_id}/organizations": API_SCHEMA,
    "PATCH /api/v1/oversight/organizations/{row_id}": API_PATCH,
    "DELETE /api/v1/oversight/organizations/{row_id}": API_PATCH,
    "POST /api/v1/oversight/cases/{case_id}/persons": API_SCHEMA,
    "PATCH /api/v1/oversight/persons/{row_id}": API_PATCH,
    "DELETE /api/v1/oversight/persons/{row_id}": API_PATCH,
    "GET /api/v1/oversight/public/cases": const("200", anon="200"),
    "GET /api/v1/oversight/meetings": API_LIST,
    "POST /api/v1/oversight/meetings": API_SCHEMA,
    "PATCH /api/v1/oversight/meetings/{meeting_id}": API_PATCH,
    "GET /api/v1/oversight/letters": API_LIST,
    "POST /api/v1/oversight/letters": API_SCHEMA,
    "PATCH /api/v1/oversight/letters/{letter_id}": API_PATCH,
    "GET /api/v1/oversight/actions": API_LIST,
    "POST /api/v1/oversight/actions": API_SCHEMA,
    "GET /api/v1/oversight/actions/{action_id}": API_READ,
    "PATCH /api/v1/oversight/actions/{action_id}": API_PATCH,
    "POST /api/v1/oversight/actions/{action_id}/findings": API_SCHEMA,
    "POST /api/v1/oversight/findings/{finding_id}/convert": API_SCHEMA,
    "GET /api/v1/oversight/proposals": lambda c, r: (
        UNAUTH if c == "anonymous" else ("200" if c == "office_clerk" else "403")
    ),
    "GET /api/v1/oversight/teams": API_LIST,
    "POST /api/v1/oversight/teams": API_SCHEMA,
    "GET /api/v1/oversight/teams/{team_id}": API_READ,
    "PATCH /api/v1/oversight/teams/{team_id}": API_PATCH,
    "POST /api/v1/oversight/teams/{team_id}/problems": API_SCHEMA,
    "DELETE /api/v1/oversight/teams/{team_id}/problems/{problem_id}": lambda c, r: (
        UNAUTH if c == "anonymous" else ("204" if c == "office_clerk" else "403")
    ),
    "POST /api/v1/oversight/teams/{team_id}/visits": API_SCHEMA,
    # Computed now, it needs an inspection the caller sees (not a department outside it).
    "GET /api/v1/reports/disclosure": lambda c, r: (
        UNAUTH
        if c == "anonymous"
        else {"dept_clerk": "404", "sysadmin": "403", "auditor": "403"}.get(c, "200")
    ),
    "GET /api/v1/reports/disclosures": API_LIST,
    "POST /api/v1/reports/disclosures": API_SCHEMA,
    "GET /api/v1/reports/disclosures/{disclosure_id}": rule(
        who=OFFICE, scoped=False, denied="404", sys="403", anon=UNAUTH
    ),
    "POST /api/v1/reports/disclosures/{disclosure_id}/narratives": API_SCHEMA,
    "POST /api/v1/reports/disclosures/{disclosure_id}/publish": API_SCHEMA,
    "POST /api/v1/reports/disclosures/{disclosure_id}/withdraw": API_SCHEMA,
    "GET /api/v1/reports/disclosures/{disclosure_id}/compare": rule(
        "422", who=OFFICE, scoped=False, denied="404", sys="403", anon=UNAUTH
    ),
    "GET /api/v1/dashboard": API_LIST,
}

# Requests that may write (an audit row) even with an empty body, and who may send them;
# every other request of the matrix must leave the audit log as it was.
MAY_WRITE: dict[str, set[str]] = {
    "accounts:token_revoke": {"office_clerk"},  # its own token
    "users:user_unlock": {"sysadmin"},
    "dispatch:notifications_read": {"zunyi_clerk", "guiyang_outsider"},  # their own
    "dispatch:notification_open": {"zunyi_clerk", "guiyang_outsider"},
    "signoff:calendar_day_delete": {"office_clerk"},
    "oversight:org_remove": {"office_clerk"},
    "oversight:person_remove": {"office_clerk"},
    "oversight:team_unlist_problem": {"office_clerk"},
    "DELETE /api/v1/oversight/teams/{team_id}/problems/{problem_id}": {"office_clerk"},
}
# Public answers: the problem titles of every region may appear there.
PUBLIC_PREFIXES = ("portal:", "GET /api/v1/oversight/public/")


# Writes sent with a valid body: only these (caller, region) pairs may write an audit row;
# everybody else is refused and writes nothing. The allowed caller's write proves the body
# is valid, so a refusal elsewhere is the permission check, not the form.
def _in_scope(*callers):
    return lambda c, r: c in callers and sees(c, r)


VALID_WRITES: dict[str, tuple] = {
    "ledger_watch:extension_decide": (
        "POST",
        lambda ids, r: {"to": "approved", "note": "同意延期"},
        _in_scope("office_clerk"),
    ),
    "dispatch:review": (
        "POST",
        lambda ids, r: {
            "decision": "accept",
            "opinion": "报告属实。",
            "version": ids[("report_version", r)],
        },
        _in_scope("office_clerk", "zunyi_reviewer"),
    ),
    "complaints:reveal": (
        "POST",
        lambda ids, r: {"reason": "回访核实办理结果"},
        _in_scope("office_clerk"),
    ),
    "complaints_pub:withdraw": (
        "POST",
        lambda ids, r: {"reason": "数据有误需要更正"},
        _in_scope("office_clerk"),
    ),
    "POST /api/v1/complaints/{complaint_id}/reveal": (
        "POST",
        lambda ids, r: {"reason": "回访核实办理结果"},
        _in_scope("office_clerk"),
    ),
    "POST /api/v1/extensions/{extension_id}/decision": (
        "POST",
        lambda ids, r: {"decision": "approve", "note": "同意延期"},
        _in_scope("office_clerk"),
    ),
}

# Query strings some routes need to answer at all (the matrix asks them with it).
QUERY = {
    "oversight:export_persons": "inspection=central-matrix",
    "oversight:export_actions": "inspection=central-matrix",
    "GET /api/v1/oversight/figures": "inspection=central-matrix",
    "GET /api/v1/reports/disclosure": "inspection=central-matrix&as_of=2026-01-01",
}
