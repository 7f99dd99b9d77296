"""Split articles into sentences and keep the ones that state something checkable.

Sentence boundaries come from ``syntok`` (it handles "U.N.", "a.m.", "No. 10"),
run one line of the article at a time so that a headline on its own line never
fuses with the lead. Every sentence keeps its character offsets into the
article text. A sentence is *dropped*, with a reason, when it is site furniture
(patterns in ``data/boilerplate.toml``), a question, shorter than
``min_words`` words, a repeat of the headline, or a repeat of an earlier
sentence of the same article. Nothing disappears: dropped sentences are
returned beside the claims.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache, partial

import pandas as pd
import syntok.segmenter as segmenter

from ..engines import Engine, batches_of, is_local
from ..lexicons import data_file
from ..schema import CLAIM_COLUMNS, DROPPED_COLUMNS, require_columns

_WORD = re.compile(r"[^\W_]", re.UNICODE)
_TERMINAL = re.compile(r"""[.!?…]["'”’)\]]*\s*$""")
_QUESTION = re.compile(r"""\?["'”’)\]]*\s*$""")
_SPACE = re.compile(r"\s+")
_LEAD = re.compile(r"(?:\s|[—–•·*]|-(?=\s))*")
#: Chinese and Japanese script: no spaces between words, its own full stops
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_CJK_STOP = re.compile(r"[。！？]+[」』”’）)]*")


@dataclass(frozen=True)
class Sentence:
    """A sentence of an article: ``text == article[start:end]``. ``furniture``: the boilerplate
    group it matches (:func:`furniture_of`), ``""`` for none, ``None`` when not looked up yet (the
    parse cache keeps the verdict with the offsets: the patterns are a slow part of a run)."""

    start: int
    end: int
    text: str
    furniture: str | None = field(default=None, compare=False)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Narrow a span past surrounding whitespace and a leading dash or bullet
    ("WASHINGTON (GWS) — The Pentagon said..." splits before the dash)."""
    m = _LEAD.match(text, start, end)
    if m:
        start = m.end()
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def split_sentences(text: str) -> list[Sentence]:
    """Sentences of ``text`` with offsets; ``text[s.start:s.end] == s.text``."""
    return list(iter_sentences(text))


def iter_sentences(text: str) -> Iterator[Sentence]:
    """The sentences of :func:`split_sentences`, one at a time: a reader of the first few
    (an article's lead) does not segment the rest. Lines are segmented one by one, so the
    first sentences never depend on what follows them."""
    line_start = 0
    for line in text.splitlines(keepends=True):
        if line.strip():
            for paragraph in segmenter.analyze(line):
                for sentence in paragraph:
                    tokens = list(sentence)
                    if not tokens:
                        continue
                    start = line_start + tokens[0].offset
                    end = line_start + tokens[-1].offset + len(tokens[-1].value)
                    start, end = _trim(text, start, end)
                    if start < end:
                        yield from _split_cjk(text, Sentence(start, end, text[start:end]))
        line_start += len(line)


def _split_cjk(text: str, sentence: Sentence) -> list[Sentence]:
    """Split a span at Chinese/Japanese full stops (。！？), which syntok does not know."""
    if not _CJK_STOP.search(sentence.text):
        return [sentence]
    pieces, start = [], sentence.start
    for m in _CJK_STOP.finditer(text, sentence.start, sentence.end):
        a, b = _trim(text, start, m.end())
        if a < b:
            pieces.append(Sentence(a, b, text[a:b]))
        start = m.end()
    a, b = _trim(text, start, sentence.end)
    if a < b:
        pieces.append(Sentence(a, b, text[a:b]))
    return pieces


@lru_cache(maxsize=1)
def boilerplate_patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """(group name, compiled pattern) pairs from ``data/boilerplate.toml``."""
    doc = data_file("boilerplate.toml")
    return tuple(
        (group, re.compile(pattern, re.IGNORECASE))
        for group, table in doc.items()
        for pattern in table["patterns"]
    )


@lru_cache(maxsize=1)
def _any_boilerplate() -> re.Pattern[str] | None:
    """One pattern that matches where any of :func:`boilerplate_patterns` does: most sentences
    are not furniture, and one search tells so (None when the patterns cannot be joined)."""
    try:
        return re.compile("|".join(f"(?:{p.pattern})" for _, p in boilerplate_patterns()), re.IGNORECASE)
    except re.error:
        return None


def word_count(text: str) -> int:
    """Words of ``text``; in Chinese or Japanese script, where words are not spaced, each character counts."""
    if not _CJK.search(text):
        return sum(1 for token in text.split() if _WORD.search(token))
    count = 0
    for token in text.split():
        cjk = len(_CJK.findall(token))
        count += cjk + (1 if _WORD.search(_CJK.sub("", token)) else 0) if cjk else (1 if _WORD.search(token) else 0)
    return count


def _normalise(text: str) -> str:
    return _SPACE.sub(" ", re.sub(r"[^\w\s]", "", text.casefold())).strip()


def furniture_of(sentence: str) -> str:
    """The group of the first boilerplate pattern ``sentence`` matches, or ``""``."""
    stripped = sentence.strip()
    any_furniture = _any_boilerplate()
    for group, pattern in boilerplate_patterns() if any_furniture is None or any_furniture.search(stripped) else ():
        if pattern.search(stripped):
            return group
    return ""


def drop_reason(sentence: str, *, min_words: int, max_chars: int | None = None,
                furniture: str | None = None) -> str | None:
    """Why ``sentence`` is not a claim on its own merits, or ``None`` if it may be one;
    ``furniture``: its :func:`furniture_of`, when already known."""
    stripped = sentence.strip()
    if max_chars is not None and len(stripped) > max_chars:
        return "too_long"
    group = furniture_of(stripped) if furniture is None else furniture
    if group:
        return f"boilerplate:{group}"
    if _QUESTION.search(stripped):
        return "question"
    if word_count(stripped) < min_words:
        return "too_short"
    return None


@dataclass(frozen=True)
class SentenceLimits:
    """Sentences of one article past ``max_sentences`` are dropped (``over_sentence_limit``),
    and a sentence longer than ``max_chars`` characters too (``too_long``: no parse, no embedding)."""

    max_sentences: int | None = None
    max_chars: int | None = None


def _article_sentences(
    text: str, title: str | None, *, min_words: int, limits: SentenceLimits = SentenceLimits(),
    sentences: list[Sentence] | None = None,
) -> Iterator[tuple[int, Sentence, str | None]]:
    seen: set[str] = set()
    title_key = _normalise(title) if title else None
    for idx, sentence in enumerate(split_sentences(text) if sentences is None else sentences):
        if limits.max_sentences is not None and idx >= limits.max_sentences:
            yield idx, sentence, "over_sentence_limit"
            continue
        if limits.max_chars is not None and len(sentence.text) > limits.max_chars:
            yield idx, sentence, "too_long"
            continue
        key = _normalise(sentence.text)
        reason = None
        if title_key is not None and key == title_key:
            reason = "headline"
        elif (idx == 0 and title_key is None and not _TERMINAL.search(sentence.text)
              and "\n" in text[sentence.end:sentence.end + 2]):
            # a first line with no closing punctuation is the headline of a plain-text article
            reason = "headline"
        reason = reason or drop_reason(sentence.text, min_words=min_words, furniture=sentence.furniture)
        if reason is None and key in seen:
            reason = "duplicate_in_article"
        seen.add(key)
        yield idx, sentence, reason


def extract_claims(articles: pd.DataFrame, *, min_words: int = 5, limits: SentenceLimits = SentenceLimits(),
                   sentences: Sequence[list[Sentence]] | None = None,
                   engine: Engine | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split ``articles`` into (claims, dropped) frames; see :mod:`corroborate.schema`.

    ``sentences``: each article's :func:`split_sentences`, when already known (the parse cache
    keeps them, :func:`corroborate.text.parse_cache.split_articles`). ``engine``
    (:mod:`corroborate.engines`): the articles are read on its workers, :data:`CLAIMS_BATCH` a
    task, and the frames joined in order (the same frames)."""
    require_columns(articles, ("article_id", "source", "text"), "articles")
    if not is_local(engine):
        return _extract_on(engine, articles, min_words=min_words, limits=limits, sentences=sentences)
    claims: list[tuple[object, ...]] = []
    dropped: list[tuple[object, ...]] = []
    titles = articles["title"] if "title" in articles.columns else [None] * len(articles)
    split = sentences if sentences is not None else [None] * len(articles)
    for article_id, source, text, title, known in zip(
        articles["article_id"], articles["source"], articles["text"], titles, split, strict=True
    ):
        title = title if isinstance(title, str) else None
        for idx, sentence, reason in _article_sentences(text, title, min_words=min_words, limits=limits,
                                                        sentences=known):
            if reason is None:
                claims.append((f"{article_id}:{idx}", article_id, source, idx,
                               sentence.start, sentence.end, sentence.text))
            else:
                dropped.append((article_id, source, idx, sentence.start, sentence.end,
                                sentence.text, reason))
    claims_frame = pd.DataFrame(claims, columns=list(CLAIM_COLUMNS))
    dropped_frame = pd.DataFrame(dropped, columns=list(DROPPED_COLUMNS))
    for frame in (claims_frame, dropped_frame):
        for col in ("sent_idx", "start", "end"):
            frame[col] = frame[col].astype("int64")
    return claims_frame, dropped_frame


#: articles read into claims per task of an engine
CLAIMS_BATCH = 500


def claims_batch(batch: tuple[pd.DataFrame, Sequence[list[Sentence]] | None], *, min_words: int,
                 limits: SentenceLimits) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One task: the (claims, dropped) of a batch of articles and, when known, their sentences."""
    return extract_claims(batch[0], min_words=min_words, limits=limits, sentences=batch[1])


def _extract_on(engine: Engine, articles: pd.DataFrame, *, min_words: int, limits: SentenceLimits,
                sentences: Sequence[list[Sentence]] | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    columns = [c for c in ("article_id", "source", "text", "title") if c in articles.columns]
    batches = [(articles.iloc[part][columns], None if sentences is None else [sentences[i] for i in part])
               for part in batches_of(range(len(articles)), CLAIMS_BATCH)]
    if not batches:
        return extract_claims(articles, min_words=min_words, limits=limits, sentences=sentences)
    parts = engine.map(partial(claims_batch, min_words=min_words, limits=limits), batches, label="claims")
    return (pd.concat([c for c, _ in parts], ignore_index=True),
            pd.concat([d for _, d in parts], ignore_index=True))


__all__ = ["Sentence", "SentenceLimits", "split_sentences", "iter_sentences", "extract_claims", "drop_reason",
           "furniture_of"]
