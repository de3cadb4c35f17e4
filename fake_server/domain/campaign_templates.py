"""Jinja-style placeholders of campaign templates: ``{{ receiver.name }}``, ``{{ sender.id }}``,
``{{ channel.name }}`` (models §14).

Supported: dotted paths into the context, and the filters ``default("text")``, ``upper``,
``lower``, ``title`` and ``trim`` (``{{ receiver.name | default("there") }}``). A path that
does not resolve renders as the empty string (Jinja's default behaviour for undefined
values); other values render as text (numbers and booleans as JSON). The fake implements
this subset itself; full Jinja (loops, conditions) is not supported.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from typing import Any, Final

_PLACEHOLDER: Final = re.compile(r"\{\{\s*(.*?)\s*\}\}", re.DOTALL)
_PATH: Final = re.compile(r"^[A-Za-z_]\w*(?:\.\w+)*$")
_DEFAULT: Final = re.compile(r"""^default\(\s*(?:"([^"]*)"|'([^']*)')\s*\)$""")
_SIMPLE_FILTERS: Final[dict[str, Callable[[str], str]]] = {
    "upper": str.upper,
    "lower": str.lower,
    "title": str.title,
    "trim": str.strip,
}


class TemplateError(ValueError):
    """A placeholder the fake cannot evaluate."""


def _lookup(context: Mapping[str, Any], path: str) -> Any:
    value: Any = context
    for part in path.split("."):
        if isinstance(value, Mapping) and part in value:
            value = value[part]
        else:
            return None
    return value


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def _evaluate(expression: str, context: Mapping[str, Any]) -> str:
    path, *filters = (part.strip() for part in expression.split("|"))
    if not _PATH.match(path):
        raise TemplateError(f"unsupported placeholder {{{{ {expression} }}}}")
    value = _lookup(context, path)
    for name in filters:
        default = _DEFAULT.match(name)
        if default is not None:
            if value is None or value == "":
                value = default.group(1) if default.group(1) is not None else default.group(2)
            continue
        transform = _SIMPLE_FILTERS.get(name)
        if transform is None:
            raise TemplateError(f'unsupported filter "{name}" in {{{{ {expression} }}}}')
        value = transform(_as_text(value))
    return _as_text(value)


def check_template(text: str) -> None:
    """Raise :class:`TemplateError` when a placeholder of ``text`` cannot be evaluated."""
    for match in _PLACEHOLDER.finditer(text):
        _evaluate(match.group(1), {})


def render_template(text: str, context: Mapping[str, Any]) -> str:
    return _PLACEHOLDER.sub(lambda match: _evaluate(match.group(1), context), text)


def render_value(value: Any, context: Mapping[str, Any]) -> Any:
    """Render every string inside a JSON-like value (attachments, custom data)."""
    if isinstance(value, str):
        return render_template(value, context)
    if isinstance(value, list):
        return [render_value(item, context) for item in value]
    if isinstance(value, dict):
        return {key: render_value(item, context) for key, item in value.items()}
    return value
