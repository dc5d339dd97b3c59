"""A national call has no code in a source portal: the NCP leaves it empty, and several
calls can be without one."""

from django.urls import reverse

from calls.models import Call
from tests.ncp.formdata import NEW_IDENTIFIER, new_call_data


def test_calls_without_a_code(client, ncp_a, programme_a, call_a):
    client.force_login(ncp_a)
    url = reverse("manage_call_create")
    assert client.post(url, new_call_data(programme_a, code="")).status_code == 302
    second = new_call_data(programme_a, code="", identifier="TESTF-2025-AG-NEW-02")
    assert client.post(url, second).status_code == 302
    assert list(
        Call.objects.filter(code=None).values_list("identifier", flat=True).order_by("identifier")
    ) == [NEW_IDENTIFIER, "TESTF-2025-AG-NEW-02"]
    page = client.get(reverse("manage_call_detail", args=[NEW_IDENTIFIER])).text
    assert "Call code" not in page
