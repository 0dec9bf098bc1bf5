"""Field data from the Chrome UX Report: the key, where the API is, and the bounds of asking it."""

from __future__ import annotations

from pydantic import BaseModel, Field, SecretStr, field_validator


class FieldDataSettings(BaseModel):
    crux_api_key: SecretStr | None = Field(
        None, description="Chrome UX Report API key; unset = no field data (the analysed URL is sent to Google)."
    )
    crux_base_url: str = Field(
        "https://chromeuxreport.googleapis.com", description="Base URL of the CrUX API (tests: a fake on loopback)."
    )
    crux_timeout_s: float = Field(4.0, gt=0, le=60, description="Budget of one CrUX API call.")
    crux_budget_s: float = Field(
        8.0, gt=0, le=120, description="Budget of all CrUX calls of one analysis (retries, origin fallback)."
    )
    crux_max_retries: int = Field(2, ge=0, le=5, description="Retries of a CrUX call answered 429/5xx or cut off.")
    crux_retry_backoff_s: float = Field(0.5, ge=0, le=10, description="First CrUX retry delay; doubles per retry.")
    crux_max_response_bytes: int = Field(
        256 * 1024, ge=1024, le=10_000_000, description="Largest CrUX answer read; a larger one is refused."
    )

    @field_validator("crux_base_url")
    @classmethod
    def _check_crux_base_url(cls, value: str) -> str:
        if not value.startswith(("https://", "http://")):
            raise ValueError("CRUX_BASE_URL must be an http(s) URL")
        return value.rstrip("/")
