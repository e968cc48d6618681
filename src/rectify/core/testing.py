"""The named test cast (see tests/conftest.py) and helpers shared by every app's tests.

Who may see what:
- office_clerk (省督察办, office): everything.
- zunyi_clerk (遵义市, unit): 遵义市 and its counties only.
- bozhou_clerk (播州区, unit): 播州区 only.
- guiyang_outsider (贵阳市, unit): 贵阳市 only; never 遵义市's data.
- dept_clerk (省生态环境厅, unit): its own department.
- zunyi_reviewer (遵义市验收组, reviewer): 遵义市 subtree.
- leader (省领导): read-only, everything.
- team_member (督战队, team): 遵义市 through a scope grant.
- sysadmin: accounts only, no business data, no audit log.
- auditor: audit log only.
- the public (anonymous): nothing behind the login.
"""

import factory

from rectify.accounts.models import ScopeGrant, User
from rectify.accounts.roles import Role
from rectify.orgs.models import Org
from rectify.orgs.reference import do_load_reference

TEST_PASSWORD = "Test-Passw0rd-Long"


def ensure_reference_orgs() -> None:
    """Load the Guizhou tree unless it is there (transactional tests flush it)."""
    if not Org.objects.filter(code="520000").exists():
        do_load_reference("520000", actor="tests")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Faker("name", locale="zh_CN")
    role = Role.UNIT
    org = factory.LazyFunction(lambda: Org.objects.get(code="520000"))
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def grants(self, create, extracted, **kwargs):
        if create and extracted:
            for code in extracted:
                ScopeGrant.objects.create(user=self, org=Org.objects.get(code=code))
        if create:
            self.save()


def make_user(username: str, role: str, org_code: str, grants: tuple[str, ...] = ()) -> User:
    return UserFactory(
        username=username, role=role, org=Org.objects.get(code=org_code), grants=grants
    )
