def test_pages_speak_chinese_by_default(login, zunyi_clerk, client):
    login(zunyi_clerk)
    html = client.get("/").content.decode()
    assert 'lang="zh-hans"' in html and "退出" in html


def test_english_is_one_switch_away(login, zunyi_clerk, client):
    login(zunyi_clerk)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get("/").content.decode()
    assert 'lang="en"' in html and "Sign out" in html


def test_menu_follows_the_role(login, client, sysadmin, auditor, zunyi_clerk):
    login(sysadmin)
    html = client.get("/").content.decode()
    assert "/users/" in html and "/audit/" not in html and 'href="/orgs/"' not in html


def test_security_headers_are_sent(client, db):
    response = client.get("/accounts/login/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Request-ID"]


def test_front_end_libraries_are_served_locally(client, db):
    html = client.get("/accounts/login/").content.decode()
    assert "/static/vendor/htmx.min.js" in html and "http" not in html.split("<body")[0].replace(
        "http-equiv", ""
    )
