"""Text from users and records shown as text: Markdown's active characters escaped."""

from __future__ import annotations

import re

# Streamlit renders Markdown (links, images, emphasis, :colour[…] and :emoji: directives, $LaTeX$)
# in titles, captions and messages; a backslash makes each of these characters literal
_ACTIVE = re.compile(r"([\\`*_{}\[\]<>()#+\-.!|~$:])")


def plain(text: object) -> str:
    """`text` as it reads, never as Markdown: a link stays its characters, an image is never
    fetched; line breaks become spaces (a title is one line)."""
    return _ACTIVE.sub(r"\\\1", " ".join(str(text).splitlines()))
