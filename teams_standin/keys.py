"""Signing keys and tokens, as Microsoft's login services make them.

Two issuers live here: the Bot Framework, which signs the tokens that come *in* to a bot with
each activity, and Microsoft Entra, which signs the access tokens a bot gets for itself to call
the Bot Connector. Each has its own RSA key, published as a JWKS with a ``kid``.
"""

from __future__ import annotations

import base64
import uuid
from dataclasses import dataclass, field
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

BOT_FRAMEWORK_ISSUER = "https://api.botframework.com"
# The resource a bot asks Entra for, and so the audience of the tokens the connector accepts.
BOT_FRAMEWORK_RESOURCE = "https://api.botframework.com"
BOT_FRAMEWORK_SCOPE = BOT_FRAMEWORK_RESOURCE + "/.default"
# Entra's v1 issuer, which is what app-only tokens for the Bot Framework carry.
ENTRA_ISSUER_PREFIX = "https://sts.windows.net/"
ACCESS_TOKEN_LIFETIME = 3599  # seconds, as Entra answers client-credentials requests
ACCESS_TOKEN_CLOCK_SKEW = 300  # seconds the connector forgives a token that is not yet valid

# Ways to spoil an inbound token, by name, as keyword arguments for ``mint_token``. Tests can
# parametrize over this: every one of them must be refused by a bot that checks properly.
BAD_TOKEN_KNOBS: dict[str, dict[str, Any]] = {
    "wrong_audience": {"audience": "00000000-0000-0000-0000-00000000bad0"},
    "wrong_issuer": {"issuer": "https://api.botframework.example"},
    "expired": {"expires_in": -3600},  # beyond the 300 s leeway validators allow
    "not_yet_valid": {"not_before_in": 3600},
    "unknown_key": {"foreign_key": True},  # same kid, another key: a forgery
    "wrong_service_url": {"service_url": "https://smba.trafficmanager.example/evil/"},
}
# Accepted by the SDK's validator (PyJWT does not require exp): a door must refuse it itself.
NO_EXP_KNOBS: dict[str, Any] = {"include_exp": False}


@dataclass(frozen=True)
class SigningKey:
    """An RSA private key with the key id it is published under."""

    kid: str
    private_key: rsa.RSAPrivateKey = field(repr=False)

    @classmethod
    def generate(cls, kid: str) -> SigningKey:
        # 2048 bits is what Microsoft publishes; generating one takes a few tens of ms.
        return cls(kid, rsa.generate_private_key(public_exponent=65537, key_size=2048))

    def jwk(self, endorsements: list[str] | None = None) -> dict[str, Any]:
        numbers = self.private_key.public_key().public_numbers()
        key: dict[str, Any] = {
            "kty": "RSA",
            "use": "sig",
            "kid": self.kid,
            "x5t": self.kid,
            "n": _base64url_uint(numbers.n),
            "e": _base64url_uint(numbers.e),
        }
        if endorsements is not None:
            key["endorsements"] = endorsements
        return key

    def sign(self, claims: dict[str, Any], kid: str | None = None) -> str:
        headers = {"kid": kid or self.kid, "x5t": kid or self.kid}
        return jwt.encode(claims, self.private_key, algorithm="RS256", headers=headers)


def _base64url_uint(value: int) -> str:
    raw = value.to_bytes((value.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def connector_claims(
    *,
    audience: str,
    service_url: str,
    issuer: str,
    now: float,
    expires_in: int,
    not_before_in: int,
    include_exp: bool,
) -> dict[str, Any]:
    """The claims the Bot Framework Connector puts in the token it sends with an activity."""
    issued = int(now)
    claims: dict[str, Any] = {
        "serviceurl": service_url,
        "nbf": issued + not_before_in,
        "exp": issued + expires_in,
        "iss": issuer,
        "aud": audience,
        "iat": issued,
    }
    if not include_exp:
        del claims["exp"]
    return claims


def access_token_claims(app_id: str, tenant_id: str, now: float) -> dict[str, Any]:
    """An app-only Entra access token for the Bot Framework (v1 shape, as Entra issues it)."""
    issued = int(now)
    return {
        "aud": BOT_FRAMEWORK_RESOURCE,
        "iss": f"{ENTRA_ISSUER_PREFIX}{tenant_id}/",
        "iat": issued,
        "nbf": issued,
        "exp": issued + ACCESS_TOKEN_LIFETIME,
        "appid": app_id,
        "appidacr": "1",
        "idp": f"{ENTRA_ISSUER_PREFIX}{tenant_id}/",
        "idtyp": "app",
        "tid": tenant_id,
        "ver": "1.0",
        "uti": uuid.uuid4().hex,
    }


def verify_access_token(token: str, key: SigningKey, now: float) -> dict[str, Any]:
    """The claims of an access token this stand-in issued; raises jwt.InvalidTokenError.

    Times are checked against `now` (the stand-in's clock, which tests may move on), not
    PyJWT's own reading of the wall clock.
    """
    claims = jwt.decode(
        token,
        key.private_key.public_key(),
        algorithms=["RS256"],
        audience=BOT_FRAMEWORK_RESOURCE,
        options={
            "require": ["exp", "nbf", "appid", "tid"],
            "verify_exp": False,
            "verify_nbf": False,
            "verify_iat": False,
        },
    )
    if claims["exp"] <= now:
        raise jwt.ExpiredSignatureError("Signature has expired")
    if claims["nbf"] > now + ACCESS_TOKEN_CLOCK_SKEW:
        raise jwt.ImmatureSignatureError("The token is not yet valid (nbf)")
    if not str(claims.get("iss", "")).startswith(ENTRA_ISSUER_PREFIX):
        raise jwt.InvalidIssuerError("not issued by Entra")
    return claims
