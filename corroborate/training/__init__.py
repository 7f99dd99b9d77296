"""Training: fit the claim threshold and the calibrated confidence on labelled corpora.

In: gold folders (articles, gold counts per incident, optional claim-level truth) and a
base :class:`~corroborate.config.Config`. Out: a model file (``models/*.json``) and its card.

- ``gold``: reading gold folders, and which clusters are right
- ``metrics``: ROC-AUC, Brier, expected calibration error, the reliability table
- ``tune``: the sweep over thresholds, folds grouped by incident, the model file and card
"""
