"""Show text that came from outside (the URL, a loaded file, a sign-in provider) as plain text in Streamlit.

Streamlit renders the body of `st.markdown`, `st.caption`, `st.warning`, `st.info`... as GitHub-flavoured
markdown with its own additions: `:material/icon:` icons, `:red[...]` colours, `:emoji:` shortcodes and `$...$`
LaTeX. A value such as `[Sign in](http://evil.example)` in a URL parameter would become a live link, and
`![x](http://evil.example/a.png)` an image the browser fetches. `plain` makes a value inert: apply it to the
value where it is inserted into a message, not to the whole message (which may hold intended markdown).

Backslash escapes stop the markdown parser. Two of Streamlit's steps run later, on the parsed text (where the
escapes are gone): GFM's bare-URL and e-mail links (`http://…`, `www.…`, `a@b.c`) and `:name:` emoji. For those
an invisible WORD JOINER (U+2060) goes after each colon, before each `@` and after a `www` before a dot: the text
reads the same, and no link or emoji is made of it.

Pure (no Streamlit): `gpaccess.url_state` builds its notes with it.
"""

from __future__ import annotations

import re
import string

LIMIT = 80  # characters of an outside value shown before "…"
ELLIPSIS = "…"

# Every ASCII punctuation character may be backslash-escaped in CommonMark, and an escaped one is literal text.
# A hyphen inside a value is left as it is (it means something in markdown only at the start of a line, and a
# value here never holds a line break), so codes and dates such as 2025-10 stay readable in the source.
_ESCAPE = re.compile("[" + re.escape(string.punctuation.replace("-", "")) + "]")
# Line breaks and other control characters (a value must not start a new markdown block), and the invisible
# bidirectional controls that could make the text read differently from what it is.
_BREAKS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
_BIDI = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# What text users write (a commentary, the reason for a recorded change) may not hold: either of the above.
CONTROL = re.compile(f"{_BREAKS.pattern[:-1]}|{_BIDI.pattern}")
JOINER = "\u2060"  # WORD JOINER: no width, no line break, neither space nor punctuation
# where a joiner goes in an escaped text: after a colon, before an escaped "@", between "www" and an escaped dot
_JOIN = re.compile(r"(?<=:)|(?=\\@)|(?<=www)(?=\\\.)", re.IGNORECASE)


def shorten(value: object, limit: int | None = LIMIT) -> str:
    """The value as one line of text, at most `limit` characters (then "…"); no escaping."""
    text = _BIDI.sub("", _BREAKS.sub(" ", str(value))).strip()
    if limit is not None and len(text) > limit:
        return text[:limit].rstrip() + ELLIPSIS
    return text


def escape_markdown(text: str) -> str:
    """Backslash-escape every markdown-significant ASCII punctuation character (see `_ESCAPE`) and break what
    Streamlit would turn into links or emoji after parsing (see the module's docstring)."""
    escaped = _ESCAPE.sub(lambda m: "\\" + m.group(0), _BIDI.sub("", text))
    escaped = _JOIN.sub(JOINER, escaped)
    return "\\" + escaped if escaped.startswith("-") else escaped


def plain(value: object, limit: int | None = LIMIT) -> str:
    """An outside value, shortened to one line and escaped, to put inside Streamlit markdown as plain text."""
    return escape_markdown(shorten(value, limit))
