"""``claimreview.jsonl``: each corroborated cluster as a schema.org ClaimReview (JSON-LD).

Field names follow https://schema.org/ClaimReview where they fit. ``reviewRating``
carries our confidence on its own 0-1 scale (it is a probability, not a verdict);
``datePublished`` is the latest publication date in the corpus, never the clock,
so the same input gives the same file.
"""

from __future__ import annotations

from typing import Any

from .model import Report
from .reasons import reason_text
from .sheets import corroborated
from .templating import safe_url


def claim_reviews(report: Report) -> list[dict[str, Any]]:
    """One JSON-LD ClaimReview per cluster stated by two or more outlets, by confidence."""
    articles = {a["article_id"]: a for a in report.articles.to_dict(orient="records")}
    claims = report.claims_by_cluster()
    author = {"@type": "Organization", "name": "corroborate",
              "description": f"corroborate {report.version}, automated corroboration scoring"}
    out = []
    for c in corroborated(report):
        appearances: list[dict[str, Any]] = []
        seen: set[str] = set()
        for m in sorted(claims.get(c.cluster_id, []), key=lambda m: (m.get("published_at") or "~", m["article_id"])):
            if m["article_id"] in seen:
                continue
            seen.add(m["article_id"])
            a = articles.get(m["article_id"], {})
            work: dict[str, Any] = {"@type": "CreativeWork", "publisher": {"@type": "Organization",
                                                                          "name": m["source"]}}
            if safe_url(a.get("url")):
                work["url"] = safe_url(a.get("url"))
            if a.get("title"):
                work["headline"] = a["title"]
            if m.get("published_at"):
                work["datePublished"] = m["published_at"]
            work["text"] = m["text"]
            appearances.append(work)
        review: dict[str, Any] = {
            "@context": "https://schema.org",
            "@type": "ClaimReview",
            "identifier": f"cluster-{c.cluster_id}",
            "claimReviewed": c.representative,
            "reviewRating": {
                "@type": "Rating", "ratingValue": c.confidence, "worstRating": 0, "bestRating": 1,
                "alternateName": f"corroboration confidence {c.confidence:.2f}",
                "ratingExplanation": "; ".join(reason_text(r) for r in c.reasons),
            },
            "itemReviewed": {"@type": "Claim", "appearance": appearances,
                             **({"firstAppearance": appearances[0]} if appearances else {})},
            "author": author,
        }
        if report.summary.get("last_published"):
            review["datePublished"] = report.summary["last_published"][:10]
        out.append(review)
    return out
