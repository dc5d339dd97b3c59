"""The overview of /manage/: my programmes' calls (drafts included) with what needs attention,
never another programme's, in a fixed number of queries."""

from datetime import datetime

import pytest
from django.urls import reverse

from foundation.brussels import BRUSSELS
from tests.conftest import make_user
from tests.factories import CallFactory

HOME = reverse("manage_home")
# Session, user, calls, their deadlines, programmes, contact points.
MAX_QUERIES = 6
DEADLINE = datetime(2025, 6, 30, 17, tzinfo=BRUSSELS)


@pytest.fixture
def signed_in(client, ncp_a, contact_point_a):
    client.force_login(ncp_a)
    return client


def listed(response) -> list[str]:
    return [row.call.identifier for row in response.context["rows"]]


def test_my_calls_drafts_included_and_never_another_programmes(signed_in, call_a, draft_a, call_b):
    CallFactory(programme=call_b.programme, identifier="TESTF-2025-AG-B-02", published_at=None)

    response = signed_in.get(HOME)

    assert response.status_code == 200
    assert sorted(listed(response)) == ["TESTF-2025-AG-A-01", "TESTF-2025-AG-A-02"]
    html = response.content.decode()
    assert "TESTF-2025-AG-B" not in html and "Call B" not in html
    assert reverse("manage_call_edit", args=[call_a.identifier]) in html


def test_what_needs_attention(signed_in, programme_a, call_a, draft_a):
    closing = CallFactory(
        programme=programme_a,
        identifier="TESTF-2025-AG-A-03",
        deadlines=[datetime(2025, 3, 14, 17, tzinfo=BRUSSELS)],
    )
    scheduled = CallFactory(
        programme=programme_a,
        identifier="TESTF-2025-AG-A-04",
        published_at=datetime(2025, 4, 1, tzinfo=BRUSSELS),
    )

    rows = {row.call: row for row in signed_in.get(HOME).context["rows"]}

    assert not rows[call_a].needs_attention  # open until 30 June
    assert rows[draft_a].is_draft and rows[draft_a].needs_attention
    assert rows[closing].closes_soon and rows[closing].needs_attention
    assert rows[scheduled].is_scheduled and not rows[scheduled].is_draft
    html = signed_in.get(HOME).content.decode()
    assert "Closes within 14 days" in html
    assert "Scheduled for 1 April 2025, 00:00" in html
    assert "Published on 1 January 2000" in html


def test_new_call_buttons_and_contact_points(signed_in, contact_point_a, programme_a):
    html = signed_in.get(HOME).content.decode()
    assert f"{reverse('manage_call_create')}?programme={programme_a.slug}" in html
    assert reverse("manage_contact_point_edit", args=[contact_point_a.slug]) in html


def test_a_user_of_no_programme_sees_an_empty_overview(client, staff):
    client.force_login(staff)
    response = client.get(HOME)
    assert response.status_code == 200
    assert listed(response) == []
    assert "You do not edit the calls of any programme yet." in response.content.decode()


def test_pages_have_one_heading_and_no_inline_style_or_script(signed_in, call_a, contact_point_a):
    urls = [
        HOME,
        reverse("manage_call_create"),
        reverse("manage_call_detail", args=[call_a.identifier]),
        reverse("manage_call_edit", args=[call_a.identifier]),
        reverse("manage_contact_point_edit", args=[contact_point_a.slug]),
    ]
    for url in urls:
        html = signed_in.get(url).content.decode()
        assert html.count("<h1") == 1, url
        assert " style=" not in html and "<script" not in html, url
        assert "css/manage.css" in html, url
        assert 'class="breadcrumbs"' in html, url


def test_the_query_count_does_not_grow_with_calls(
    client, programme_a, contact_point_a, django_assert_max_num_queries
):
    colleague = make_user("ncp-a-2")
    contact_point_a.members.add(colleague)
    client.force_login(colleague)
    two_deadlines = [datetime(2025, 5, 30, 17, tzinfo=BRUSSELS), DEADLINE]
    for _ in range(3):
        CallFactory(programme=programme_a, deadlines=two_deadlines)
    with django_assert_max_num_queries(MAX_QUERIES):
        assert len(listed(client.get(HOME))) == 3

    for number in range(27):
        # Drafts, scheduled and published calls alike.
        published_at = [None, datetime(2025, 4, 1, tzinfo=BRUSSELS), DEADLINE][number % 3]
        CallFactory(programme=programme_a, published_at=published_at, deadlines=two_deadlines)
    with django_assert_max_num_queries(MAX_QUERIES):
        assert len(listed(client.get(HOME))) == 30
