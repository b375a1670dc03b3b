"""A Markdown comment as GitHub shows it: cmark-gfm's HTML (autolinks, tables, raw HTML kept), read back as
its tags and the text outside code, where GitHub also makes mentions, issue links and emoji."""

from __future__ import annotations

from html.parser import HTMLParser

import cmarkgfm
from cmarkgfm.cmark import Options

CODE = {"code", "pre"}
LINK_TRIGGERS = ("@", "://", "www.")
"""What GitHub makes a link or a mention of in text outside code (an e-mail, a URL, a host, a user)."""
OWN = {"h2", "p", "table", "thead", "tbody", "tr", "th", "td", "strong", "em", "ul", "li", "details"}
OWN |= {"summary", *CODE}
"""The tags of a plan's own Markdown."""


class _Shape(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.shape: list[tuple[str, str]] = []
        self.in_code = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.shape.append((tag, repr(attrs)))
        self.in_code += tag in CODE

    def handle_endtag(self, tag: str) -> None:
        self.shape.append((f"/{tag}", ""))
        self.in_code -= tag in CODE

    def handle_data(self, data: str) -> None:
        if not self.in_code:
            self.shape.append(("text", data))

    def handle_comment(self, data: str) -> None:
        self.shape.append(("comment", data))


def shape(markdown: str) -> list[tuple[str, str]]:
    """Every tag (with its attributes) of the HTML GitHub's renderer makes of ``markdown``, and every text
    outside code: what code holds is left out, as GitHub leaves it alone."""
    html = cmarkgfm.github_flavored_markdown_to_html(markdown, options=Options.CMARK_OPT_UNSAFE)
    parser = _Shape()
    parser.feed(html)
    parser.close()
    return parser.shape


def links_or_html(markdown: str) -> list[tuple[str, str]]:
    """The links, images, HTML comments and tags other than the plan's own, and the text outside code that
    GitHub would link or mention (``@``, ``://``, ``www.``)."""
    return [
        (what, data)
        for what, data in shape(markdown)
        if (any(t in data for t in LINK_TRIGGERS) if what == "text" else what.lstrip("/") not in OWN)
    ]
