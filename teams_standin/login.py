"""Microsoft's login side: the Bot Framework's OpenID document and keys, and Entra's token
endpoint for the client-credentials grant."""

from __future__ import annotations

from typing import Any

from teams_standin.errors import Reply, entra_error
from teams_standin.keys import BOT_FRAMEWORK_ISSUER, BOT_FRAMEWORK_SCOPE

OPENID_PATH = "/v1/.well-known/openidconfiguration"
# The SDK finds keys by swapping the trailing /openidconfiguration for /keys: a sibling path.
KEYS_PATH = "/v1/.well-known/keys"
# Tenants every bot may name besides its own (the SDK defaults to botframework.com).
SHARED_TENANTS = frozenset({"botframework.com", "common", "organizations"})


def openid_configuration(base: str) -> dict[str, Any]:
    return {
        "issuer": BOT_FRAMEWORK_ISSUER,
        "authorization_endpoint": "https://invalid.botframework.com",
        "jwks_uri": base + KEYS_PATH,
        "id_token_signing_alg_values_supported": ["RS256"],
        "token_endpoint_auth_methods_supported": ["private_key_jwt"],
    }


def entra_metadata(base: str, tenant: str) -> dict[str, Any]:
    """Enough of Entra's v2.0 OpenID document for a client to find the token endpoint."""
    return {
        "token_endpoint": f"{base}/{tenant}/oauth2/v2.0/token",
        "authorization_endpoint": f"{base}/{tenant}/oauth2/v2.0/authorize",
        "issuer": f"{base}/{tenant}/v2.0",
        "jwks_uri": f"{base}/{tenant}/discovery/v2.0/keys",
        "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
        "id_token_signing_alg_values_supported": ["RS256"],
    }


def check_client_credentials(
    form: dict[str, str], tenant: str, known_tenant: str, secrets: dict[str, str]
) -> Reply | None:
    """None if the request may have a token, else Entra's error answer for it."""
    if tenant not in SHARED_TENANTS and tenant != known_tenant:
        return entra_error(
            400,
            "invalid_tenant",
            90002,
            f"Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID.",
        )
    for name in ("grant_type", "client_id", "scope"):
        if not form.get(name):
            return entra_error(
                400,
                "invalid_request",
                900144,
                f"The request body must contain the following parameter: '{name}'.",
            )
    if form["grant_type"] != "client_credentials":
        return entra_error(
            400,
            "unsupported_grant_type",
            70003,
            "The app requested an unsupported grant type.",
        )
    client_id = form["client_id"]
    if client_id not in secrets:
        return entra_error(
            400,
            "unauthorized_client",
            700016,
            f"Application with identifier '{client_id}' was not found in the directory.",
        )
    if form.get("client_secret") != secrets[client_id]:
        return entra_error(
            401,
            "invalid_client",
            7000215,
            "Invalid client secret provided. Ensure the secret being sent in the request is "
            f"the client secret value, not the client secret ID, for a secret added to app "
            f"'{client_id}'.",
        )
    if form["scope"] != BOT_FRAMEWORK_SCOPE:
        return entra_error(
            400,
            "invalid_scope",
            1002012,
            f"The provided value for scope {form['scope']} is not valid. Client credential "
            "flows must have a scope value with /.default suffixed to the resource identifier.",
        )
    return None
