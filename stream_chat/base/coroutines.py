"""Turn the shared endpoint definitions into coroutine methods for the async classes.

Endpoint methods are written once on generic bases whose result type ``R`` is the sync
``StreamResponse`` or the async ``Awaitable[StreamResponse]``. For the async classes every
method marked with :func:`endpoint` is replaced by a real ``async def`` that awaits it, so
``inspect.iscoroutinefunction`` holds and ``functools.wraps`` keeps the original signature.
"""

import functools
import inspect
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])
C = TypeVar("C", bound=type)

_MARK = "__stream_endpoint__"


def endpoint(method: F) -> F:
    """Mark a method that performs a request (and so is a coroutine on async classes)."""
    setattr(method, _MARK, True)
    return method


def coroutine_endpoints(cls: C) -> C:
    """Class decorator: wrap every inherited endpoint of ``cls`` in an ``async def``."""
    for name in dir(cls):
        method = inspect.getattr_static(cls, name)
        if getattr(method, _MARK, False) and not inspect.iscoroutinefunction(method):
            setattr(cls, name, _as_coroutine(method))
    return cls


def _as_coroutine(method: Callable[..., Awaitable[Any]]) -> Callable[..., Any]:
    @functools.wraps(method)
    async def call(*args: Any, **kwargs: Any) -> Any:
        return await method(*args, **kwargs)

    return call
