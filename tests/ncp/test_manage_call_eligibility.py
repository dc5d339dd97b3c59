"""An NCP sets who can apply to a call: participant types, countries and themes."""

from django.urls import reverse

from programmes.models import ParticipantType, Theme
from tests.ncp.formdata import edit_call_data


def test_an_ncp_sets_who_can_apply(client, ncp_a, call_a):
    ngos = ParticipantType.objects.create(slug="ngos", name="NGOs")
    theme = Theme.objects.create(slug="integration", name="Integration")
    client.force_login(ncp_a)
    url = reverse("manage_call_edit", args=[call_a.identifier])
    form = client.get(url).text
    assert f'name="eligible_participants" value="{ngos.pk}"' in form
    data = edit_call_data(call_a, version=1)
    data.update(
        eligible_participants=[str(ngos.pk)], eligible_countries=["BE", "CY"], themes=[theme.pk]
    )
    assert client.post(url, data).status_code == 302
    call_a.refresh_from_db()
    assert list(call_a.eligible_participants.all()) == [ngos]
    assert [country.code for country in call_a.eligible_countries] == ["BE", "CY"]
    assert list(call_a.themes.all()) == [theme]
    assert call_a.version == 2
