"""escape_markdown: a person's text renders as itself, never as a link, image or markup."""

from __future__ import annotations

import html
import re

from hypothesis import given, strategies as st
from markdown_it import MarkdownIt
import pytest

from custom_components.backwalk.model.markdown import escape_markdown

# CommonMark with raw HTML allowed, as Home Assistant's frontend allows some.
_RENDERER = MarkdownIt("commonmark", {"html": True})
_TAG = re.compile(r"<[^>]*>")
# Bare links GFM makes without any markup (CommonMark alone does not): a scheme,
# "www." at the start of a word, an e-mail address.
_BARE_LINK = re.compile(r"(?<!\\)://|(?<![^\W_])www\.|(?<!\\)@", re.IGNORECASE)

_SPECIALS = "\\`*_~[]()<>&!|#:@-+.=!\n\t "
_TEXT = st.text(
    alphabet=st.one_of(
        st.sampled_from(_SPECIALS),
        st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")),
    ),
    max_size=40,
)


def _rendered_text(markdown: str) -> str:
    """What a reader sees: the rendered HTML must be one plain paragraph (or nothing)."""
    rendered = _RENDERER.render(markdown)
    tags = set(_TAG.findall(rendered))
    assert tags <= {"<p>", "</p>"}, (markdown, rendered)
    return html.unescape(_TAG.sub("", rendered)).strip("\n")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Alex", "Alex"),
        ("Anne-Marie O'Neil", "Anne-Marie O'Neil"),
        ("notify.mobile_app_anne_marie", "notify.mobile_app_anne_marie"),
        ("Dëmo 李明 😀", "Dëmo 李明 😀"),
        (
            "[Tap to confirm your login](https://evil.example/login)",
            r"\[Tap to confirm your login\](https\://evil.example/login)",
        ),
        ("![x](https://evil.example/x.png)", r"!\[x\](https\://evil.example/x.png)"),
        ("<img src=x>", "&lt;img src=x&gt;"),
        ("Tom & Jerry", "Tom &amp; Jerry"),
        ("www.evil.example", r"www\.evil.example"),
        ("ask@evil.example", r"ask\@evil.example"),
        ("*bold* _it_ `code` ~x~", r"\*bold\* \_it\_ \`code\` \~x\~"),
        ("# Heading", r"\# Heading"),
        ("- item", r"\- item"),
        ("1. item", r"1\. item"),
        (
            "Kim\n\n# Heading\n[x]: https://evil.example",
            r"Kim # Heading \[x\]\: https\://evil.example",
        ),
        ("back\\", "back\\\\"),
    ],
)
def test_escape_markdown(text: str, expected: str) -> None:
    """Ordinary names pass unchanged; everything markdown could act on is escaped."""
    assert escape_markdown(text) == expected
    assert not _BARE_LINK.search(expected)
    assert _rendered_text(expected) == " ".join(text.split())


@given(_TEXT)
def test_escaped_text_renders_as_itself(text: str) -> None:
    """Whatever was typed renders as that text on one line, with no link or markup."""
    escaped = escape_markdown(text)
    assert "\n" not in escaped
    assert not _BARE_LINK.search(escaped), escaped
    assert _rendered_text(escaped) == " ".join(text.split())
