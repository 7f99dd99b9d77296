"""Reasons in plain words: :class:`corroborate.scoring.score.Reason` facts said by ``templates/reasons.txt.j2``."""

from __future__ import annotations

from typing import Any

from ..scoring.cluster_score import Reason
from .templating import environment


def _module() -> Any:
    return environment().get_template("reasons.txt.j2").module


def reason_text(reason: Reason) -> str:
    """One plain-text sentence for ``reason`` (escape it for the format it goes into)."""
    return str(_module().say(reason))


def reason_title(code: str) -> str:
    """A short heading for a reason code ("Figures disagree")."""
    return str(_module().title(code))
