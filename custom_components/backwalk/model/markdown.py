"""Text a person typed (a name, a note), made safe to place into markdown.

Home Assistant renders notifications, repair descriptions and flow descriptions as
markdown with some HTML; a profile named "[Confirm your login](https://evil.example)"
must show as those characters, not as a link. Phones and plain-text titles show the
same text unrendered, so only what markdown could act on is escaped: an ordinary name
("Anne-Marie O'Neil", "notify.mobile_app_anne_marie") comes out unchanged.
"""

from __future__ import annotations

import re

# Entities, not backslashes: some renderers (Android's notifications) read HTML only.
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
# Markdown anywhere in a line: code, emphasis, strikethrough, links and images, tables;
# ":" and "@" would let a bare URL or e-mail address become a link (GFM autolinks).
_ALWAYS = frozenset("\\`*~[]|:@")
# What starts a block (list, heading) when it opens a line.
_LINE_START = re.compile(r"[-+#]|\d{1,9}[.)]")


def escape_markdown(text: str) -> str:
    """Return `text` as one line that renders as itself in markdown and HTML."""
    # Line breaks could open a block (a list, a heading, a link reference).
    text = " ".join(text.split())
    start = _LINE_START.match(text)
    out: list[str] = []
    for index, char in enumerate(text):
        before = text[index - 1] if index else ""
        after = text[index + 1 : index + 2]
        if char in _HTML:
            out.append(_HTML[char])
        elif (
            char in _ALWAYS
            or (start is not None and index == start.end() - 1)
            # Inside a word ("mobile_app_anne") an underscore is never emphasis.
            or (char == "_" and not (before.isalnum() and after.isalnum()))
            # "www." starts a link without any scheme.
            or (char == "." and _ends_with_www(text, index))
        ):
            out.append("\\" + char)
        else:
            out.append(char)
    return "".join(out)


def _ends_with_www(text: str, index: int) -> bool:
    """Whether text[:index] ends with the word "www" (any case)."""
    word_start = index - 3
    return text[word_start:index].lower() == "www" and (
        word_start == 0 or not text[word_start - 1].isalnum()
    )
