"""Signed callbacks: the secret, and the bounds of delivering one."""

from __future__ import annotations

from pydantic import BaseModel, Field, SecretStr


class WebhookSettings(BaseModel):
    webhook_secret: SecretStr | None = Field(None, description="Signing secret of callbacks (whsec_... or raw).")
    webhook_timeout_s: float = Field(10.0, gt=0, le=120, description="Timeout of one callback attempt.")
    webhook_max_attempts: int = Field(5, ge=1, le=20, description="Callback attempts before giving up.")
    webhook_max_report_bytes: int = Field(
        512 * 1024, ge=0, description="Largest report sent inline in a callback; larger ones are left out."
    )
    webhook_retry_backoff_s: float = Field(1.0, ge=0, le=60, description="First webhook retry delay; doubles.")
    webhook_retry_backoff_max_s: float = Field(
        30.0, ge=0, le=600, description="Longest delay between callback attempts."
    )
