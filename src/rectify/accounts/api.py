from django.http import HttpRequest
from ninja import Router, Schema

from rectify.accounts.roles import ROLE_CAPS

router = Router(tags=["accounts"])


class MeOut(Schema):
    username: str
    display_name: str
    role: str
    role_label: str
    org_code: str
    org_name: str
    capabilities: list[str]


@router.get("/me", response=MeOut, summary="The authenticated user")
def me(request: HttpRequest):
    user = request.auth
    return {
        "username": user.username,
        "display_name": user.display_name,
        "role": user.role,
        "role_label": str(user.get_role_display()),
        "org_code": user.org.code,
        "org_name": user.org.name,
        "capabilities": sorted(ROLE_CAPS.get(user.role, ())),
    }
