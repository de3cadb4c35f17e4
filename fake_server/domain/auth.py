"""Authentication of requests: the server JWT, user JWTs, dev tokens and revocation (conventions §2)."""

from __future__ import annotations

import warnings
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import jwt

from fake_server.domain.errors import APIError

if TYPE_CHECKING:
    from fake_server.domain.app import ChatApp

# Clock-skew leeway for iat/nbf (none for exp), as conventions §2.1 recommends.
_LEEWAY = timedelta(seconds=5)
_CACHE_SIZE = 1024


@dataclass(frozen=True, slots=True)
class Actor:
    """Who is making a request: the server (full authority), a user, or an anonymous session."""

    server: bool
    user_id: str | None = None
    anonymous: bool = False


SERVER = Actor(server=True)
ANONYMOUS = Actor(server=False, anonymous=True)


def _unauthorized(code: int, detail: str) -> APIError:
    return APIError(401, code, detail)


class TokenVerifier:
    """Verifies tokens for one app, caching signature checks (time claims are checked every call)."""

    def __init__(self, app: ChatApp) -> None:
        self._app = app
        self._verified: OrderedDict[str, dict[str, Any]] = OrderedDict()

    def authenticate(self, auth_type: str | None, authorization: str | None) -> Actor:
        if auth_type is not None and auth_type.lower() == "anonymous":
            return ANONYMOUS
        if auth_type is None or auth_type.lower() != "jwt" or not authorization:
            raise _unauthorized(5, "missing authentication token")
        token = authorization.strip()
        if token[:7].lower() == "bearer ":
            token = token[7:].strip()
        claims = self._claims(token)
        self._check_times(claims)
        if claims.get("server") is True:
            return SERVER
        user_id = claims.get("user_id")
        if not isinstance(user_id, str) or not user_id:
            raise _unauthorized(5, "token has neither a server nor a user_id claim")
        self._check_revocation(user_id, claims)
        self._check_user_may_connect(user_id)
        return Actor(server=False, user_id=user_id)

    def _claims(self, token: str) -> dict[str, Any]:
        cached = self._verified.get(token)
        if cached is not None:
            self._verified.move_to_end(token)
            return cached
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise _unauthorized(5, f"malformed token: {exc}") from None
        if header.get("alg") != "HS256":
            raise _unauthorized(
                5, f"token algorithm {header.get('alg')!r} is not supported, use HS256"
            )
        # Development tokens (signature part "devtoken") and every other unsigned token are
        # only accepted while the app has disable_auth_checks on.
        skip_signature = bool(self._app.settings.get("disable_auth_checks"))
        try:
            with warnings.catch_warnings():
                # The secret is the user's choice; PyJWT's advice about its length is not ours to give.
                warnings.simplefilter("ignore", jwt.warnings.InsecureKeyLengthWarning)
                claims: dict[str, Any] = jwt.decode(
                    token,
                    self._app.api_secret,
                    algorithms=["HS256"],
                    options={
                        "verify_signature": not skip_signature,
                        "verify_exp": False,
                        "verify_nbf": False,
                        "verify_iat": False,
                        "verify_aud": False,
                        "verify_iss": False,
                    },
                )
        except jwt.InvalidSignatureError:
            raise _unauthorized(
                43, "signature is not valid, make sure the token is signed with your app secret"
            ) from None
        except jwt.PyJWTError as exc:
            raise _unauthorized(5, f"malformed token: {exc}") from None
        if skip_signature:
            if claims.get("server") is True and not _signature_valid(token, self._app.api_secret):
                # Only a correctly signed token may carry server authority, dev mode or not.
                raise _unauthorized(
                    43, "signature is not valid, make sure the token is signed with your app secret"
                )
            return claims  # never cache unverified tokens: the setting may change
        self._verified[token] = claims
        if len(self._verified) > _CACHE_SIZE:
            self._verified.popitem(last=False)
        return claims

    def _check_times(self, claims: dict[str, Any]) -> None:
        if "exp" not in claims and "nbf" not in claims and "iat" not in claims:
            return  # server tokens usually carry no time claims
        now = self._app.clock.peek()
        exp = _numeric_date(claims.get("exp"))
        if exp is not None and exp <= now:
            raise _unauthorized(40, "token is expired")
        nbf = _numeric_date(claims.get("nbf"))
        if nbf is not None and nbf > now + _LEEWAY:
            raise _unauthorized(41, "token is not valid yet")
        iat = _numeric_date(claims.get("iat"))
        if iat is not None and iat > now + _LEEWAY:
            raise _unauthorized(42, "token used before issued at (iat is in the future)")

    def _check_user_may_connect(self, user_id: str) -> None:
        user = self._app.users.by_id.get(user_id)
        if user is None:
            return  # client-side connects create users; REST calls with such tokens act as them
        if user.deleted_at is not None:
            raise _unauthorized(5, f"user {user_id} was deleted")
        if user.deactivated_at is not None:
            raise _unauthorized(5, f"user {user_id} is deactivated")

    def _check_revocation(self, user_id: str, claims: dict[str, Any]) -> None:
        iat = _numeric_date(claims.get("iat"))
        revoked_before = [self._app.settings.get("revoke_tokens_issued_before")]
        user = self._app.users.by_id.get(user_id)
        if user is not None:
            revoked_before.append(user.revoke_tokens_issued_before)
        for instant in revoked_before:
            if isinstance(instant, datetime) and (iat is None or iat < instant):
                raise _unauthorized(40, "This token has been revoked, please generate a new token")


def _signature_valid(token: str, secret: str) -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", jwt.warnings.InsecureKeyLengthWarning)
            jwt.decode(
                token,
                secret,
                algorithms=["HS256"],
                options={
                    "verify_exp": False,
                    "verify_nbf": False,
                    "verify_iat": False,
                    "verify_aud": False,
                    "verify_iss": False,
                },
            )
    except jwt.PyJWTError:
        return False
    return True


def _numeric_date(value: object) -> datetime | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return datetime.fromtimestamp(value, UTC)
