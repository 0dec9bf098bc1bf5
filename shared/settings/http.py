"""The HTTP surface: API keys and the task endpoint's authentication, limits on callers and bodies, and where
links point."""

from __future__ import annotations

from pydantic import BaseModel, Field, SecretStr

from shared.settings.types import CommaList, CommaSecrets


class HttpSettings(BaseModel):
    api_keys: CommaSecrets = Field(
        default_factory=list, description="Accepted API keys, comma-separated (several for rotation); unset = open."
    )
    task_secret: SecretStr | None = Field(None, description="Shared secret of queue pushes (X-Task-Secret).")
    task_oidc_audience: str | None = Field(None, description="Expected audience; defaults to analyze_url.")
    task_oidc_certs_url: str = Field(
        "https://www.googleapis.com/oauth2/v1/certs", description="Google's certificates for OIDC tokens."
    )
    allow_anonymous_tasks: bool = Field(False, description="Local development only.")
    task_oidc_certs_timeout_s: float = Field(10.0, gt=0, le=60, description="Fetch of Google's token certificates.")
    task_oidc_certs_cache_s: float = Field(
        3600.0, ge=0, le=86_400, description="How long fetched token certificates are reused; 0 = every time."
    )
    rate_limit_per_minute: int = Field(120, ge=0, description="Submits per API key per minute; 0 = off.")
    max_body_bytes: int = Field(64 * 1024, ge=1024, description="Largest request body accepted (413 above).")
    body_read_timeout_s: float = Field(15.0, gt=0, le=300, description="Longest wait for a request body to arrive.")
    public_base_url: str | None = Field(
        None, description="Base of links in responses and webhooks (https://cro.example.com); else see TRUSTED_HOSTS."
    )
    trusted_hosts: CommaList = Field(
        default_factory=lambda: ["localhost", "127.0.0.1", "::1"],
        description="Without PUBLIC_BASE_URL, Host headers links may be built from (names, `*.example.com`, or "
        "`*`); a request to any other host gets links relative to it. Comma-separated.",
    )

    def link_base(self) -> str:
        """The base of links in responses and webhooks when PUBLIC_BASE_URL says it; else empty (relative)."""
        return self.public_base_url.rstrip("/") if self.public_base_url else ""
