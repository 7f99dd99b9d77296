"""Scoring stage: how well each cluster of claims is corroborated, and why.

In: the clustered claims (``cluster_id``, ``event_id``, attribution, copy groups), their
quantities and vectors, the articles. Out: one :class:`~corroborate.scoring.score.ClusterScore`
per cluster (confidence, reasons, numeric consensus), the source table, the fitted truth engine.

- ``independence``: the keys that make two claims one piece of evidence; independent groups
- ``independence_stage``: the swappable stage (Protocol) that gives claims those keys, and links denials
- ``reliability``: the observations that the truth engine learns each source's reliability from
- ``truth``: truth discovery (a consensus per item and a reliability per source, learned together)
- ``consensus``: the numeric consensus of one cluster's figures, its interval and its dissent
- ``evidence``: what a cluster rests on, as a typed summary (the confidence model's input)
- ``features``: the numbers the confidence model weighs, one function per feature
- ``confidence``: the learned model (logistic regression, then a calibrator)
- ``score``: one cluster scored (confidence, reasons), and every cluster of a run
- ``source_table``: ``sources.csv``
"""
