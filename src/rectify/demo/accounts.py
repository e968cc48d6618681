"""Demo accounts: one per role, on real orgs of the Guizhou tree."""

from dataclasses import dataclass

from django.db import transaction

from rectify.accounts.models import ScopeGrant, User
from rectify.accounts.roles import Role
from rectify.core import audit
from rectify.orgs.models import Org

DEMO_PASSWORD = "Rectify-Demo-2026"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    display_name: str
    org_code: str
    role: str
    grants: tuple[str, ...] = ()


DEMO_ACCOUNTS = [
    DemoAccount("office", "王芳（省督察办）", "520000", Role.OFFICE),
    DemoAccount("sysadmin", "李强（系统管理员）", "520000", Role.SYSADMIN),
    DemoAccount("auditor", "陈静（审计管理员）", "520000", Role.AUDITOR),
    DemoAccount("leader", "张明（省领导）", "520000", Role.LEADER),
    DemoAccount("zunyi", "刘洋（遵义市督察办）", "520300", Role.UNIT),
    DemoAccount("bozhou", "赵磊（播州区）", "520304", Role.UNIT),
    DemoAccount("guiyang", "孙丽（贵阳市督察办）", "520100", Role.UNIT),
    DemoAccount("sthjt", "周涛（省生态环境厅）", "520000-STHJT", Role.UNIT),
    DemoAccount("reviewer", "吴敏（遵义市验收组）", "520300", Role.REVIEWER),
    DemoAccount("huichuan_reviewer", "罗刚（汇川区验收组）", "520303", Role.REVIEWER),
    DemoAccount("bozhou_reviewer", "何平（播州区验收组）", "520304", Role.REVIEWER),
    DemoAccount("team", "郑伟（第三督战队）", "520000-STHJT", Role.TEAM, ("520300",)),
]


@transaction.atomic
def ensure_demo_accounts() -> list[DemoAccount]:
    """Create the demo accounts that do not exist yet; existing ones are left alone."""
    created = []
    for spec in DEMO_ACCOUNTS:
        if User.objects.filter(username=spec.username).exists():
            continue
        user = User(
            username=spec.username,
            display_name=spec.display_name,
            org=Org.objects.get(code=spec.org_code),
            role=spec.role,
            email=f"{spec.username}@rectify.example",
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
        for code in spec.grants:
            ScopeGrant.objects.create(
                user=user, org=Org.objects.get(code=code), reason="督战队挂牌督战"
            )
        audit.record("demo.create_user", actor="demo", obj=user, after={"role": spec.role})
        created.append(spec)
    return created
