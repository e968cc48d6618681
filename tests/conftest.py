"""The cast every test uses; see rectify.core.testing for who may see what."""

import pytest
from django.test import Client

from rectify.accounts.roles import Role
from rectify.core.testing import TEST_PASSWORD, ensure_reference_orgs, make_user

pytest_plugins = ["tests.browser"]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        ensure_reference_orgs()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Argon2 costs ~0.5 s per account; only tests about hashing itself need it (they set it).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def orgs(db):
    ensure_reference_orgs()


@pytest.fixture
def office_clerk(orgs):
    return make_user("office_clerk", Role.OFFICE, "520000")


@pytest.fixture
def zunyi_clerk(orgs):
    return make_user("zunyi_clerk", Role.UNIT, "520300")


@pytest.fixture
def bozhou_clerk(orgs):
    return make_user("bozhou_clerk", Role.UNIT, "520304")


@pytest.fixture
def guiyang_outsider(orgs):
    return make_user("guiyang_outsider", Role.UNIT, "520100")


@pytest.fixture
def dept_clerk(orgs):
    return make_user("dept_clerk", Role.UNIT, "520000-STHJT")


@pytest.fixture
def zunyi_reviewer(orgs):
    return make_user("zunyi_reviewer", Role.REVIEWER, "520300")


@pytest.fixture
def leader(orgs):
    return make_user("leader", Role.LEADER, "520000")


@pytest.fixture
def team_member(orgs):
    return make_user("team_member", Role.TEAM, "520000-STHJT", grants=("520300",))


@pytest.fixture
def sysadmin(orgs):
    return make_user("sysadmin", Role.SYSADMIN, "520000")


@pytest.fixture
def auditor(orgs):
    return make_user("auditor", Role.AUDITOR, "520000")


@pytest.fixture
def login(client, settings):
    """Sign a user in through the real login form (two-factor relaxed unless a test says)."""
    settings.RECTIFY_REQUIRE_2FA = False

    def _login(user, c: Client | None = None) -> Client:
        c = c or client
        response = c.post(
            "/accounts/login/", {"username": user.username, "password": TEST_PASSWORD}
        )
        assert response.status_code == 302, response.content[:500]
        return c

    return _login
