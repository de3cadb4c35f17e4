"""The one error type of the fake and constructors for Stream's common codes."""

from __future__ import annotations


class APIError(Exception):
    """A Stream-style API failure: HTTP status, Stream error code and a human-readable detail.

    The HTTP layer renders it as ``<Operation> failed with error: "<detail>"`` inside
    Stream's error envelope.
    """

    def __init__(
        self,
        status: int,
        code: int,
        detail: str,
        *,
        exception_fields: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.code = code
        self.detail = detail
        self.exception_fields = exception_fields or {}


def input_error(detail: str, **fields: str) -> APIError:
    return APIError(400, 4, detail, exception_fields=fields or None)


def not_found(detail: str) -> APIError:
    return APIError(404, 16, detail)


def not_allowed(detail: str) -> APIError:
    return APIError(403, 17, detail)


def feature_disabled(detail: str) -> APIError:
    return APIError(400, 19, detail)


def payload_too_big(detail: str = "payload too big") -> APIError:
    return APIError(413, 22, detail)
