"""What a device's speed figures mean: the lab conditions they were measured under, and real visitors' field
data beside them (Chrome UX Report, p75 over 28 days).

Lab figures are one load on our machine; field figures are what Chrome users of the page (or of its whole
site) experienced. Core Web Vitals are defined on the field figures, so the rules judge LCP, INP and CLS on
them when they exist and fall back to the lab otherwise, saying which they used.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

ThrottlingMode = Literal["lighthouse", "none"]
ConditionsProfile = Literal["lighthouse-mobile", "lighthouse-desktop", "none"]
FieldStatus = Literal["unavailable", "no_data", "ok"]
FieldScope = Literal["url", "origin"]
FormFactor = Literal["PHONE", "DESKTOP"]


class SpeedModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class MeasurementConditions(SpeedModel):
    """The network and CPU one device's page load was measured under (DevTools' applied throttling)."""

    profile: ConditionsProfile = Field(
        "none", description="'lighthouse-mobile' / 'lighthouse-desktop': Lighthouse's conditions; 'none': unthrottled."
    )
    request_latency_ms: float = Field(0, ge=0, description="Latency added to every request; 0 = none added.")
    download_kbps: float = Field(0, ge=0, description="Download cap in kbit/s (1024 bit); 0 = uncapped.")
    upload_kbps: float = Field(0, ge=0, description="Upload cap in kbit/s (1024 bit); 0 = uncapped.")
    cpu_slowdown: float = Field(1, ge=1, description="How many times slower the page's main thread ran.")
    throttled_stages: list[str] = Field(
        default_factory=list,
        description="Capture stages that ran under these conditions (the load and the measurement window); "
        "everything after them (screenshots, facts, axe) ran at full speed.",
    )

    @property
    def throttled(self) -> bool:
        return self.profile != "none"


class FieldMetric(SpeedModel):
    """One metric over real page loads: its 75th percentile and how the loads split over its bands."""

    p75: float = Field(ge=0)
    good: float = Field(ge=0, le=1, description="Share of loads in the metric's 'good' band.")
    needs_improvement: float = Field(ge=0, le=1)
    poor: float = Field(ge=0, le=1)


class FieldData(SpeedModel):
    """Chrome UX Report data for one form factor: the URL's own record, else its origin's."""

    status: FieldStatus = Field(
        "unavailable",
        description="'ok': a record was found; 'no_data': CrUX has none for the URL nor its origin; "
        "'unavailable': not looked up (no CRUX_API_KEY) or the lookup failed (see `reason`).",
    )
    reason: str | None = Field(None, description="Why the status is not 'ok', in words.")
    form_factor: FormFactor | None = None
    scope: FieldScope | None = Field(None, description="'url': this page's own record; 'origin': the whole site's.")
    key: str | None = Field(None, description="The URL or origin the record is about, as CrUX normalised it.")
    first_date: str | None = Field(None, description="First day of the collection period (ISO date).")
    last_date: str | None = Field(None, description="Last day of the collection period (ISO date).")
    lcp_ms: FieldMetric | None = None
    inp_ms: FieldMetric | None = None
    cls: FieldMetric | None = None
    fcp_ms: FieldMetric | None = None
    ttfb_ms: FieldMetric | None = None
