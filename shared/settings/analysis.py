"""The limit of one whole analysis and of printing its report."""

from __future__ import annotations

from pydantic import BaseModel, Field


class AnalysisSettings(BaseModel):
    analysis_timeout_s: float = Field(
        180.0,
        gt=0,
        le=1800,
        description="Hard limit for one whole analysis: the capture, field data and Claude's review fit in it.",
    )
    report_pdf_timeout_s: float = Field(
        30.0, gt=0, le=300, description="Budget for printing one report to PDF in Chromium (page, load, print)."
    )
