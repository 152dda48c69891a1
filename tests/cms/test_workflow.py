"""Moderation: district editors draft and submit, district approvers publish (now or
at a scheduled time); cooperative editors and district staff touch no CMS page."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from wagtail.models import (
    GroupPagePermission,
    Locale,
    Page,
    Revision,
    Site,
    TaskState,
    WorkflowState,
)
from wagtail.test.utils.form_data import querydict_from_html

from cms import roles
from cms.models import (
    CampaignIndexPage,
    CampaignPage,
    ContactPage,
    EventIndexPage,
    EventPage,
    HomePage,
    NewsIndexPage,
    NewsPage,
    StandardPage,
)
from producers.roles import add_member, make_district_staff
from tests.producers.factories import CooperativeFactory, UserFactory

pytestmark = pytest.mark.django_db

DATETIME_INPUT = "%d/%m/%Y %H:%M"  # WAGTAIL_DATETIME_FORMAT


def publish(parent, page):
    """Add `page` under `parent` and publish it as the admin does (a revision)."""
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


@pytest.fixture
def site_tree():
    """A Vietnamese home page as the site root with one page of every type."""
    home = publish(
        Page.get_first_root_node(), HomePage(title="Trang chủ", slug="trang-chu")
    )
    Site.objects.update(root_page=home)
    campaigns = publish(home, CampaignIndexPage(title="Chiến dịch", slug="chien-dich"))
    today = timezone.localdate()
    campaign = publish(
        campaigns,
        CampaignPage(
            title="Mùa cam Vinh",
            slug="mua-cam-vinh",
            start_date=today,
            end_date=today + datetime.timedelta(days=30),
        ),
    )
    news = publish(home, NewsIndexPage(title="Tin tức", slug="tin-tuc"))
    article = publish(news, NewsPage(title="Thu hoạch chè", slug="thu-hoach-che"))
    events = publish(home, EventIndexPage(title="Sự kiện", slug="su-kien"))
    now = timezone.now()
    event = publish(
        events,
        EventPage(
            title="Hội chợ nông sản",
            slug="hoi-cho",
            start=now + datetime.timedelta(days=7),
            end=now + datetime.timedelta(days=8),
            venue="Quảng trường Hồ Chí Minh",
        ),
    )
    about = publish(home, StandardPage(title="Giới thiệu", slug="gioi-thieu"))
    contact = publish(home, ContactPage(title="Liên hệ", slug="lien-he"))
    return {
        "home": home,
        "campaigns": campaigns,
        "campaign": campaign,
        "news": news,
        "article": article,
        "events": events,
        "event": event,
        "about": about,
        "contact": contact,
    }


@pytest.fixture
def editor():
    user = UserFactory(username="bien-tap")
    roles.make_district_editor(user)
    return user


@pytest.fixture
def approver():
    user = UserFactory(username="phe-duyet")
    roles.make_district_approver(user)
    return user


@pytest.fixture
def cooperative_editor():
    user = UserFactory(username="htx-editor")
    add_member(user, CooperativeFactory())
    return user


def add_url(model, parent):
    return reverse(
        "wagtailadmin_pages:add",
        args=(model._meta.app_label, model._meta.model_name, parent.pk),
    )


def edit_url(page):
    return reverse("wagtailadmin_pages:edit", args=(page.pk,))


def admin_form(client, url):
    """The page form's fields as the admin renders them (the StreamField body is
    built by JavaScript in a browser: here it is an empty stream)."""
    response = client.get(url)
    assert response.status_code == 200
    data = querydict_from_html(response.content.decode(), form_id="page-edit-form")
    data.setdefault("body-count", "0")
    return data


def campaign_form(client, parent, **values):
    """The add-campaign form as the admin renders it, filled in with `values`."""
    data = admin_form(client, add_url(CampaignPage, parent))
    today = timezone.localdate()
    data.update(
        {
            "title": "Chè xanh Thanh Chương",
            "slug": "che-xanh-thanh-chuong",
            "start_date": today.isoformat(),
            "end_date": (today + datetime.timedelta(days=60)).isoformat(),
            **values,
        }
    )
    return data


def form_errors(response):
    form = response.context.get("form") if response.context else None
    return form.errors if form is not None else response.status_code


def submit_campaign(client, parent, **values):
    data = campaign_form(client, parent, **values)
    data["action-submit"] = "1"
    response = client.post(add_url(CampaignPage, parent), data)
    assert response.status_code == 302, form_errors(response)
    return CampaignPage.objects.get(slug=data["slug"])


def approve(client, page):
    task_state = TaskState.objects.get(
        workflow_state__object_id=str(page.pk), status=TaskState.STATUS_IN_PROGRESS
    )
    response = client.post(
        reverse(
            "wagtailadmin_pages:workflow_action",
            args=(page.pk, "approve", task_state.pk),
        ),
        {"comment": "Đã duyệt"},
    )
    assert response.status_code == 302
    page.refresh_from_db()
    return page


# Roles ---------------------------------------------------------------------------


def test_roles_grant_every_home_page_and_running_them_again_changes_nothing(
    site_tree,
):
    roles.ensure_cms_roles()
    counts = (
        GroupPagePermission.objects.count(),
        roles.Group.objects.count(),
        roles.WorkflowPage.objects.count(),
    )

    roles.ensure_cms_roles()

    assert counts == (
        GroupPagePermission.objects.count(),
        roles.Group.objects.count(),
        roles.WorkflowPage.objects.count(),
    )
    home = site_tree["home"]
    granted = set(
        GroupPagePermission.objects.filter(page=home).values_list(
            "group__name", "permission__codename"
        )
    )
    assert (roles.DISTRICT_EDITORS, "change_page") in granted
    assert (roles.DISTRICT_EDITORS, "publish_page") not in granted
    assert (roles.DISTRICT_APPROVERS, "publish_page") in granted
    assert home.get_workflow().name == roles.WORKFLOW_NAME
    assert site_tree["campaign"].get_workflow().name == roles.WORKFLOW_NAME


def test_an_english_copy_of_the_home_page_is_editable_and_moderated_at_once(
    site_tree, editor
):
    english = site_tree["home"].copy_for_translation(
        Locale.objects.get(language_code="en")
    )

    assert english.get_workflow().name == roles.WORKFLOW_NAME
    assert english.permissions_for_user(editor).can_edit()
    assert not english.permissions_for_user(editor).can_publish()


def test_district_images_collection_is_the_only_one_editors_may_use(editor):
    from wagtail.images import get_image_model
    from wagtail.permissions import policy_registry

    permission_policy = policy_registry.get_by_type(get_image_model())
    cooperative = CooperativeFactory()

    collections = permission_policy.collections_user_has_permission_for(
        editor, "choose"
    )

    assert list(collections) == [roles.district_collection()]
    assert cooperative.collection not in collections


# Drafting, submitting, approving ---------------------------------------------------


def test_district_editor_creates_a_campaign_and_submits_it_for_moderation(
    client, site_tree, editor
):
    client.force_login(editor)

    page = submit_campaign(client, site_tree["campaigns"])

    assert not page.live
    state = WorkflowState.objects.get(
        object_id=str(page.pk), status=WorkflowState.STATUS_IN_PROGRESS
    )
    assert state.workflow.name == roles.WORKFLOW_NAME
    assert state.current_task_state.task.name == roles.APPROVAL_TASK_NAME
    assert state.requested_by == editor


def test_district_editor_has_no_publish_button_and_a_publish_post_only_saves_a_draft(
    client, site_tree, editor
):
    client.force_login(editor)
    campaigns = site_tree["campaigns"]

    form = client.get(add_url(CampaignPage, campaigns)).content.decode()
    assert 'name="action-submit"' in form
    assert 'name="action-publish"' not in form

    data = campaign_form(client, campaigns)
    data["action-publish"] = "1"
    client.post(add_url(CampaignPage, campaigns), data)
    page = CampaignPage.objects.get(slug="che-xanh-thanh-chuong")
    assert not page.live

    # Nor can an editor publish a live page's change.
    campaign = site_tree["campaign"]
    data = admin_form(client, edit_url(campaign))
    data.update({"title": "Mùa cam Vinh (sửa)", "action-publish": "1"})
    client.post(edit_url(campaign), data)
    campaign.refresh_from_db()
    assert campaign.title == "Mùa cam Vinh"
    assert campaign.get_latest_revision().content["title"] == "Mùa cam Vinh (sửa)"
    assert not campaign.permissions_for_user(editor).can_publish()


def test_editor_cannot_approve_their_own_submission(client, site_tree, editor):
    client.force_login(editor)
    page = submit_campaign(client, site_tree["campaigns"])

    task_state = TaskState.objects.get(
        workflow_state__object_id=str(page.pk), status=TaskState.STATUS_IN_PROGRESS
    )
    client.post(
        reverse(
            "wagtailadmin_pages:workflow_action",
            args=(page.pk, "approve", task_state.pk),
        )
    )

    page.refresh_from_db()
    task_state.refresh_from_db()
    assert not page.live
    assert task_state.status == TaskState.STATUS_IN_PROGRESS


def test_approver_approves_the_submitted_campaign_and_it_goes_live(
    client, site_tree, editor, approver
):
    client.force_login(editor)
    page = submit_campaign(client, site_tree["campaigns"])
    client.force_login(approver)

    page = approve(client, page)

    assert page.live
    assert page.url == "/chien-dich/che-xanh-thanh-chuong/"
    state = WorkflowState.objects.get(object_id=str(page.pk))
    assert state.status == WorkflowState.STATUS_APPROVED


def test_approver_sees_the_submission_awaiting_review_on_the_dashboard(
    client, site_tree, editor, approver
):
    client.force_login(editor)
    submit_campaign(client, site_tree["campaigns"])
    client.force_login(approver)

    response = client.get(reverse("wagtailadmin_home"))

    assert response.status_code == 200
    assert "Chè xanh Thanh Chương" in response.content.decode()


def test_editors_delete_only_unpublished_pages_and_nobody_deletes_a_section(
    site_tree, editor, approver
):
    draft = site_tree["campaigns"].add_child(
        instance=CampaignPage(
            title="Nháp",
            slug="nhap",
            live=False,
            start_date=timezone.localdate(),
            end_date=timezone.localdate(),
        )
    )

    assert draft.permissions_for_user(editor).can_delete()
    assert not site_tree["campaign"].permissions_for_user(editor).can_delete()
    assert site_tree["campaign"].permissions_for_user(approver).can_delete()
    for section in ("home", "campaigns"):
        assert not site_tree[section].permissions_for_user(approver).can_delete()


# Who may not touch pages ----------------------------------------------------------

PAGE_TYPES = [
    (HomePage, None, "home"),
    (CampaignIndexPage, "home", "campaigns"),
    (CampaignPage, "campaigns", "campaign"),
    (NewsIndexPage, "home", "news"),
    (NewsPage, "news", "article"),
    (EventIndexPage, "home", "events"),
    (EventPage, "events", "event"),
    (StandardPage, "home", "about"),
    (ContactPage, "home", "contact"),
]


def refused(response) -> bool:
    """Wagtail answers 403, or sends an admin user home with a message."""
    if response.status_code == 403:
        return True
    return response.status_code == 302 and not response["Location"].startswith(
        "/admin/pages/"
    )


@pytest.mark.parametrize(("model", "parent_key", "page_key"), PAGE_TYPES)
def test_cooperative_editor_is_refused_adding_or_editing_every_page_type(
    client, site_tree, cooperative_editor, model, parent_key, page_key
):
    client.force_login(cooperative_editor)
    parent = (
        site_tree[parent_key] if parent_key else Page.get_first_root_node().specific
    )
    page = site_tree[page_key]
    pages_before = Page.objects.count()

    assert refused(client.get(add_url(model, parent)))
    assert refused(client.post(add_url(model, parent), {"title": "Của HTX"}))
    assert refused(client.get(edit_url(page)))
    assert refused(client.post(edit_url(page), {"title": "Của HTX"}))

    assert Page.objects.count() == pages_before
    page.refresh_from_db()
    assert page.title != "Của HTX"
    perms = page.permissions_for_user(cooperative_editor)
    assert not (perms.can_edit() or perms.can_publish() or perms.can_add_subpage())


def test_cooperative_groups_hold_no_page_permission(site_tree, cooperative_editor):
    roles.ensure_cms_roles()

    assert not GroupPagePermission.objects.filter(
        group__in=cooperative_editor.groups.all()
    ).exists()
    assert not any(
        page.permissions_for_user(cooperative_editor).can_edit()
        for page in site_tree.values()
    )


def test_district_staff_manage_the_market_but_neither_edit_nor_publish_pages(
    client, site_tree
):
    staff = UserFactory(username="huyen")
    make_district_staff(staff)
    client.force_login(staff)

    assert refused(client.get(add_url(CampaignPage, site_tree["campaigns"])))
    assert not site_tree["campaign"].permissions_for_user(staff).can_publish()

    roles.make_district_approver(staff)
    assert site_tree["campaign"].permissions_for_user(staff).can_publish()


# Scheduled publishing ----------------------------------------------------------------


def launch_time_has_come(page, when):
    """The clock reaches the campaign's launch: move its approved go-live time (and
    the one in the revision it publishes) to `when`, a moment in the past."""
    revision = Revision.page_revisions.get(
        object_id=str(page.pk), approved_go_live_at__isnull=False
    )
    revision.content["go_live_at"] = when.isoformat()
    revision.approved_go_live_at = when
    revision.save()


def test_approved_campaign_with_a_launch_time_goes_live_when_publish_scheduled_runs(
    client, site_tree, editor, approver
):
    client.force_login(editor)
    launch = timezone.localtime() + datetime.timedelta(days=2)
    page = submit_campaign(
        client, site_tree["campaigns"], go_live_at=launch.strftime(DATETIME_INPUT)
    )
    client.force_login(approver)

    page = approve(client, page)

    assert not page.live
    revision = page.get_latest_revision()
    assert revision.approved_go_live_at is not None
    call_command("publish_scheduled", stdout=StringIO())
    page.refresh_from_db()
    assert not page.live  # not yet

    launch_time_has_come(page, timezone.now() - datetime.timedelta(minutes=1))
    call_command("publish_scheduled", stdout=StringIO())

    page.refresh_from_db()
    assert page.live
    assert client.get(page.url).status_code == 200


def test_approver_schedules_an_edit_to_a_live_campaign_which_stays_as_is_until_then(
    client, site_tree, approver
):
    client.force_login(approver)
    campaign = site_tree["campaign"]
    launch = timezone.localtime() + datetime.timedelta(hours=6)
    data = admin_form(client, edit_url(campaign))
    data.update(
        {
            "title": "Mùa cam Vinh – giảm giá",
            "go_live_at": launch.strftime(DATETIME_INPUT),
            "action-publish": "1",
        }
    )

    response = client.post(edit_url(campaign), data)

    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.live and campaign.title == "Mùa cam Vinh"
    call_command("publish_scheduled", stdout=StringIO())
    campaign.refresh_from_db()
    assert campaign.title == "Mùa cam Vinh"

    launch_time_has_come(campaign, timezone.now() - datetime.timedelta(seconds=5))
    call_command("publish_scheduled", stdout=StringIO())

    campaign.refresh_from_db()
    assert campaign.title == "Mùa cam Vinh – giảm giá"


def test_campaign_past_its_expiry_is_unpublished_by_publish_scheduled(site_tree):
    campaign = site_tree["campaign"]
    Page.objects.filter(pk=campaign.pk).update(
        expire_at=timezone.now() - datetime.timedelta(minutes=1)
    )

    call_command("publish_scheduled", stdout=StringIO())

    campaign.refresh_from_db()
    assert not campaign.live and campaign.expired
