"""``constraint_values``: read index-friendly equality constraints out of a (valid) filter."""

from __future__ import annotations


def _string_set(value: object, *, allow_empty: bool) -> frozenset[str] | None:
    if isinstance(value, str):
        return frozenset((value,))
    if isinstance(value, list) and all(isinstance(element, str) for element in value):
        if not value and not allow_empty:
            return None
        return frozenset(value)
    return None


def _field_constraint(value: object) -> frozenset[str] | None:
    if isinstance(value, dict):
        if not value or not all(key.startswith("$") for key in value):
            return None
        found: list[frozenset[str]] = []
        if "$eq" in value:
            eq = _string_set(value["$eq"], allow_empty=False)
            if eq is not None:
                found.append(eq)
        if "$in" in value and isinstance(value["$in"], list):
            within = _string_set(value["$in"], allow_empty=True)
            if within is not None:
                found.append(within)
        return min(found, key=len) if found else None
    # Implicit equality: a scalar string, or an array (every match holds all its elements).
    return _string_set(value, allow_empty=False)


def constraint_values(conditions: object, field: str) -> frozenset[str] | None:
    """A finite set of strings that ``field`` is required to match, or ``None``.

    Looks at ``field`` at the top level of the filter, inside top-level ``$and`` elements
    (recursively) and inside a top-level ``$or`` whose every branch constrains the field (the
    union of the branches). ``$eq``/implicit scalar → ``{v}``; ``$in`` → its elements (``[]``
    → the empty set: nothing matches); ``$eq``/implicit array → its elements. Guarantee: every
    item matching the filter has (a scalar field) its value in the set, or (an array field) at
    least one element in the set — so the union of index buckets over the set is a superset of
    the matches. When several constraints apply, the smallest set is returned. A ``null`` or
    non-string element makes that constraint unusable (``None``).
    """
    if not isinstance(conditions, dict):
        return None
    candidates: list[frozenset[str]] = []
    if field in conditions:
        direct = _field_constraint(conditions[field])
        if direct is not None:
            candidates.append(direct)
    conjunction = conditions.get("$and")
    if isinstance(conjunction, list):
        for element in conjunction:
            nested = constraint_values(element, field)
            if nested is not None:
                candidates.append(nested)
    disjunction = conditions.get("$or")
    if isinstance(disjunction, list) and disjunction:
        branches = [constraint_values(element, field) for element in disjunction]
        if all(branch is not None for branch in branches):
            candidates.append(frozenset().union(*(b for b in branches if b is not None)))
    return min(candidates, key=len) if candidates else None
