"""Reports: a :class:`Report` holds the numbers; each format has its renderer."""

from __future__ import annotations

from .files import OUTPUT_FILES, TRUTH_OUTPUT_FILES, write_outputs, write_truth_outputs
from .markdown import render_markdown
from .model import Report
from .terminal import render_table

__all__ = ["Report", "render_markdown", "render_table", "write_outputs", "write_truth_outputs",
           "OUTPUT_FILES", "TRUTH_OUTPUT_FILES"]
