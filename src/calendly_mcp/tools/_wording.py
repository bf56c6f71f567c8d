"""Argument errors in our words: which argument, what was given, what is accepted; one line each.

The SDK answers arguments that fail validation with pydantic's own report (model names, error types,
links to pydantic's site, `input_value=`), which tells a model little it can act on and a lot it may
repeat back. Pydantic's structured errors say which argument and what was wrong; the tool's input schema
(the one tools/list serves) says what would have been accepted.
"""

from __future__ import annotations

import difflib
import json
from typing import Any, cast

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from calendly_mcp.schemas.inputs import TIME_RANGE, TIME_WORDS

Schema = dict[str, Any]

SHOWN = 60  # characters of a given value shown back: enough to recognise it, never a wall of text
MAX_LINES = 8  # a call with hundreds of bad list items still answers in a screenful

# What pydantic found, by its error type, in words about the argument (never pydantic's own words).
_PROBLEMS = {
    "string_type": "is not a string",
    "int_type": "is not an integer",
    "int_parsing": "is not an integer",
    "int_from_float": "is not a whole number",
    "float_type": "is not a number",
    "float_parsing": "is not a number",
    "bool_type": "is not true or false",
    "bool_parsing": "is not true or false",
    "list_type": "is not a list",
    "dict_type": "is not an object",
    "datetime_type": "is not a time",
    "datetime_parsing": "is not a valid time",
    "datetime_from_date_parsing": "is not a valid time",
    "datetime_object_invalid": "is not a valid time",
    "timezone_aware": "has no UTC offset",
    "literal_error": "is not one of the accepted values",
    "enum": "is not one of the accepted values",
    "string_pattern_mismatch": "does not have the accepted form",
    "greater_than_equal": "is too small",
    "greater_than": "is too small",
    "less_than_equal": "is too large",
    "less_than": "is too large",
    "string_too_short": "is too short",
    "string_too_long": "is too long",
    "too_short": "has too few items",
    "too_long": "has too many items",
    "missing": "is required and was not given",
}


def argument_errors(error: ValidationError, schema: Schema) -> str:
    """The text a model reads for arguments the tool's input model refused."""
    properties = cast(dict[str, Schema], schema.get("properties") or {})
    lines: list[str] = []
    unknown: list[str] = []
    for detail in error.errors(include_url=False):
        loc = detail["loc"]
        if detail["type"] == "extra_forbidden" and len(loc) == 1:
            unknown.append(str(loc[0]))
        else:
            lines.append(_line(detail, properties))
    if unknown:
        lines.append(_unknown(unknown, properties))
    lines = list(dict.fromkeys(lines))
    if len(lines) > MAX_LINES:
        lines = [*lines[: MAX_LINES - 1], f"... and {len(lines) - MAX_LINES + 1} more problems like these"]
    return "\n".join(lines)


def _line(detail: ErrorDetails, properties: dict[str, Schema]) -> str:
    loc = detail["loc"]
    where = _where(loc)
    prop = _schema_at(properties, loc)
    kind = detail["type"]
    if kind == "extra_forbidden":
        # A key inside an item: name the keys the item takes.
        parent = _schema_at(properties, loc[:-1])
        keys = ", ".join(cast(dict[str, Any], parent.get("properties") or {})) or "none"
        return f"{_where(loc[:-1])}: unknown key {quote(str(loc[-1]))}; the keys are: {keys}"
    if kind in ("value_error", "assertion_error"):
        # Our own validators' messages (schemas/inputs.py) already say what is wrong and what to send.
        cause = (detail.get("ctx") or {}).get("error")
        return f"{where}: {cause if cause is not None else detail['msg']}"
    if kind in ("too_short", "too_long") and prop.get("type") == "string":
        kind = f"string_{kind}"  # a SecretStr's length is checked as a value's, but it is a string's
    problem = _PROBLEMS.get(kind)
    if problem is None:
        # A check we did not foresee: pydantic's one-line message, without its type, input or link.
        problem = f"is not accepted ({detail['msg'].removeprefix('Input should ').rstrip('.')})"
    given = "" if kind == "missing" else f" (given {_given(detail['input'], prop)})"
    accepted = describe(prop, str(loc[-1])) if prop else "see the tool's inputSchema"
    return f"{where}: {problem}{given}; accepted: {accepted}"


def _unknown(names: list[str], properties: dict[str, Schema]) -> str:
    quoted = ", ".join(quote(name) for name in names)
    noun = "argument" if len(names) == 1 else "arguments"
    close = [m for n in names for m in difflib.get_close_matches(n, list(properties), n=1, cutoff=0.6)]
    guess = f" (did you mean {', '.join(dict.fromkeys(close))}?)" if close else ""
    takes = ", ".join(properties) if properties else "no arguments"
    return f"unknown {noun} {quoted}{guess}; this tool takes: {takes}"


def _where(loc: tuple[int | str, ...]) -> str:
    head, *rest = loc
    text = str(head) if str(head).isidentifier() else quote(str(head))
    for part in rest:
        text += f"[{part}]" if isinstance(part, int) else f"[{quote(part)}]"
    return text


def _schema_at(properties: dict[str, Schema], loc: tuple[int | str, ...]) -> Schema:
    node = _unwrap(properties.get(str(loc[0]), {}))
    for part in loc[1:]:
        if isinstance(part, int):
            node = _unwrap(node.get("items", {}))
        else:
            fields = cast(dict[str, Any], node.get("properties") or {})
            node = _unwrap(fields.get(part, node.get("additionalProperties", {})))
    return node


def _unwrap(node: Any) -> Schema:
    """The schema itself, out of an optional argument's `anyOf [X, null]` or `type: [T, "null"]`."""
    if not isinstance(node, dict):
        return {}
    kinds = cast(Schema, node).get("type")
    if isinstance(kinds, list):
        kept_kinds = [k for k in cast(list[str], kinds) if k != "null"]
        if len(kept_kinds) == 1:
            return {**cast(Schema, node), "type": kept_kinds[0]}
    options = cast(Schema, node).get("anyOf")
    if isinstance(options, list):
        kept = [o for o in cast(list[Schema], options) if o.get("type") != "null"]
        if len(kept) == 1:
            return {**{k: v for k, v in cast(Schema, node).items() if k != "anyOf"}, **kept[0]}
    return cast(Schema, node)


# Arguments whose meaning the server's instructions say once instead of in each schema.
UNDESCRIBED = {"count": "the page size"}


def describe(prop: Schema, name: str = "") -> str:
    """What a property of an input schema accepts, in words: type, values, limits, form."""
    if name in UNDESCRIBED and "description" not in prop:
        return f"{_accepted(prop)} ({UNDESCRIBED[name]})"
    description = prop.get("description")
    what = _accepted(prop)
    if "enum" in prop or prop.get("format") == "date-time" or not isinstance(description, str):
        return what  # the values or the form say it all
    return f"{what} - {description}"


def _accepted(prop: Schema) -> str:
    if "enum" in prop:
        return one_of(cast(list[Any], prop["enum"]))
    kind = prop.get("type")
    if kind == "string":
        return _string(prop)
    if kind == "integer":
        return "an integer" + _range(prop.get("minimum"), prop.get("maximum"))
    if kind == "number":
        return "a number" + _range(prop.get("minimum"), prop.get("maximum"))
    if kind == "boolean":
        return "true or false"
    if kind == "array":
        items = cast(Schema, prop.get("items") or {})
        each = f", each {_accepted(items)}" if items else ""
        return f"a list of {_count(prop.get('minItems'), prop.get('maxItems'), 'items')}{each}"
    if kind == "object":
        values = prop.get("additionalProperties")
        each = f", each value {_accepted(cast(Schema, values))}" if isinstance(values, dict) else ""
        return f"an object of {_count(prop.get('minProperties'), prop.get('maxProperties'), 'entries')}{each}"
    return "see the tool's inputSchema"


def _string(prop: Schema) -> str:
    form = prop.get("format")
    if form == "date-time":
        return f"{TIME_WORDS}, {TIME_RANGE}"
    noun = {"email": "an e-mail address", "uri": "an http(s) URL", "password": "a secret string"}.get(
        str(form), "a string"
    )
    sized = _count(prop.get("minLength"), prop.get("maxLength"), "characters")
    text = noun if sized == "any number of characters" else f"{noun} of {sized}"
    if "pattern" in prop:
        text += f" matching {prop['pattern']}"
    return text


def _range(low: Any, high: Any) -> str:
    if low is not None and high is not None:
        return f" from {low} to {high}"
    if low is not None:
        return f" of at least {low}"
    if high is not None:
        return f" of at most {high}"
    return ""


def _count(low: Any, high: Any, unit: str) -> str:
    if low is not None and high is not None:
        return f"{low} to {high} {unit}"
    if low is not None:
        return f"at least {low} {unit}"
    if high is not None:
        return f"at most {high} {unit}"
    return f"any number of {unit}"


def one_of(values: list[Any]) -> str:
    shown = [quote(v) if isinstance(v, str) else json.dumps(v) for v in values]
    if len(shown) <= 2:
        return " or ".join(shown)
    return "one of " + ", ".join(shown)


def _given(value: Any, prop: Schema) -> str:
    if prop.get("writeOnly") or prop.get("format") == "password":
        # A secret stays a secret even when it is the wrong one.
        return f"{len(value)} characters, not shown" if isinstance(value, str) else "a value, not shown"
    if isinstance(value, str):
        return shorten(value)
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError, RecursionError):
        return f"a {type(value).__name__}"
    return escape(text[:SHOWN]) + ("..." if len(text) > SHOWN else "")


def shorten(text: str) -> str:
    """A given string as a model should see it back: quoted, escaped, at most SHOWN characters of it."""
    if len(text) <= SHOWN:
        return quote(text)
    return f"{quote(text[:SHOWN])}... ({len(text)} characters)"


def quote(text: str) -> str:
    # repr escapes control characters, invisible format characters (U+200B, U+202E) and other
    # non-printables, so what a model reads back is exactly what it sent, and nothing hides in it.
    return repr(text[: SHOWN * 2])


def escape(text: str) -> str:
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)
