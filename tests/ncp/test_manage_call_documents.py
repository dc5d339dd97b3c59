"""An NCP lists the call's documents (title, address, kind, language); applicants find
them on the call page."""

from django.urls import reverse

from tests.ncp.formdata import documents_data, edit_call_data


def test_an_ncp_adds_documents_and_applicants_see_them(client, ncp_a, call_a):
    client.force_login(ncp_a)
    url = reverse("manage_call_edit", args=[call_a.identifier])
    data = edit_call_data(call_a, version=1) | documents_data(
        [
            {
                "title": "Call document",
                "url": "https://ec.europa.eu/call.pdf",
                "kind": "call-text",
                "language": "en",
            },
            {
                "title": "Guide du candidat",
                "url": "https://example.fr/guide.pdf",
                "kind": "guide",
                "language": "fr",
            },
            {"kind": "call-text", "language": "en"},  # the empty row
        ]
    )
    assert client.post(url, data).status_code == 302
    assert [d.title for d in call_a.documents.all()] == ["Call document", "Guide du candidat"]
    page = client.get(call_a.get_absolute_url()).text
    assert '<a href="https://ec.europa.eu/call.pdf" hreflang="en">Call document</a>' in page
    assert 'hreflang="fr" lang="fr">Guide du candidat</a>' in page
    assert "(Guide for applicants, French)" in page


def test_a_document_needs_a_web_address(client, ncp_a, call_a):
    client.force_login(ncp_a)
    url = reverse("manage_call_edit", args=[call_a.identifier])
    data = edit_call_data(call_a, version=1) | documents_data(
        [{"title": "Call document", "url": "not an address", "kind": "call-text", "language": "en"}]
    )
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Enter a valid URL." in response.text
    assert not call_a.documents.exists()
