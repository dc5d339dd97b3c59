"""What applicants see of topics imported from F&T: the topic page (source, links, budget
per year, grants, type of action, deadline model, its call and sibling topics), the call's
page, and /calls/ filtered by type of action and source, rows with budget and grant size."""

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from calls.models import Call
from tests.calls.ft_data import amif_topic, answer_file, budget_overview
from tests.factories import CallFactory, FundFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db

NOW = "2026-06-01T08:00:00Z"  # the topics below are open
LINE = {
    "action": "AMIF-2026-TF2-AG-INTE-01 - AMIF-PJG AMIF Project Grants",
    "budgetYearMap": {"2026": "3000000", "2027": "1000000"},
    "expectedGrants": 4,
    "minContribution": 500000,
    "maxContribution": 1000000,
}


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW):
        yield


@pytest.fixture
def topics(tmp_path):
    ProgrammeFactory(fund=FundFactory(code="AMIF", call_prefix="AMIF"))
    first = amif_topic(
        budgetOverview=budget_overview(LINE),
        typesOfAction="AMIF  Project Grants",
        deadlineModel="two-stage",
        startDate="2026-01-10T00:00:00.000+0000",
        deadlineDate=["2026-09-17T00:00:00.000+0000", "2026-04-29T00:00:00.000+0000"],
        keywords=["Integration", "Labour market"],
        descriptionByte="<p>Better <strong>integration</strong>.</p><script>alert(1)</script>",
    )
    second = amif_topic("AMIF-2026-TF2-AG-INTE-02", title="Second topic of the call")
    call_command("import_ft", answer_file(tmp_path, first, second))
    return Call.objects.order_by("identifier")


def test_the_topic_page_shows_what_ft_gives(client, topics):
    topic = topics[0]
    page = client.get(topic.get_absolute_url()).content.decode()
    assert (
        f'<a href="{topic.official_url}" rel="external">EU Funding &amp; Tenders Portal</a>' in page
    )
    assert f'<a class="button" href="{topic.apply_url}" rel="external">Apply' in page
    assert "Official page" in page
    assert '<tr><th scope="row">2026</th><td>EUR 3 million</td></tr>' in page
    assert '<tr><th scope="row">2027</th><td>EUR 1 million</td></tr>' in page
    assert "EUR 4 million" in page
    assert "<dt>Expected number of grants</dt>\n  <dd>4</dd>" in page
    assert "EUR 500,000 to EUR 1 million" in page
    assert "AMIF Project Grants (<code>AMIF-PJG</code>)" in page
    assert "Two-stage" in page and "First stage:" in page and "Second stage:" in page
    assert "Integration, Labour market" in page
    assert "<p>Better <strong>integration</strong>.</p>" in page and "alert(1)" not in page
    # Its call, and the call's other topic.
    assert reverse("parent_call_detail", args=["AMIF-2026-TF2-AG"]) in page
    assert "Call for proposals on integration" in page
    assert "Second topic of the call" in page


def test_the_calls_page_lists_its_topics_with_status_and_deadline(client, topics):
    page = client.get(reverse("parent_call_detail", args=["AMIF-2026-TF2-AG"])).content.decode()
    assert "<h1>Call for proposals on integration</h1>" in page
    assert "2 topics" in page
    assert page.count('class="call-row"') == 2
    assert page.count("badge--open") == 2
    assert "17 September 2026, 17:00" in page and "15 September 2026, 17:00" in page


@pytest.mark.parametrize("count", [2, 8])
def test_the_calls_page_runs_a_fixed_number_of_queries(client, django_assert_num_queries, count):
    CallFactory.create_batch(count, parent_identifier="TESTF-2025-AG")
    # The parent's row, its topics with programme and fund, their deadlines.
    with django_assert_num_queries(3):
        assert client.get(reverse("parent_call_detail", args=["TESTF-2025-AG"])).status_code == 200


def test_an_unknown_call_is_not_found(client):
    assert client.get(reverse("parent_call_detail", args=["AMIF-1999-NOPE"])).status_code == 404


def test_the_seed_calls_keep_their_parent(client, demo):
    page = client.get(reverse("parent_call_detail", args=["AMIF-2023-TF2-AG-CALL"])).content
    assert b"AMIF-2023-TF2-AG-CALL-03-EDUCATION" in page
    topic = client.get(reverse("call_detail", args=["AMIF-2023-TF2-AG-CALL-03-EDUCATION"]))
    assert reverse("parent_call_detail", args=["AMIF-2023-TF2-AG-CALL"]).encode() in topic.content


def test_calls_are_filtered_by_type_of_action_and_source_and_rows_show_money(client, topics):
    CallFactory(identifier="TESTF-2026-AG-01", title="Entered here", type_of_action="AG")
    url = reverse("call_list")
    page = client.get(url, {"action": "AMIF-PJG", "status": "open"}).content.decode()
    assert "AMIF-2026-TF2-AG-INTE-01" in page and "AMIF-2026-TF2-AG-INTE-02" not in page
    assert "<dt>Budget</dt>\n      <dd>EUR 4 million</dd>" in page
    assert "<dt>Grant size</dt>\n      <dd>EUR 500,000 to EUR 1 million" in page
    assert '<option value="AMIF-PJG" selected>AMIF-PJG: AMIF Project Grants</option>' in page
    page = client.get(url, {"source": "ft", "status": ["open", "closed"]}).content.decode()
    assert "AMIF-2026-TF2-AG-INTE-02" in page and "Entered here" not in page
    page = client.get(url, {"source": "portal", "status": ["open", "closed"]}).content.decode()
    assert "AMIF-2026-TF2-AG-INTE-02" not in page and "Entered here" in page
