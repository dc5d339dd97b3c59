"""Bodies the API cannot read answer 400 in JSON, like any other invalid body."""

import pytest

URL = "/api/v1/calls/"


@pytest.mark.parametrize(
    "body",
    [
        pytest.param("[" * 100_000 + "]" * 100_000, id="arrays"),
        pytest.param('{"a": ' * 50_000 + "1" + "}" * 50_000, id="objects"),
        pytest.param('{"title": ' + "[" * 100_000, id="unclosed"),
    ],
)
@pytest.mark.parametrize("method", ["post", "patch"])
def test_json_nested_tens_of_thousands_deep_is_a_bad_request(personas, method, body):
    url = URL if method == "post" else f"{URL}{personas.call_a.identifier}/"
    response = getattr(personas.client("ncp_a"), method)(url, body, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["JSON parse error - nested too deeply."]}


def test_a_body_over_the_upload_limit_is_400_in_json(personas, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = '{"title": "' + "x" * 2000 + '"}'
    response = personas.client("ncp_a").post(URL, body, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"detail": "Bad request."}
