"""What a reader of an article sees: markup and invisible characters taken out of its text.

A user who pastes a scraped page expects its words, not its tags: :func:`strip_markup`
turns HTML into text (block elements such as ``p``, ``br``, ``div``, ``li`` and ``h1``-``h6``
become paragraph breaks, the contents of ``script`` and ``style`` go, entities are decoded),
but only when the text really holds a tag of an HTML element: ``a < b`` or ``x<3`` is plain
text and stays as written. In plain text, well-formed entities (``&amp;``, ``&#8217;``) are
decoded; a ``&`` that starts none (``AT&T``) stays.

Format characters (Unicode category Cf: bidi controls such as U+202E, zero-width spaces and
joiners, U+FEFF) are invisible, yet a bidi override turns "LLIK 21" into "12 KILL" on screen:
:func:`remove_format_characters` takes them out. Only the joiners a script or an emoji needs
(U+200C, U+200D between two non-ASCII characters) stay.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from html.entities import html5
from html.parser import HTMLParser

#: elements that end a paragraph where they start or end
BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "body", "br", "caption", "dd", "details", "div",
    "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5",
    "h6", "header", "hr", "html", "li", "main", "nav", "ol", "p", "pre", "section", "summary",
    "table", "td", "th", "tr", "ul",
})
#: elements whose contents a reader of the page never sees
HIDDEN_TAGS = frozenset({"script", "style", "template", "noscript", "title", "svg"})
#: the other HTML elements: a tag of one of these (or of the above) is what makes a text markup
INLINE_TAGS = frozenset({
    "a", "abbr", "b", "bdi", "bdo", "big", "button", "center", "cite", "code", "col", "colgroup",
    "data", "del", "dfn", "em", "embed", "font", "head", "i", "iframe", "img", "input", "ins", "kbd",
    "label", "link", "mark", "meta", "object", "option", "picture", "q", "s", "samp", "select",
    "small", "source", "span", "strike", "strong", "sub", "sup", "tbody", "tfoot", "thead", "time",
    "tt", "u", "var", "video", "audio", "wbr",
})
HTML_TAGS = BLOCK_TAGS | HIDDEN_TAGS | INLINE_TAGS

#: something that may open a tag or a comment; text without one cannot be markup
_TAG_START = re.compile(r"<[A-Za-z!/]")
#: a well-formed entity: numeric, or a name ending in ';'
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
#: a blank line: a paragraph break in plain text, kept as one in markup
_BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*\n")
_SPACES = re.compile(r"\s+")
_JOINERS = "\u200c\u200d"


@dataclass(frozen=True)
class Stripped:
    """A text with its markup taken out: whether it was HTML, and how many entities were decoded."""

    text: str
    html: bool
    entities: int


def _decode_entity(match: re.Match[str]) -> str:
    return html.unescape(match.group(0))


def _is_entity(match: re.Match[str]) -> bool:
    name = match.group(0)[1:]
    return name.startswith("#") or name in html5


def decode_entities(text: str) -> tuple[str, int]:
    """``text`` with its well-formed entities decoded, and how many there were."""
    count = 0

    def decode(match: re.Match[str]) -> str:
        nonlocal count
        if not _is_entity(match):
            return match.group(0)
        count += 1
        return _decode_entity(match)

    if "&" not in text:
        return text, 0
    return _ENTITY.sub(decode, text), count


class _PageText(HTMLParser):
    """Collects the text a browser shows, paragraph by paragraph, and counts what it saw."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)   # entities are counted as they are decoded
        self.paragraphs: list[list[str]] = [[]]
        self.hidden = 0                            # depth inside elements that are never shown
        self.tags = 0                              # tags of HTML elements (markup, not "a < b")
        self.entities = 0

    def _break(self) -> None:
        if self.paragraphs[-1]:
            self.paragraphs.append([])

    def _tag(self, tag: str, *, opens: bool, closes: bool) -> None:
        if tag not in HTML_TAGS:
            return
        self.tags += 1
        if tag in HIDDEN_TAGS:
            self.hidden += int(opens) - int(closes)
            self.hidden = max(self.hidden, 0)
        if tag in BLOCK_TAGS:
            self._break()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._tag(tag, opens=True, closes=False)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._tag(tag, opens=True, closes=True)

    def handle_endtag(self, tag: str) -> None:
        self._tag(tag, opens=False, closes=True)

    def handle_comment(self, data: str) -> None:
        self.tags += 1                             # a comment is markup too, and never shown

    def handle_data(self, data: str) -> None:
        if self.hidden:
            return
        # a blank line in the data still parts paragraphs (plain text with a few tags in it)
        for i, piece in enumerate(_BLANK_LINE.split(data)):
            if i:
                self._break()
            self.paragraphs[-1].append(piece)

    def handle_entityref(self, name: str) -> None:
        if self.hidden:
            return
        if f"{name};" in html5:
            self.entities += 1
            self.paragraphs[-1].append(html5[f"{name};"])
        else:
            self.paragraphs[-1].append(f"&{name}")

    def handle_charref(self, name: str) -> None:
        if self.hidden:
            return
        self.entities += 1
        self.paragraphs[-1].append(html.unescape(f"&#{name};"))

    def text(self) -> str:
        """The paragraphs, whitespace collapsed as a browser does, parted by blank lines."""
        shown = (_SPACES.sub(" ", "".join(p)).strip() for p in self.paragraphs)
        return "\n\n".join(p for p in shown if p)


def _parse(text: str) -> _PageText | None:
    parser = _PageText()
    try:
        parser.feed(text)
        parser.close()
    except (AssertionError, ValueError):
        # the standard parser gives up on a few malformed declarations ("<![if x]>"): such a
        # text is treated as plain, its entities still decoded
        return None
    return parser


def strip_markup(text: str) -> Stripped:
    """``text`` as a reader of the page sees it: HTML turned into text when it holds a tag of
    an HTML element, else only its well-formed entities decoded."""
    if _TAG_START.search(text):
        parser = _parse(text)
        if parser is not None and parser.tags:
            return Stripped(parser.text(), True, parser.entities)
    decoded, entities = decode_entities(text)
    return Stripped(decoded, False, entities)


@cache
def _format_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Every character of category Cf (as this Python's Unicode tables have it) but the joiners
    (:data:`_LONE_JOINER` handles those): those of the BMP, and those beyond it (tags, musical
    symbols), apart because a class with astral ranges is several times slower to scan.
    Cf characters lie in planes 0, 1 and 14 only."""
    ranges: list[list[int]] = []
    for plane in (range(0x0000, 0x20000), range(0xE0000, 0xE1000)):
        for c in plane:
            if unicodedata.category(chr(c)) != "Cf" or chr(c) in _JOINERS:
                continue
            if ranges and ranges[-1][1] == c - 1:
                ranges[-1][1] = c
            else:
                ranges.append([c, c])

    def char_class(spans: list[list[int]]) -> re.Pattern[str]:
        return re.compile("[" + "".join(re.escape(chr(a)) + (f"-{re.escape(chr(b))}" if b > a else "")
                                        for a, b in spans) + "]")

    return (char_class([r for r in ranges if r[1] <= 0xFFFF]), char_class([r for r in ranges if r[0] > 0xFFFF]))


#: a joiner that does not stand between two non-ASCII characters (a script's letters, an emoji)
_LONE_JOINER = re.compile(r"(?<![^\x00-\x7f\s])[\u200c\u200d]|[\u200c\u200d](?![^\x00-\x7f\s])")
_ANY_JOINER = re.compile(f"[{_JOINERS}]")


def remove_format_characters(text: str, *, keep_joiners: bool = True) -> tuple[str, int]:
    """``text`` without invisible format characters (category Cf), and how many were removed.

    With ``keep_joiners``, U+200C and U+200D between two non-ASCII characters stay: Persian,
    Indic scripts and emoji sequences are spelled with them."""
    if text.isascii():
        return text, 0
    bmp, astral = _format_patterns()
    out, n = bmp.subn("", text)
    if len(out.encode("utf-16-le", "surrogatepass")) > 2 * len(out):   # a character beyond the BMP
        out, beyond = astral.subn("", out)
        n += beyond
    if "\u200c" in out or "\u200d" in out:
        out, joiners = (_LONE_JOINER if keep_joiners else _ANY_JOINER).subn("", out)
        n += joiners
    return out, n


def format_characters(text: str) -> list[str]:
    """The format characters (category Cf) in ``text``, in order."""
    return [] if text.isascii() else [ch for ch in text if unicodedata.category(ch) == "Cf"]
