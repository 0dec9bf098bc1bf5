"""The site summary of a finished batch, from its pages' digests alone (no report is read again).

A rule firing on many pages is usually one template fix, so rules are ranked by pages affected x severity
weight (the weights `shared.rules.priority` uses); the worst pages are the lowest overall scores.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable, Sequence

from shared.batches.model import Distribution, FindingDigest, PageDigest, RuleSpread, SiteSummary, WorstPage
from shared.models.report import CATEGORIES, Report
from shared.report.bands import score_band
from shared.rules.priority import SEVERITY_WEIGHT


def digest_of(job_id: str, url: str, report: Report) -> PageDigest:
    """A succeeded page as the batch keeps it: scores, one entry per rule that fired, its thumbnail."""
    rules: dict[str, FindingDigest] = {}
    for finding in report.findings:
        known = rules.get(finding.rule)
        # The worst occurrence speaks for the rule on this page.
        if known is None or SEVERITY_WEIGHT[finding.severity] > SEVERITY_WEIGHT[known.severity]:
            rules[finding.rule] = FindingDigest(
                rule=finding.rule, category=finding.category, severity=finding.severity, title=finding.title
            )
    folds = [shot for shot in report.screenshots if shot.kind == "fold"]
    fold = next((shot.name for shot in folds if shot.device == "desktop"), folds[0].name if folds else None)
    return PageDigest(
        job_id=job_id,
        url=url,
        status="succeeded",
        overall=report.scores.overall,
        categories=report.scores.categories,
        findings=sorted(rules.values(), key=lambda item: item.rule),
        fold=fold,
    )


def distribution(scores: Sequence[int]) -> Distribution:
    bands = Counter(score_band(score) for score in scores)
    return Distribution(
        pages=len(scores),
        min=min(scores),
        median=statistics.median(scores),
        mean=round(statistics.fmean(scores), 1),
        max=max(scores),
        bands={band: bands.get(band, 0) for band in ("good", "average", "poor")},
    )


def site_summary(digests: Iterable[PageDigest], refused: Iterable[str], *, top: int) -> SiteSummary:
    """`refused`: the error codes of pages that never became a job (their URL was refused at submit)."""
    pages = list(digests)
    refused_codes = list(refused)
    succeeded = [page for page in pages if page.status == "succeeded" and page.overall is not None]
    failures = Counter(page.error.code if page.error else "unknown" for page in pages if page.status == "failed")
    failures.update(refused_codes)
    summary = SiteSummary(
        pages=len(pages) + len(refused_codes),
        succeeded=len(succeeded),
        failed=sum(failures.values()),
        failures=dict(failures.most_common()),
    )
    if not succeeded:
        return summary
    summary.overall = distribution([page.overall for page in succeeded if page.overall is not None])
    for category in CATEGORIES:
        scores = [page.categories[category] for page in succeeded if category in page.categories]
        if scores:
            summary.categories[category] = distribution(scores)
    summary.top_rules = _top_rules(succeeded, top)
    worst = sorted(succeeded, key=lambda page: (page.overall or 0, page.url))[:top]
    summary.worst_pages = [WorstPage(url=page.url, job_id=page.job_id, score=page.overall or 0) for page in worst]
    return summary


def _top_rules(succeeded: Sequence[PageDigest], top: int) -> list[RuleSpread]:
    fired: Counter[str] = Counter()
    example: dict[str, FindingDigest] = {}
    for page in succeeded:
        for finding in page.findings:
            fired[finding.rule] += 1
            known = example.get(finding.rule)
            if known is None or SEVERITY_WEIGHT[finding.severity] > SEVERITY_WEIGHT[known.severity]:
                example[finding.rule] = finding
    spreads = [
        RuleSpread(
            rule=rule,
            title=example[rule].title,
            category=example[rule].category,
            severity=example[rule].severity,
            pages=count,
            share=round(count / len(succeeded), 3),
            weight=count * SEVERITY_WEIGHT[example[rule].severity],
        )
        for rule, count in fired.items()
    ]
    spreads.sort(key=lambda spread: (-spread.weight, -spread.pages, spread.rule))
    return spreads[:top]
