"""A draft can be previewed as applicants will see it, and deleted; a call that was ever
published cannot be deleted (unpublish it instead)."""

from django.urls import reverse

from calls import services
from calls.models import Call


def test_a_draft_is_previewed_as_its_public_page(client, ncp_a, draft_a):
    client.force_login(ncp_a)
    detail = client.get(reverse("manage_call_detail", args=[draft_a.identifier])).text
    preview_url = reverse("manage_call_preview", args=[draft_a.identifier])
    assert f'href="{preview_url}"' in detail
    preview = client.get(preview_url).text
    assert "Preview: applicants do not see this call yet." in preview
    assert "<h1>Draft A</h1>" in preview
    assert 'id="key-facts"' in preview
    assert client.get(draft_a.get_absolute_url()).status_code == 404  # still not public


def test_a_draft_is_deleted(client, ncp_a, draft_a):
    client.force_login(ncp_a)
    response = client.post(reverse("manage_call_delete", args=[draft_a.identifier]), follow=True)
    assert not Call.objects.filter(pk=draft_a.pk).exists()
    assert "The draft TESTF-2025-AG-A-02 was deleted." in response.text


def test_a_call_once_published_is_not_deleted(client, ncp_a, call_a):
    client.force_login(ncp_a)
    services.call_unpublish(call=call_a, user=ncp_a)
    services.call_publish(call=call_a, user=ncp_a)
    services.call_unpublish(call=call_a, user=ncp_a)
    response = client.post(reverse("manage_call_delete", args=[call_a.identifier]), follow=True)
    assert Call.objects.filter(pk=call_a.pk).exists()
    assert "Only a draft that was never published can be deleted." in response.text
