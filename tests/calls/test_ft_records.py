"""Reading F&T search-API records: every quirk of the format (calls/ft/records.py)."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from calls.ft.records import BadRecord, record_checksum, topic_from
from tests.calls.ft_data import amif_topic, budget_overview, record, sample


def test_the_sample_topics_are_read_from_their_arrays_of_strings():
    topics = [topic_from(result) for result in sample("search")["results"]]
    first = topics[0]
    assert first.identifier == "HORIZON-CL5-2026-09-D4-03"
    assert first.fields["title"].startswith("Advanced data platforms")
    assert first.fields["code"] == 50130830  # no ccm2Id in the sample: the reference's number
    assert first.fields["ft_reference"] == "50130830TOPICSen"
    assert first.fields["ft_status"] == "open"
    assert first.fields["action_label"] == "HORIZON Innovation Actions"
    assert first.fields["deadline_model"] == "single-stage"
    assert first.fields["official_url"].endswith("/topic-details/HORIZON-CL5-2026-09-D4-03")
    assert first.parent == ("HORIZON-CL5-2026-09", "BATTERIES and ENERGY", "")
    assert first.framework_programme == "43108390"
    # Real identifiers with lower-case segments are taken as they are.
    assert topics[2].identifier == "HORIZON-JU-CBE-2026-IAFlag-02"


def test_the_ccm2_ids_are_kept_when_given():
    topic = topic_from(amif_topic(ccm2Id="50130830", callccm2Id="50130700"))
    assert (topic.fields["code"], topic.fields["ft_ccm2_id"]) == (50130830, "50130830")
    assert topic.fields["ft_call_ccm2_id"] == "50130700"
    assert topic.parent[2] == "50130700"


@pytest.mark.parametrize(
    ("feed", "closes_utc"),
    [
        # The +0000 means nothing: 17:00 Brussels on that date, CET (UTC+1) or CEST (UTC+2).
        ("2026-03-28T00:00:00.000+0000", datetime(2026, 3, 28, 16, 0, tzinfo=UTC)),  # CET
        ("2026-03-29T00:00:00.000+0000", datetime(2026, 3, 29, 15, 0, tzinfo=UTC)),  # switch day
        ("2026-10-24T00:00:00.000+0000", datetime(2026, 10, 24, 15, 0, tzinfo=UTC)),  # CEST
        ("2026-10-25T00:00:00.000+0000", datetime(2026, 10, 25, 16, 0, tzinfo=UTC)),  # back to CET
        ("2024-05-21T17:00:00.000+0000", datetime(2024, 5, 21, 15, 0, tzinfo=UTC)),  # a closed one
        ("2028-02-29T00:00:00.000+0000", datetime(2028, 2, 29, 16, 0, tzinfo=UTC)),
    ],
)
def test_a_grant_topic_closes_at_17_00_brussels_on_its_date(feed, closes_utc):
    topic = topic_from(amif_topic(deadlineDate=feed, startDate="2024-01-10T00:00:00.000+0000"))
    ((due_at, label),) = topic.deadlines
    assert (due_at, label) == (closes_utc, "")
    assert topic.fields["opens_at"] == datetime(2024, 1, 9, 23, 0, tzinfo=UTC)  # 00:00 CET


def test_cascade_calls_carry_real_instants_and_are_told_apart_by_reference():
    first, second = (topic_from(result) for result in sample("cascade")["results"][:2])
    assert first.deadlines[0] == (datetime(2025, 9, 2, 3, 59, tzinfo=UTC), "Cut-off 1")
    assert second.deadlines[0] == (datetime(2025, 9, 2, 4, 59, tzinfo=UTC), "Cut-off 1")
    assert len(first.deadlines) == 7 and first.deadlines[-1][1] == "Cut-off 7"
    assert first.fields["deadline_model"] == "multiple cut-off"
    # Both share DIGITAL-2023-SKILLS-05-SPECIALEDU: it is their call; the reference, their key.
    assert (first.identifier, second.identifier) == (
        "DIGITAL-2023-SKILLS-05-SPECIALEDU-11143",
        "DIGITAL-2023-SKILLS-05-SPECIALEDU-11145",
    )
    assert first.lookup == {"ft_reference": "11143COMPETITIVE_CALLen"}
    assert first.parent[0] == second.parent[0] == "DIGITAL-2023-SKILLS-05-SPECIALEDU"
    assert first.fields["title"] == "METU Internships Offer"
    assert first.fields["budget"] == Decimal("30500.00")
    eit = topic_from(sample("cascade")["results"][3])
    assert eit.deadlines[0][0] == datetime(2025, 9, 30, 17, 0, 4, tzinfo=UTC)


def test_a_two_stage_topic_has_one_deadline_per_stage():
    topic = topic_from(
        amif_topic(
            deadlineModel="two-stage",
            deadlineDate=["2026-09-17T00:00:00.000+0000", "2026-04-29T00:00:00.000+0000"],
        )
    )
    assert topic.fields["deadline_model"] == "two-stage"
    assert [label for _due, label in topic.deadlines] == ["First stage", "Second stage"]
    assert topic.deadlines[0][0] < topic.deadlines[1][0]


ONE_LINE = {
    "action": "AMIF-2026-TF2-AG-INTE-01 - AMIF-PJG AMIF Project Grants",
    "budgetYearMap": {"2026": "3000000", "2027": "1000000", "2028": "0"},
    "expectedGrants": 4,
    "minContribution": 500000,
    "maxContribution": "1000000",
}


def test_the_budget_per_year_grants_and_contribution_of_the_topics_own_line():
    sibling = ONE_LINE | {"action": "AMIF-2026-TF2-AG-INTE-02 - AMIF-PJG", "expectedGrants": 9}
    topic = topic_from(amif_topic(budgetOverview=budget_overview(sibling, ONE_LINE)))
    fields = topic.fields
    # "0" means not stated: 2028 is left out.
    assert fields["budget_by_year"] == {"2026": "3000000.00", "2027": "1000000.00"}
    assert fields["budget"] == Decimal("4000000.00")
    assert fields["budget_is_shared"] is False
    assert fields["expected_grants"] == 4
    assert (fields["min_contribution"], fields["max_contribution"]) == (
        Decimal("500000.00"),
        Decimal("1000000.00"),
    )
    assert fields["action_code"] == "AMIF-PJG"


def test_a_call_level_line_is_the_calls_shared_pot():
    pot = ONE_LINE | {"action": "AMIF-2026-TF2-AG-INTE-01, AMIF-2026-TF2-AG-INTE-02 - AMIF-PJG"}
    topic = topic_from(amif_topic(budgetOverview=budget_overview(pot)))
    assert topic.fields["budget_is_shared"] is True
    assert topic.fields["budget"] == Decimal("4000000.00")
    call_pot = ONE_LINE | {"action": "AMIF-2026-TF2-AG - AMIF-PJG"}
    topic = topic_from(amif_topic(budgetOverview=budget_overview(call_pot)))
    assert topic.fields["budget_is_shared"] is True


def test_a_truncated_budget_overview_or_actions_is_a_warning_not_a_failure():
    topic = topic_from(
        amif_topic(budgetOverview=budget_overview(ONE_LINE, truncate=True), actions='[{"types":')
    )
    assert topic.fields["budget"] is None and topic.fields["budget_by_year"] == {}
    assert topic.warnings == [
        "AMIF-2026-TF2-AG-INTE-01: actions is not valid JSON; imported without it",
        "AMIF-2026-TF2-AG-INTE-01: budgetOverview is not valid JSON; imported without it",
    ]


def test_type_of_action_labels_lose_their_double_spaces_and_can_come_from_actions():
    topic = topic_from(amif_topic(typesOfAction="AMIF  Project  Grants"))
    assert topic.fields["action_label"] == "AMIF Project Grants"
    actions = '[{"types":[{"typeOfAction":"AMIF-PJG AMIF Project Grants"}]}]'
    topic = topic_from(amif_topic(typesOfAction=None, actions=actions))
    assert topic.fields["action_label"] == "AMIF-PJG AMIF Project Grants"


@pytest.mark.parametrize(
    "keywords",
    [["Integration", "Migrants", "Integration"], ['["Integration", "Migrants"]']],
    ids=["list", "json-in-a-string"],
)
def test_keywords_come_as_a_list_or_as_json_in_one_string(keywords):
    assert topic_from(amif_topic(keywords=keywords)).fields["keywords"] == [
        "Integration",
        "Migrants",
    ]


def test_the_description_is_sanitised_through_an_allow_list():
    html = (
        '<span class="topicdescriptionkind">Expected Outcome:</span><p onclick="steal()">'
        "Better <strong>integration</strong>.<script>alert(1)</script></p>"
        '<a href="javascript:x">x</a>'
    )
    fields = topic_from(amif_topic(descriptionByte=html)).fields
    assert fields["description_html"] == (
        "<span>Expected Outcome:</span><p>Better <strong>integration</strong>.</p>"
        '<a rel="noopener noreferrer">x</a>'
    )
    assert "integration" in fields["description"] and "<" not in fields["description"]


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"startDate": None}, "no startDate"),
        ({"deadlineDate": []}, "no deadlineDate"),
        ({"deadlineDate": "someday"}, "'someday' is not a date"),
        ({"type": "0"}, "type 0 is not a grant topic or call"),
        ({"identifier": "AMIF 2026 TOPIC"}, "the identifier is not letters and digits"),
        ({"title": None, "callTitle": None, "summary": None}, "no title"),
    ],
)
def test_a_record_that_cannot_be_a_topic_is_refused_with_its_identifier(change, reason):
    result = amif_topic(**change)
    if "summary" in change:
        result.pop("summary")
    with pytest.raises(BadRecord) as error:
        topic_from(result)
    assert error.value.identifier in ("AMIF-2026-TF2-AG-INTE-01", "AMIF 2026 TOPIC")
    assert reason in error.value.reason


def test_the_checksum_is_the_records_and_changes_with_it():
    same = topic_from(amif_topic()).checksum
    assert same == record_checksum(amif_topic()) and len(same) == 64
    moved = topic_from(amif_topic(deadlineDate="2026-09-16T00:00:00.000+0000")).checksum
    assert moved != same


def test_a_stale_status_is_only_a_hint():
    topic = topic_from(record(status="31094501"))  # "forthcoming", for a topic that opened
    assert topic.fields["ft_status"] == "forthcoming"
