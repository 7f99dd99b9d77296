"""The features of a pair of articles that tell whether they report one event.

Two articles are compared on the whole report (its kept sentences, so site
furniture does not make pages alike), through the features of
:data:`corroborate.schema.EVENT_FEATURES`:

* ``body``: TF-IDF cosine of title and kept sentences (English stop words removed);
* ``title``: TF-IDF cosine of the titles;
* ``proper``: TF-IDF cosine of the proper words (capitalised words not at a
  sentence start, upper-case words: names, places, datelines);
* ``proper_lead``: the same over the title and the first 600 characters;
* ``names``: TF-IDF cosine of multi-word names ("Jamick Dakota Corley", "Mount Oliver");
* ``lead_words``: TF-IDF cosine of the title and the first 600 characters;
* ``lead_embedding``: cosine of the sentence embeddings of the leads
  (:func:`corroborate.grouping.events.lead_text`);
* ``ages_shared`` / ``ages_conflict``: Jaccard of the ages stated ("16-year-old",
  "Smith, 34,"), and 1 when both state ages and none is shared;
* ``streets_shared`` / ``streets_conflict``: the same for street names;
* ``log_closest_days``: log(1 + days between the closest dates of the two
  articles, each article's dates being its publication day and the days it
  mentions, "Oct. 20", "July 2014", "early Sunday"): a trial report a year
  later names the day;
* ``log_days``: log(1 + days between publication) (a pair with an undated article
  is taken as :data:`UNKNOWN_DAYS` apart: its time says nothing either way);
* ``same_source``: one outlet rarely reports one event twice in a few days
  unless it follows it up, so this is a feature, not a rule;
* what sets a pair apart on a dense stream (:mod:`corroborate.grouping.rarity`):
  ``rare_proper`` (shared proper words named by at most 8 articles, 3 or more
  counting 1), ``shared_rarity`` (the sum of ``1 / (df - 1)`` over the shared
  proper words, at most 3), ``rare_proper_cosine`` (the cosine over those rare
  words only), ``burst_rarity`` (the shared word most confined to the pair's own
  days), ``body_relative`` / ``lead_relative`` (the pair's similarity over each
  article's best among its candidates), and the day features discounted by
  them: ``log_days_unshared`` (days apart when no rare word is shared),
  ``log_closest_unshared``, ``log_closest_unburst`` and ``log_days_unburst``.

What an article names is read by :mod:`corroborate.grouping.mentions`. Only
candidate pairs are computed: :meth:`PreparedArticles.candidates` proposes
each article's nearest neighbours (:mod:`corroborate.neighbours`)
and keeps those alike in ``body`` or ``proper`` (cosine at least
``candidate_similarity``) or with near-identical leads.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy.sparse import csr_matrix
from sklearn.feature_extraction.text import TfidfVectorizer

from ..neighbours import vector_neighbours, word_neighbours
from ..progress import Progress
from ..schema import EVENT_FEATURES
from .mentions import ages, mentioned_days, names, proper_words, streets
from .rarity import RARE_DF, inverse_df, rare_columns, rare_tfidf, rarity_features

FEATURES = EVENT_FEATURES
LEAD_CHARS = 600
#: the days apart of a pair whose time is unknown (an undated article): none, so that only what
#: the two reports say decides (the dev corpora are all dated, so no weight was fitted on a
#: guess; three days apart costs a pair most of its probability under the near model)
UNKNOWN_DAYS = 0.0
#: candidate pairs per block when their features are computed (bounds memory, not the result)
PAIR_BLOCK = 16384
BARE_CANDIDATE_SIMILARITY = 0.7
#: partners per article proposed by each candidate search (rare words, proper words, leads)
NEIGHBOURS = 20
#: a term named by more articles than this proposes no pair (it is still in the features)
MAX_DF = 64

Feature = Callable[[], np.ndarray]


@dataclass(frozen=True)
class PairFeatures:
    """Candidate article pairs ``(left[k], right[k])`` with ``left < right`` and their features."""

    left: np.ndarray
    right: np.ndarray
    values: np.ndarray                 # (n_pairs, len(FEATURES))
    bare: np.ndarray                   # both articles name nothing specific


def pair_features(articles: pd.DataFrame, lead_vectors: np.ndarray, *,
                  kept_text: Sequence[str] | None = None,
                  candidate_similarity: float = 0.05, progress: Progress | None = None) -> PairFeatures:
    """The features of every candidate pair of ``articles`` (see the module docstring).

    ``kept_text`` is each article's text without its furniture (its claims
    joined); the raw text when not given. ``progress`` advances one step per feature.
    """
    prepared = PreparedArticles.of(articles, lead_vectors, kept_text)
    return prepared.features(prepared.candidates(candidate_similarity), progress=progress)


@dataclass(frozen=True)
class _Texts:
    """The texts of the articles that the features compare."""

    titles: list[str]
    texts: list[str]                   # as read
    whole: list[str]                   # title and kept text
    leads: list[str]                   # title and the first LEAD_CHARS characters

    @classmethod
    def of(cls, articles: pd.DataFrame, kept_text: Sequence[str] | None) -> _Texts:
        titles = [t if isinstance(t, str) else "" for t in articles["title"]]
        texts = articles["text"].tolist()
        kept = list(kept_text) if kept_text is not None else texts
        whole = [f"{t}\n{x}" for t, x in zip(titles, kept, strict=True)]
        leads = [f"{t}\n{x[:LEAD_CHARS]}" for t, x in zip(titles, texts, strict=True)]
        return cls(titles=titles, texts=texts, whole=whole, leads=leads)


@dataclass(frozen=True)
class _Pairs:
    """Candidate pairs ``(left[k], right[k])``, ``left < right``, ordered by left then right."""

    left: np.ndarray
    right: np.ndarray

    @classmethod
    def of(cls, a: np.ndarray, b: np.ndarray) -> _Pairs:
        """The distinct unordered pairs among ``(a[k], b[k])``, self-pairs dropped, in order."""
        lo, hi = np.minimum(a, b).astype(np.int64), np.maximum(a, b).astype(np.int64)
        keep = lo < hi
        lo, hi = lo[keep], hi[keep]
        if not len(lo):
            return cls(left=lo, right=hi)
        order = np.lexsort((hi, lo))
        lo, hi = lo[order], hi[order]
        first = np.r_[True, (lo[1:] != lo[:-1]) | (hi[1:] != hi[:-1])]
        return cls(left=lo[first], right=hi[first])

    def where(self, mask: np.ndarray) -> _Pairs:
        return _Pairs(left=self.left[mask], right=self.right[mask])

    def dots(self, matrix: csr_matrix) -> np.ndarray:
        # row-wise dot products of the pairs, without forming the n x n product, a block of pairs at a
        # time: all pairs at once held ~1.6 GB of sparse rows on the real-news corpus (issue 12)
        left, right = self.left, self.right
        out = np.zeros(len(left), dtype=np.float64)
        for lo in range(0, len(left), PAIR_BLOCK):
            a, b = left[lo:lo + PAIR_BLOCK], right[lo:lo + PAIR_BLOCK]
            out[lo:lo + len(a)] = np.asarray(matrix[a].multiply(matrix[b]).sum(axis=1)).ravel()
        return out

    def cosines(self, vectors: np.ndarray) -> np.ndarray:
        left, right = self.left, self.right
        out = np.zeros(len(left), dtype=np.float64)
        for lo in range(0, len(left), PAIR_BLOCK):
            a, b = left[lo:lo + PAIR_BLOCK], right[lo:lo + PAIR_BLOCK]
            out[lo:lo + len(a)] = np.einsum("ij,ij->i", vectors[a], vectors[b])
        return out



@dataclass
class PreparedArticles:
    """What the pair features read of each article, computed once: its texts, TF-IDF rows,
    lead vector, ages, streets, dates and outlet. :meth:`candidates` proposes pairs,
    :meth:`completed` adds the candidates among given groups, :meth:`features` scores pairs."""

    articles: pd.DataFrame
    texts: _Texts
    body: csr_matrix
    proper: csr_matrix
    vectors: np.ndarray
    age_sets: list[frozenset[int]]
    street_sets: list[frozenset[str]]
    _cache: dict[str, Any]

    @classmethod
    def of(cls, articles: pd.DataFrame, lead_vectors: np.ndarray,
           kept_text: Sequence[str] | None = None) -> PreparedArticles:
        texts = _Texts.of(articles, kept_text)
        return cls(articles=articles, texts=texts,
                   body=_tfidf(texts.whole, stop_words="english"),
                   proper=_words_tfidf([proper_words(d) for d in texts.whole]),
                   vectors=np.asarray(lead_vectors, dtype=np.float64),
                   age_sets=[ages(d) for d in texts.whole], street_sets=[streets(d) for d in texts.whole],
                   _cache={})

    def __len__(self) -> int:
        return len(self.texts.whole)

    def candidates(self, candidate_similarity: float, neighbours: int = NEIGHBOURS,
                   max_df: int = MAX_DF) -> _Pairs:
        """Each article's ``neighbours`` nearest by rare terms of its words, by rare proper
        words and by lead embedding (:mod:`corroborate.neighbours`), kept when they
        are alike as a candidate of an all-pairs search must be (:meth:`alike`): bounded work
        per article, and never a pair that an all-pairs search would not have proposed."""
        found = [word_neighbours(self.body, neighbours, max_df), word_neighbours(self.proper, neighbours, max_df),
                 vector_neighbours(self.vectors, neighbours, radius=-1.0)]
        proposed = _Pairs.of(np.concatenate([f[0] for f in found]), np.concatenate([f[1] for f in found]))
        kept = proposed.where(self.alike(proposed, candidate_similarity))
        self._cache["best"] = self._best(kept)
        return kept

    def _best(self, pairs: _Pairs) -> dict[str, np.ndarray]:
        """Each article's highest body and lead similarity to any article of ``pairs``."""
        best = {}
        for name, values in (("body", pairs.dots(self.body)), ("lead", pairs.cosines(self.vectors))):
            top = np.zeros(len(self), dtype=np.float64)
            np.maximum.at(top, pairs.left, values)
            np.maximum.at(top, pairs.right, values)
            best[name] = top
        return best

    def best(self, pairs: _Pairs) -> dict[str, np.ndarray]:
        """:meth:`_best` of the candidates once :meth:`candidates` ran, else of ``pairs``."""
        if "best" not in self._cache:
            self._cache["best"] = self._best(pairs)
        return self._cache["best"]

    def alike(self, pairs: _Pairs, candidate_similarity: float) -> np.ndarray:
        """Which ``pairs`` are alike in words or proper words (TF-IDF cosine at least
        ``candidate_similarity``) or have near-identical leads (lead cosine at least
        :data:`BARE_CANDIDATE_SIMILARITY`)."""
        return ((pairs.dots(self.body) >= candidate_similarity) | (pairs.dots(self.proper) >= candidate_similarity)
                | (pairs.cosines(self.vectors) >= BARE_CANDIDATE_SIMILARITY))

    def completed(self, pairs: _Pairs, groups: Sequence[np.ndarray], candidate_similarity: float) -> _Pairs:
        """The pairs inside each of ``groups`` (article rows) that are :meth:`alike`, as a
        candidate of an all-pairs search would be, and not in ``pairs``."""
        a, b = [], []
        for members in groups:
            i, j = np.triu_indices(len(members), 1)
            a.append(members[i])
            b.append(members[j])
        if not a:
            return _Pairs(left=np.zeros(0, dtype=np.int64), right=np.zeros(0, dtype=np.int64))
        inside = _Pairs.of(np.concatenate(a), np.concatenate(b))
        n = len(self)
        inside = inside.where(~np.isin(inside.left * n + inside.right, pairs.left * n + pairs.right))
        return inside.where(self.alike(inside, candidate_similarity))

    def features(self, pairs: _Pairs, progress: Progress | None = None) -> PairFeatures:
        """The features of ``pairs``; ``progress`` advances one step per feature."""
        progress = progress or Progress(0, "", enabled=False)
        publication = _publication_features(self, pairs)
        features: dict[str, Feature] = {
            **_word_features(self, pairs),
            "lead_embedding": lambda: pairs.cosines(self.vectors),
            **_specific_features(pairs, self.age_sets, self.street_sets),
            **publication,
            **rarity_features(self, pairs, publication, _days(self.articles)),
        }
        columns = {}
        for name in FEATURES:                 # one step of the bar per feature of every candidate pair
            columns[name] = features[name]()
            progress.update()
        values = np.column_stack([columns[f] for f in FEATURES]) if len(pairs.left) else \
            np.zeros((0, len(FEATURES)))
        return PairFeatures(left=pairs.left, right=pairs.right, values=values,
                            bare=_bare(self.texts, pairs, self.age_sets, self.street_sets))

    def matrix(self, name: str) -> csr_matrix:
        """A TF-IDF matrix of the texts, fitted once: ``title``, ``proper_lead``, ``names``, ``lead_words``."""
        if name not in self._cache:
            texts = self.texts
            self._cache[name] = {
                "title": lambda: _tfidf(texts.titles, stop_words="english"),
                "proper_lead": lambda: _words_tfidf([proper_words(d) for d in texts.leads]),
                "names": lambda: _words_tfidf([names(d) for d in texts.whole]),
                "lead_words": lambda: _tfidf(texts.leads, stop_words="english"),
                "rare_proper": lambda: rare_columns(self.proper, RARE_DF),
                "inverse_df": lambda: inverse_df(self.proper),
                "rare_tfidf": lambda: rare_tfidf(self.proper, RARE_DF),
            }[name]()
        return self._cache[name]

    def dates(self) -> list[np.ndarray]:
        if "dates" not in self._cache:
            self._cache["dates"] = [mentioned_days(p, f"{t}\n{x}") for p, t, x in zip(
                self.articles["published_at"], self.texts.titles, self.texts.texts, strict=True)]
        return self._cache["dates"]


def _word_features(prepared: PreparedArticles, pairs: _Pairs) -> dict[str, Feature]:
    """The TF-IDF cosines: of the whole reports, titles, proper words, names and leads."""
    return {
        "body": lambda: pairs.dots(prepared.body),
        "title": lambda: pairs.dots(prepared.matrix("title")),
        "proper": lambda: pairs.dots(prepared.proper),
        "proper_lead": lambda: pairs.dots(prepared.matrix("proper_lead")),
        "names": lambda: pairs.dots(prepared.matrix("names")),
        "lead_words": lambda: pairs.dots(prepared.matrix("lead_words")),
    }


def _specific_features(pairs: _Pairs, age_sets: list[frozenset[int]],
                       street_sets: list[frozenset[str]]) -> dict[str, Feature]:
    """The ages and streets two reports share, and whether they name different ones."""
    return {
        "ages_shared": lambda: _SetOverlap.of(age_sets, pairs).jaccard(),
        "ages_conflict": lambda: _SetOverlap.of(age_sets, pairs).conflict(),
        "streets_shared": lambda: _SetOverlap.of(street_sets, pairs).jaccard(),
        "streets_conflict": lambda: _SetOverlap.of(street_sets, pairs).conflict(),
    }


def _publication_features(prepared: PreparedArticles, pairs: _Pairs) -> dict[str, Feature]:
    """The days between the dates two reports are about, between their publication, and their outlet."""
    published = _days(prepared.articles)
    left, right = pairs.left, pairs.right
    gap = np.abs(published[left] - published[right]) if len(left) else np.zeros(0)
    sources = prepared.articles["source"].to_numpy()
    return {
        "log_closest_days": lambda: np.log1p(_closest_days(prepared.dates(), pairs)),
        "log_days": lambda: np.log1p(np.where(np.isnan(gap), UNKNOWN_DAYS, gap)),
        "same_source": lambda: (sources[left] == sources[right]).astype(np.float64),
    }


def _bare(texts: _Texts, pairs: _Pairs, age_sets: list[frozenset[int]],
          street_sets: list[frozenset[str]]) -> np.ndarray:
    """Pairs of articles that both name nothing specific (no proper word, name, age or street)."""
    specific = np.array([bool(proper_words(d) or names(d) or a or st) for d, a, st in
                         zip(texts.whole, age_sets, street_sets, strict=True)], dtype=bool)
    left, right = pairs.left, pairs.right
    return ~specific[left] & ~specific[right] if len(left) else np.zeros(0, dtype=bool)


def _tfidf(docs: Sequence[str], **kw: object) -> csr_matrix:
    """L2-normalised TF-IDF rows; an empty vocabulary gives all-zero rows."""
    try:
        return TfidfVectorizer(sublinear_tf=True, dtype=np.float32, **kw).fit_transform(docs).tocsr()  # type: ignore[arg-type]
    except ValueError:                                 # no term in any document
        return csr_matrix((len(docs), 1), dtype=np.float32)


def _words_tfidf(words: Sequence[Sequence[str]]) -> csr_matrix:
    """:func:`_tfidf` of lists of words taken as they are (proper words, names)."""
    return _tfidf([" ".join(w) for w in words], token_pattern=r"\S+", lowercase=False)


def _days(articles: pd.DataFrame) -> np.ndarray:
    times = pd.to_datetime(articles["published_at"], utc=True)
    return ((times - pd.Timestamp("1970-01-01", tz="UTC")).dt.total_seconds() / 86400.0).to_numpy()


@dataclass(frozen=True)
class _SetOverlap:
    """The sizes of two sets per pair and of their intersection, through a sparse 0/1 matrix of
    the sets' members (a product of the pairs' rows, not a Python loop over the pairs)."""

    left: np.ndarray
    right: np.ndarray
    shared: np.ndarray

    @classmethod
    def of(cls, sets: Sequence[frozenset[Any]], pairs: _Pairs) -> _SetOverlap:
        sizes = np.array([len(x) for x in sets], dtype=np.int64)
        vocabulary: dict[Any, int] = {}
        columns = [vocabulary.setdefault(m, len(vocabulary)) for x in sets for m in x]
        indptr = np.r_[0, np.cumsum(sizes)]
        members = csr_matrix((np.ones(len(columns)), np.array(columns, dtype=np.int64), indptr),
                             shape=(len(sets), max(1, len(vocabulary))))
        return cls(left=sizes[pairs.left], right=sizes[pairs.right],
                   shared=np.rint(pairs.dots(members)).astype(np.int64))

    def jaccard(self) -> np.ndarray:
        """``|a & b| / |a | b|``, 0 when either set is empty."""
        union = self.left + self.right - self.shared
        both = (self.left > 0) & (self.right > 0)
        return np.divide(self.shared, union, out=np.zeros(len(union)), where=both & (union > 0))

    def conflict(self) -> np.ndarray:
        """1 when both sets have members and share none."""
        return ((self.left > 0) & (self.right > 0) & (self.shared == 0)).astype(np.float64)


def _closest_days(dates: Sequence[np.ndarray], pairs: _Pairs) -> np.ndarray:
    """Per pair, the fewest days between a date of one article and a date of the other
    (:data:`UNKNOWN_DAYS` when either has none): every combination of the two articles' dates,
    a block of pairs at a time, reduced by pair."""
    sizes = np.array([len(d) for d in dates], dtype=np.int64)
    flat = np.concatenate([np.asarray(d, dtype=np.float64) for d in dates]) if len(dates) else np.zeros(0)
    offsets = np.r_[0, np.cumsum(sizes)][:-1]
    out = np.full(len(pairs.left), UNKNOWN_DAYS, dtype=np.float64)
    for lo in range(0, len(out), PAIR_BLOCK):
        a, b = pairs.left[lo:lo + PAIR_BLOCK], pairs.right[lo:lo + PAIR_BLOCK]
        la, lb = sizes[a], sizes[b]
        combos = la * lb
        dated = np.flatnonzero(combos > 0)
        if not len(dated):
            continue
        count = combos[dated]
        first = np.r_[0, np.cumsum(count)][:-1]
        step = np.arange(int(count.sum())) - np.repeat(first, count)   # 0 .. la*lb-1 within each pair
        width = np.repeat(lb[dated], count)
        i = np.repeat(offsets[a[dated]], count) + step // width
        j = np.repeat(offsets[b[dated]], count) + step % width
        out[lo + dated] = np.minimum.reduceat(np.abs(flat[i] - flat[j]), first)
    return out
