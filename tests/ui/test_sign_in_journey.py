import pytest

from rectify.accounts.roles import Role
from rectify.core.testing import TEST_PASSWORD, ensure_reference_orgs, make_user
from tests.browser import shoot


@pytest.fixture
def zunyi_user(transactional_db):
    ensure_reference_orgs()
    return make_user("zunyi_browser", Role.UNIT, "520300")


def sign_in(page, username: str, password: str) -> None:
    page.goto(page.base_url + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("main button[type=submit]")


def test_unit_user_signs_in_sees_chinese_shell_and_its_prefecture(page, zunyi_user):
    sign_in(page, "zunyi_browser", TEST_PASSWORD)
    assert page.url == page.base_url + "/"
    assert page.locator("header .brand-name").inner_text() == "生态环境保护督察整改调度台账系统"
    menu = page.locator("nav.mainnav").inner_text().split()
    assert menu[:3] == ["首页", "挂图作战", "整改台账"] and "组织机构" in menu
    assert "导入台账" not in menu and "账号管理" not in menu  # office / sysadmin only
    shoot(page, "home-zunyi")

    page.click("text=组织机构")
    page.click("text=播州区")
    assert page.locator("h1").inner_text() == "播州区"

    response = page.goto(page.base_url + "/orgs/520100/")
    assert response.status == 404
    assert page.csp_errors == []


def test_wrong_password_shows_chinese_error_and_no_session(page, zunyi_user):
    sign_in(page, "zunyi_browser", "Wrong-Password-99")
    assert "用户名或密码错误" in page.locator(".errorlist").inner_text()
    assert page.goto(page.base_url + "/ledger/").url.endswith("/accounts/login/?next=/ledger/")


def test_language_switch_turns_the_shell_english(page, zunyi_user):
    sign_in(page, "zunyi_browser", TEST_PASSWORD)
    assert page.url == page.base_url + "/"
    page.click("button[name=language][value=en]")
    page.wait_for_load_state()
    menu = page.locator("nav.mainnav").inner_text().split("\n")
    assert menu[:3] == ["Overview", "Dashboard", "Ledger"] and "Organisations" in menu
    shoot(page, "home-zunyi-en")
