"""The HTML of imported descriptions, made safe on the way in: an allow-list of tags and
attributes (nh3), never the feed's HTML as it came."""

import html

import nh3

TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "caption",
    "code",
    "dd",
    "div",
    "dl",
    "dt",
    "em",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "li",
    "ol",
    "p",
    "span",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "u",
    "ul",
}
ATTRIBUTES = {"a": {"href", "title"}, "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"}}


def sanitise(text: str) -> str:
    """`text` with only the allowed tags and attributes; links get rel="noopener noreferrer"."""
    return nh3.clean(
        text, tags=TAGS, attributes=ATTRIBUTES, url_schemes={"http", "https", "mailto"}
    ).strip()


def plain_text(text: str) -> str:
    """The words of an HTML fragment, one paragraph per block, for search and plain exports."""
    blocks = nh3.clean(
        text.replace("</p>", "</p>\n\n").replace("<br>", "\n").replace("</li>", "</li>\n"),
        tags=set(),
    )
    lines = (" ".join(line.split()) for line in html.unescape(blocks).splitlines())
    return "\n".join(lines).strip()
