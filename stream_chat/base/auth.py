"""Tokens and webhook signatures; nothing here talks to the network."""

import hashlib
import hmac
import warnings
from datetime import datetime
from typing import Any

import jwt


def _sign(payload: dict[str, Any], api_secret: str) -> str:
    # Stream issues the secret, so PyJWT's key-length advice is not actionable for a caller;
    # it only fires for short test secrets (e.g. a local fake's) and would be noise there.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", jwt.warnings.InsecureKeyLengthWarning)
        return jwt.encode(payload, api_secret, algorithm="HS256")


def server_token(api_secret: str) -> str:
    # Exactly {"server": true}, no iat/exp: the token is stable for the client's lifetime.
    return _sign({"server": True}, api_secret)


def user_token(
    api_secret: str,
    user_id: str,
    exp: int | datetime | None = None,
    iat: int | datetime | None = None,
    **claims: Any,
) -> str:
    payload: dict[str, Any] = {**claims, "user_id": user_id}
    if exp:
        payload["exp"] = exp
    if iat:
        payload["iat"] = iat
    return _sign(payload, api_secret)


def webhook_signature_matches(api_secret: str, body: bytes, signature: str | bytes) -> bool:
    if isinstance(signature, bytes):
        signature = signature.decode("utf-8")
    expected = hmac.new(api_secret.encode(), msg=body, digestmod=hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), signature.encode())
