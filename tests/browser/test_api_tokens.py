"""A cooperative's administrator creates an API token in the admin, copies the secret
from the one page that shows it, uses it, and revokes it."""

import pytest

from producers.models import ApiToken, Membership
from producers.roles import add_member, ensure_roles
from tests.producers.factories import CooperativeFactory, UserFactory


@pytest.fixture
def administrator(site_url):
    ensure_roles()
    cooperative = CooperativeFactory(name="HTX Chè Thanh Chương", slug="htx-che")
    CooperativeFactory(name="HTX Khác", slug="htx-khac")
    user = UserFactory(username="quan-tri", first_name="Mai")
    add_member(user, cooperative, role=Membership.Role.ADMIN)
    return user


def log_in(page, site_url, username):
    page.goto(site_url + "/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "password")
    page.locator("form button[type=submit]").click()
    page.wait_for_url("**/admin/")


def test_administrator_creates_a_token_copies_it_once_and_revokes_it(
    browser, site_url, administrator, screenshot
):
    context = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site_url)
    page = context.new_page()
    log_in(page, site_url, "quan-tri")

    # From the menu: Hợp tác xã > Mã truy cập API.
    page.get_by_role("button", name="Hợp tác xã").click()
    page.get_by_role("link", name="Mã truy cập API").click()
    page.wait_for_url("**/admin/snippets/producers/apitoken/")
    page.locator("a[href$='/apitoken/add/']").first.click()
    page.wait_for_url("**/apitoken/add/")
    assert page.locator("#id_cooperative").is_disabled()
    page.fill("#id_name", "Phần mềm kho")
    screenshot("admin-api-token-form", page)
    page.get_by_role("button", name="Tạo mã").click()

    secret_box = page.locator("#api-token-secret")
    secret_box.wait_for()
    secret = secret_box.input_value()
    token = ApiToken.objects.get()
    assert ApiToken.for_key(secret) == token
    assert token.cooperative.slug == "htx-che"
    assert "Sao chép mã ngay bây giờ" in page.locator("main").inner_text()

    page.get_by_role("button", name="Sao chép mã").click()
    page.get_by_text("Đã sao chép mã.").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == secret
    screenshot("admin-api-token-created", page)

    # The copied secret works.
    me = page.request.get(
        site_url + "/api/v1/me", headers={"Authorization": f"Bearer {secret}"}
    )
    assert me.status == 200
    assert me.json()["slug"] == "htx-che"

    # Back to the list: the token is there, its secret is not.
    page.get_by_role("link", name="Tôi đã lưu mã, quay lại danh sách").click()
    page.wait_for_url("**/admin/snippets/producers/apitoken/")
    listing = page.locator("main").inner_text()
    assert "Phần mềm kho" in listing
    assert f"{token.prefix}…" in listing
    assert secret not in page.content()
    assert "HTX Khác" not in page.content()
    screenshot("admin-api-token-list", page)

    # Revoke it from its page, after a confirmation.
    page.get_by_role("link", name="Phần mềm kho").click()
    page.wait_for_url("**/apitoken/edit/*/")
    assert secret not in page.content()
    screenshot("admin-api-token-edit", page)
    page.get_by_role("link", name="Thu hồi mã").click()
    page.wait_for_url("**/apitoken/revoke/*/")
    screenshot("admin-api-token-revoke", page)
    page.get_by_role("button", name="Thu hồi mã").click()
    page.wait_for_url("**/admin/snippets/producers/apitoken/")
    assert "Đã thu hồi" in page.locator("main").inner_text()
    token.refresh_from_db()
    assert not token.is_active
    me = page.request.get(
        site_url + "/api/v1/me", headers={"Authorization": f"Bearer {secret}"}
    )
    assert me.status == 401
    context.close()


def test_the_secret_can_be_copied_without_javascript(
    browser, site_url, administrator, screenshot
):
    context = browser.new_context(java_script_enabled=False, locale="vi-VN")
    page = context.new_page()
    log_in(page, site_url, "quan-tri")
    page.goto(site_url + "/admin/snippets/producers/apitoken/add/")
    page.fill("#id_name", "Sổ nhật ký")
    page.get_by_role("button", name="Tạo mã").click()

    secret_box = page.locator("#api-token-secret")
    secret = secret_box.input_value()
    assert ApiToken.for_key(secret).name == "Sổ nhật ký"
    # Selectable text; the copy button needs a script, so it is not offered.
    assert secret_box.is_visible() and secret_box.get_attribute("readonly") is not None
    assert not page.get_by_role("button", name="Sao chép mã").is_visible()
    assert secret in page.locator("pre").inner_text()
    screenshot("admin-api-token-created-no-js", page)
    context.close()
