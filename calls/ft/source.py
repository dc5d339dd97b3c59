"""The F&T search API's results, one page at a time, from a file or from the API itself.

The API is best-effort (it has answered 500 to everything for hours): each page is
tried again after a growing pause on a server error, a timeout or an unreadable
answer. Only one page is held at a time, so memory does not grow with the result.
"""

import json
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.error import HTTPError, URLError
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit
from urllib.request import Request, urlopen

GRANT_TYPES = ["1", "2", "8"]
STATUSES = ["31094501", "31094502", "31094503"]  # forthcoming, open, closed: all, so that
# a topic that closes is not taken for one that left the source.
PAGE_SIZE = 100  # the API's maximum


class SourceError(Exception):
    """The source, or a page of it, could not be read."""


@dataclass(frozen=True)
class Page:
    number: int
    results: list
    total: int


@dataclass(frozen=True)
class Fetching:
    """How to read the API: seconds to wait for an answer, attempts per page, first pause
    between attempts, results per page (at most 100)."""

    timeout: float = 60.0
    attempts: int = 5
    backoff: float = 2.0
    page_size: int = PAGE_SIZE


def is_listing(source: str) -> bool:
    """Whether `source` lists the whole scope (the API), so that a topic it lacks has left
    F&T; a file is one answer, perhaps one page, and proves nothing of what it lacks."""
    return urlsplit(source).scheme in ("http", "https")


def pages(
    source: str, *, programmes: list[str] | None, fetching: Fetching = Fetching()
) -> Iterator[Page]:
    """The pages of `source`: a URL of the search API (all pages, of `programmes`, or of
    every programme for None) or a JSON file of one answer. `SourceError` when a page
    cannot be read after its attempts; the pages before it have been given."""
    if is_listing(source):
        yield from _api_pages(source, programmes, fetching)
    else:
        yield _file_page(Path(source))


def _file_page(path: Path) -> Page:
    try:
        answer = json.loads(path.read_bytes())
    except (OSError, ValueError) as error:
        raise SourceError(f"{path}: {error}") from None
    return _page(answer, 1, str(path))


def _page(answer, number: int, where: str) -> Page:
    if not isinstance(answer, dict) or not isinstance(answer.get("results"), list):
        raise SourceError(f"{where}: not a search-API answer (no results list)")
    total = answer.get("totalResults")
    return Page(number, answer["results"], total if isinstance(total, int) else 0)


def _api_pages(url: str, programmes: list[str] | None, fetching: Fetching) -> Iterator[Page]:
    body, content_type = _multipart(query_parts(programmes))
    number, read = 1, 0
    while True:
        page_url = _page_url(url, number, fetching.page_size)
        page = _fetch(page_url, body, content_type, number, fetching)
        yield page
        read += len(page.results)
        if not page.results or read >= page.total:
            return
        number += 1


def query_parts(programmes: list[str] | None) -> dict:
    """The search's JSON parts. As plain form fields the API answers 500, in the URL it
    ignores them: they go as multipart parts of type application/json."""
    must = [{"terms": {"type": GRANT_TYPES}}, {"terms": {"status": STATUSES}}]
    if programmes is not None:
        must.insert(1, {"terms": {"frameworkProgramme": programmes}})
    return {
        "query": {"bool": {"must": must}},
        "languages": ["en"],
        # A stable order, so that pages neither skip nor repeat topics.
        "sort": {"field": "identifier", "order": "ASC"},
    }


def _page_url(url: str, number: int, size: int) -> str:
    parts = urlsplit(url)
    params = dict(parse_qsl(parts.query)) | {"pageSize": str(size), "pageNumber": str(number)}
    params = {"apiKey": "SEDIA", "text": "***"} | params
    return urlunsplit(parts._replace(query=urlencode(params, safe="*")))


def _multipart(parts: dict) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    chunks = []
    for name, value in parts.items():
        chunks.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{name}"'
            f"\r\nContent-Type: application/json\r\n\r\n{json.dumps(value)}\r\n"
        )
    chunks.append(f"--{boundary}--\r\n")
    return "".join(chunks).encode(), f"multipart/form-data; boundary={boundary}"


def _fetch(url: str, body: bytes, content_type: str, number: int, fetching: Fetching) -> Page:
    """One page, tried `fetching.attempts` times, pausing backoff, 2x backoff, 4x ..."""
    problem = ""
    for attempt in range(fetching.attempts):
        if attempt:
            time.sleep(fetching.backoff * 2 ** (attempt - 1))
        request = Request(url, data=body, headers={"Content-Type": content_type})
        try:
            with urlopen(request, timeout=fetching.timeout) as answer:  # noqa: S310 (http(s) only)
                return _page(json.loads(answer.read()), number, f"page {number}")
        except HTTPError as error:
            if error.code < 500 and error.code != 429:
                raise SourceError(f"page {number}: HTTP {error.code}") from None
            problem = f"HTTP {error.code}"
        except (URLError, TimeoutError, OSError, ValueError, SourceError) as error:
            problem = str(getattr(error, "reason", error)) or type(error).__name__
    raise SourceError(f"page {number}: {problem} after {fetching.attempts} attempts")
