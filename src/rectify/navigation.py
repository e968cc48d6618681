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
    NavItem("orgs:list", _("Organisations"), Cap.VIEW_ORG_DIRECTORY),
    NavItem("users:user_list", _("Accounts"), Cap.MANAGE_USERS),
    NavItem("audit:list", _("Audit log"), Cap.READ_AUDIT),
]


def menu_for(user) -> list[NavItem]:
    return [item for item in MENU if item.cap is None or has_cap(user, item.cap)]
