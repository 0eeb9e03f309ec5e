"""Marshmallow fields the whole service uses for untrusted input."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, fields


class Text(fields.String):
    """A string without NUL characters (PostgreSQL refuses them in text)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        result = super()._deserialize(value, attr, data, **kwargs)
        if result is not None and "\x00" in result:
            raise ValidationError("must not contain NUL characters")
        return result


class StrictBoolean(fields.Boolean):
    """Only JSON true and false: 1, 0, "yes" and "true" are refused."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if not isinstance(value, bool):
            raise ValidationError("must be true or false")
        return value
