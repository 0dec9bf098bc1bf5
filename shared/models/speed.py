"""What a device's speed figures mean: the lab conditions they were measured under."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

ThrottlingMode = Literal["lighthouse", "none"]
ConditionsProfile = Literal["lighthouse-mobile", "lighthouse-desktop", "none"]


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
