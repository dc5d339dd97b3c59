"""“Download these results (CSV)” on /calls/: the API's CSV of the same calls, with the
filters of the page; UTF-8 with a byte-order mark so that spreadsheet programs read the
accents and the Greek letter of the demo data right."""

import csv
import html
import io
import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.usefixtures("demo")


def csv_link(response) -> str:
    [href] = re.findall(
        r'<a href="([^"]+)" download>Download these results \(CSV\)</a>', response.text
    )
    return html.unescape(href)


def test_the_csv_has_the_calls_of_the_page_with_its_filters(client):
    page = client.get(reverse("call_list"), {"status": "closed", "q": "trafficking", "page": "1"})
    shown = set(re.findall(r'<code class="identifier">([^<]+)</code>', page.text))
    link = csv_link(page)
    assert "format=csv" in link and "status=closed" in link and "page=" not in link
    response = client.get(link)
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert body.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert (
        {row["identifier"] for row in rows}
        == shown
        == {
            "AMIF-2024-TF2-AG-THB-01",
            "AMIF-2022-AG-CALL-THB",
        }
    )
    [greek] = [row for row in rows if row["identifier"] == "AMIF-2022-AG-CALL-THB"]
    assert greek["title"].startswith("Αssistance")


def test_invalid_filters_are_left_out_as_on_the_page(client):
    params = {"status": "closed", "closes_after": "not a date", "sort": "-opens_at"}
    link = csv_link(client.get(reverse("call_list"), params))
    assert "status=closed" in link and "sort" not in link
    assert "closes_after" not in link
    assert client.get(link).status_code == 200


def test_filters_the_form_sent_empty_are_left_out(client):
    # What a browser sends for the filter form untouched: every field, most of them empty.
    empty = [
        "q",
        "fund",
        "programme",
        "eligible",
        "theme",
        "closes_after",
        "closes_before",
        "action",
        "source",
    ]
    params = {"status": "closed"} | dict.fromkeys(empty, "")
    link = csv_link(client.get(reverse("call_list"), params))
    assert "fund=" not in link and "action=" not in link
    response = client.get(link)
    assert response.status_code == 200
    assert len(list(csv.DictReader(io.StringIO(response.getvalue().decode("utf-8-sig"))))) == 9
