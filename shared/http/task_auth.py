"""Who may push work to `POST /v1/tasks/analyze`: Cloud Tasks with an OIDC token, or a task secret.

The OIDC token must be signed by Google, be meant for this endpoint (audience), and name the service
account the queue was configured with: any Google account can mint a token for any audience, so the
audience alone proves nothing about the sender. The task secret serves Render and local modes.
Anonymous pushes are accepted only when `allow_anonymous_tasks` says so (local development).
"""

from __future__ import annotations

import hmac

from starlette.requests import Request

from shared.config import Settings
from shared.http.oidc import CertificatesUnavailableError, InvalidTokenError, OidcVerifier
from shared.http.problems import ApiError

_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="cro-analyzer-tasks"'}


class TaskAuthenticator:
    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        audience = settings.task_oidc_audience or settings.analyze_url
        self._verifier = (
            OidcVerifier(
                audience=audience,
                certs_url=settings.task_oidc_certs_url,
                certs_cache_s=settings.task_oidc_certs_cache_s,
                certs_timeout_s=settings.task_oidc_certs_timeout_s,
            )
            if audience
            else None
        )

    async def authenticate(self, request: Request) -> str:
        """Who sent the task ("oidc:<email>", "task-secret" or "anonymous"); raises 401/403/503 ApiError.

        Every credential presented must be valid: a forged token next to a right secret is refused.
        """
        principal: str | None = None
        authorization = request.headers.get("authorization")
        if authorization is not None:
            scheme, _, token = authorization.partition(" ")
            if scheme.lower() != "bearer" or not token.strip():
                raise ApiError(401, "invalid_token", "Authorization must be a Bearer OIDC token", headers=_CHALLENGE)
            principal = await self._oidc(token.strip())
        secret = request.headers.get("x-task-secret")
        if secret is not None:
            expected = self._settings.task_secret
            if expected is None or not hmac.compare_digest(secret.encode(), expected.get_secret_value().encode()):
                raise ApiError(401, "invalid_task_secret", "the task secret is not valid")
            principal = principal or "task-secret"
        if principal is not None:
            return principal
        if self._settings.allow_anonymous_tasks:
            return "anonymous"
        raise ApiError(
            401, "unauthorized", "task pushes need a Cloud Tasks OIDC token or the task secret", headers=_CHALLENGE
        )

    async def _oidc(self, token: str) -> str:
        if self._verifier is None:
            raise ApiError(401, "oidc_not_configured", "OIDC tokens are not accepted: no audience is configured")
        try:
            claims = await self._verifier.verify(token)
        except InvalidTokenError as exc:
            raise ApiError(401, "invalid_token", f"the OIDC token is not valid: {exc}", headers=_CHALLENGE) from exc
        except CertificatesUnavailableError as exc:
            raise ApiError(
                503, "certificates_unavailable", "token certificates could not be fetched", headers={"Retry-After": "5"}
            ) from exc
        email = claims.get("email")
        allowed = self._settings.cloud_tasks_service_account
        if not allowed or email != allowed or claims.get("email_verified") is not True:
            raise ApiError(403, "forbidden", "the token's account may not push tasks")
        return f"oidc:{email}"
