"""The choices of the calls' filter lists are kept a minute in each process, and forgotten
at once when their rows change in this process (calls/filter_choices.py)."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from calls.filter_choices import KEPT_SECONDS
from programmes.models import Fund, Programme, Theme
from tests.factories import CallFactory, FundFactory

URL = reverse("call_list")


def fund_options(client) -> str:
    page = client.get(URL).text
    start = page.index('name="fund"')
    return page[start : page.index("</select>", start)]


@pytest.mark.django_db
def test_a_fund_added_or_renamed_here_is_in_the_list_at_once(client):
    FundFactory(code="ALPHA", call_prefix="ALPHA")
    assert 'value="ALPHA"' in fund_options(client)
    FundFactory(code="BETA", call_prefix="BETA")
    assert 'value="BETA"' in fund_options(client)
    Fund.objects.get(code="BETA").delete()
    assert 'value="BETA"' not in fund_options(client)


@pytest.mark.django_db
def test_a_fund_added_by_another_process_is_in_the_list_within_the_time_kept(client):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        FundFactory(code="ALPHA", call_prefix="ALPHA")
        fund_options(client)
        # bulk_create sends no signal: as another process's change, unseen here.
        Fund.objects.bulk_create([Fund(code="GAMMA", name="Gamma", call_prefix="GAMMA")])
        assert 'value="GAMMA"' not in fund_options(client)
        clock.shift(timedelta(seconds=KEPT_SECONDS + 1))
        assert 'value="GAMMA"' in fund_options(client)


@pytest.mark.django_db
def test_a_theme_deleted_meanwhile_is_an_invalid_choice_not_an_error(client):
    theme = Theme.objects.create(name="Return", slug="return")
    assert 'value="return"' in client.get(URL).text
    Theme.objects.filter(pk=theme.pk).delete()  # no signal: the kept list still offers it
    response = client.get(URL, {"theme": "return"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.text


@pytest.mark.django_db
def test_a_new_type_of_action_imported_here_is_in_the_list_at_once(client):
    client.get(URL)
    CallFactory(action_code="AMIF-PJG", action_label="AMIF Project Grants")
    assert "AMIF-PJG: AMIF Project Grants" in client.get(URL).text


@pytest.mark.django_db
def test_a_programme_added_by_another_process_is_counted_under_its_fund_at_once(client):
    CallFactory(programme__fund=FundFactory(code="ALPHA", call_prefix="ALPHA"))
    delta = FundFactory(code="DELTA", call_prefix="DELTA")
    client.get(URL, {"q": "synthetic"})  # the funds of the programmes are kept
    # Made without signals, as in another process: not among the programmes kept.
    Programme.objects.bulk_create([Programme(fund=delta, title="Delta", slug="delta")])
    CallFactory(programme=Programme.objects.get(slug="delta"), title="Synthetic delta call")
    response = client.get(URL, {"q": "synthetic", "status": "closed"})
    assert response.context["facets"]["fund"] == {"ALPHA": 1, "DELTA": 1}
