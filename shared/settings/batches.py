"""Many pages and comparisons: how large a batch may be, how its sitemap is read, what its report shows."""

from __future__ import annotations

from pydantic import BaseModel, Field


class BatchSettings(BaseModel):
    batch_max_pages: int = Field(
        500, ge=1, le=10_000, description="Largest `max_pages` a batch may ask for (a batch's own default is 50)."
    )
    batch_max_body_bytes: int = Field(
        1024 * 1024, ge=1024, le=50_000_000, description="Largest `POST /v1/batches` body accepted (413 above)."
    )
    batch_submit_concurrency: int = Field(
        8, ge=1, le=64, description="Pages of one new batch submitted at once (each checks its URL's DNS)."
    )
    batch_summary_top: int = Field(
        10, ge=1, le=100, description="Rules and worst pages listed in a batch's site summary."
    )
    batch_thumbnail_px: int = Field(
        320, ge=64, le=1280, description="Width of each page's fold thumbnail in the batch report."
    )
    sitemap_timeout_s: float = Field(10.0, gt=0, le=120, description="Budget of fetching one sitemap file.")
    sitemap_budget_s: float = Field(
        30.0, gt=0, le=300, description="Budget of reading a batch's whole sitemap (an index and its children)."
    )
    sitemap_max_bytes: int = Field(
        10_000_000,
        ge=10_000,
        le=50_000_000,
        description="Largest sitemap file read, counted after decompression (a .gz bomb stops here).",
    )
    sitemap_max_files: int = Field(
        20, ge=1, le=1000, description="Sitemap files read for one batch (the index counts as one)."
    )
    sitemap_max_redirects: int = Field(
        3, ge=0, le=10, description="Redirects followed per sitemap file (each hop same site, through the guard)."
    )
