"""One serializer for every noun: frozen dataclasses to JSON-ready values and back, exactly.

It walks a dataclass's fields by their type hints, so no class writes its own `to_dict`:
strings, integers, booleans and None are themselves; tuples are lists; nested dataclasses are
objects keyed by field name; `bytes` (the packed float32 embeddings) are base64, so nothing is
rounded. A class may name read-only properties in `JSON_DERIVED` ("support", a count of
articles): they are written for readers of the JSON and ignored when reading it back.

Reading is strict, because a file that looks almost right must not give an almost right brief:
a missing field, an unknown one, or a value of the wrong type is a `SchemaError` that names where
it is (`sentences[3].span.start: expected an integer, got "x"`).

Written by hand rather than with pydantic or cattrs: the nouns are plain frozen dataclasses used
everywhere, the rules above are a hundred lines, and a dependency would be imported by every
worker for this alone.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import types
import typing
from collections.abc import Mapping
from typing import Any, TypeVar

from newsweave.errors import SchemaError

T = TypeVar("T")


# Resolved field types per class: type hints are slow to resolve and never change.
_FIELD_TYPES: dict[type, tuple[tuple[str, Any, bool], ...]] = {}


def _field_types(cls: type) -> tuple[tuple[str, Any, bool], ...]:
    """(name, type hint, has a default) of each field of a dataclass, resolved once per class."""
    if cls not in _FIELD_TYPES:
        _FIELD_TYPES[cls] = _resolve_fields(cls)
    return _FIELD_TYPES[cls]


def _resolve_fields(cls: type) -> tuple[tuple[str, Any, bool], ...]:
    hints = typing.get_type_hints(cls)
    return tuple(
        (
            field.name,
            hints[field.name],
            field.default is not dataclasses.MISSING
            or field.default_factory is not dataclasses.MISSING,
        )
        for field in dataclasses.fields(cls)
    )


def to_dict(value: Any) -> dict[str, Any]:
    """The JSON form of a dataclass instance: its fields (and `JSON_DERIVED` properties).

    Args:
        value: A dataclass instance whose fields are str, int, bool, bytes, None, tuples and
            other such dataclasses.

    Returns:
        A dict of JSON-ready values (`json.dumps` writes it as is).
    """
    data = {name: _encode(getattr(value, name)) for name, _, _ in _field_types(type(value))}
    for name in getattr(type(value), "JSON_DERIVED", ()):
        data[name] = _encode(getattr(value, name))
    return data


def _encode(value: Any) -> Any:
    if value is None or isinstance(value, str | int | float):
        return value
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, tuple | list):
        return [_encode(item) for item in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return to_dict(value)
    raise TypeError(f"cannot serialize {type(value).__name__}")


def from_dict(cls: type[T], data: Any, where: str = "") -> T:
    """Rebuild a dataclass instance from its JSON form, checking every field.

    Args:
        cls: The dataclass to build.
        data: What `to_dict` gave (after a trip through JSON).
        where: Where `data` is, for messages ("line 4: sentences[2]").

    Returns:
        The instance, equal to the one `to_dict` was given.

    Raises:
        SchemaError: When a field is missing, unknown, or of the wrong type, or the class
            itself rejects the values.
    """
    if not isinstance(data, Mapping):
        raise SchemaError(f"{where or cls.__name__}: expected an object, got {_shown(data)}")
    fields = _field_types(cls)
    derived = set(getattr(cls, "JSON_DERIVED", ()))
    known = {name for name, _, _ in fields}
    unknown = sorted(set(data) - known - derived)
    if unknown:
        raise SchemaError(f"{where or cls.__name__}: unknown field(s) {', '.join(unknown)}")
    values: dict[str, Any] = {}
    for name, hint, has_default in fields:
        path = f"{where}.{name}" if where else name
        if name not in data:
            if has_default:
                continue
            raise SchemaError(f"{path}: missing")
        values[name] = _decode(hint, data[name], path)
    try:
        return cls(**values)
    except (ValueError, TypeError) as error:
        raise SchemaError(f"{where or cls.__name__}: {error}") from None


def _decode(hint: Any, value: Any, where: str) -> Any:
    origin = typing.get_origin(hint)
    if origin in (types.UnionType, typing.Union):
        options = typing.get_args(hint)
        if value is None and type(None) in options:
            return None
        (inner,) = [option for option in options if option is not type(None)]
        return _decode(inner, value, where)
    if origin is tuple:
        if not isinstance(value, list):
            raise SchemaError(f"{where}: expected a list, got {_shown(value)}")
        args = typing.get_args(hint)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_decode(args[0], item, f"{where}[{n}]") for n, item in enumerate(value))
        if len(value) != len(args):
            raise SchemaError(f"{where}: expected {len(args)} items, got {len(value)}")
        return tuple(
            _decode(arg, item, f"{where}[{n}]")
            for n, (arg, item) in enumerate(zip(args, value, strict=True))
        )
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        return from_dict(hint, value, where)
    return _decode_scalar(hint, value, where)


def _decode_scalar(hint: Any, value: Any, where: str) -> Any:
    if hint is str:
        if isinstance(value, str):
            return value
        raise SchemaError(f"{where}: expected a string, got {_shown(value)}")
    if hint is int:
        # bool is an int to Python, not to JSON.
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        raise SchemaError(f"{where}: expected an integer, got {_shown(value)}")
    if hint is float:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        raise SchemaError(f"{where}: expected a number, got {_shown(value)}")
    if hint is bool:
        if isinstance(value, bool):
            return value
        raise SchemaError(f"{where}: expected true or false, got {_shown(value)}")
    if hint is bytes:
        if isinstance(value, bytes):
            return value  # from a binary column (the store's embeddings), not from JSON
        if isinstance(value, str):
            try:
                return base64.b64decode(value.encode("ascii"), validate=True)
            except (binascii.Error, UnicodeEncodeError):
                pass
        raise SchemaError(f"{where}: expected base64 data, got {_shown(value)}")
    raise TypeError(f"{where}: cannot read a field of type {hint!r}")


def _shown(value: Any) -> str:
    """A short description of an unexpected value, for messages."""
    text = repr(value)
    return text if len(text) <= 40 else f"{type(value).__name__} {text[:37]}..."
