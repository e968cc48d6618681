"""The main menu: each entry shows for users whose role grants its capability."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from rectify.accounts.roles import Cap, has_cap


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: str
    cap: Cap | None  # None: every signed-in user


MENU = [
    NavItem("home", _("Overview"), None),
    NavItem("dashboard:index", _("Dashboard"), Cap.VIEW_BUSINESS),
    NavItem("problems:list", _("Ledger"), Cap.VIEW_BUSINESS),
    NavItem("problems:inspections", _("Inspections"), Cap.VIEW_BUSINESS),
    NavItem("dispatch:periods", _("Monthly dispatch"), Cap.VIEW_BUSINESS),
    NavItem("reports:list", _("Disclosures"), Cap.VIEW_BUSINESS),
    NavItem("ledger_watch:warnings", _("Warnings"), Cap.VIEW_BUSINESS),
    NavItem("complaints:list", _("Public complaints"), Cap.VIEW_BUSINESS),
    NavItem("complaints:mine", _("Complaints to handle"), Cap.HANDLE_COMPLAINTS),
    NavItem("complaints_pub:list", _("Handling publications"), Cap.MANAGE_COMPLAINTS),
    NavItem("oversight:home", _("Oversight"), Cap.VIEW_BUSINESS),
    NavItem("ledger_watch:extensions", _("Extensions"), Cap.VIEW_BUSINESS),
    NavItem("signoff:inbox", _("Acceptance and sign-off"), Cap.VIEW_BUSINESS),
    NavItem("ledger_watch:quality", _("Data quality"), Cap.VIEW_BUSINESS),
    NavItem("ledger_excel:upload", _("Import ledger"), Cap.EDIT_LEDGER),
    NavItem("complaints_import:upload", _("Import complaints"), Cap.MANAGE_COMPLAINTS),
    NavItem("signoff:calendar", _("Working-day calendar"), Cap.RECORD_EVENTS),
    NavItem("orgs:list", _("Organisations"), Cap.VIEW_ORG_DIRECTORY),
    NavItem("users:user_list", _("Accounts"), Cap.MANAGE_USERS),
    NavItem("audit:list", _("Audit log"), Cap.READ_AUDIT),
]


def menu_for(user) -> list[NavItem]:
    return [item for item in MENU if item.cap is None or has_cap(user, item.cap)]
