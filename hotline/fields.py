"""Marshmallow fields the whole service uses for untrusted input."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, fields


class Text(fields.String):
    """A string without NUL characters or lone surrogates (databases refuse both)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        result = super()._deserialize(value, attr, data, **kwargs)
        if result is not None and "\x00" in result:
            raise ValidationError("must not contain NUL characters")
        if result is not None:
            try:
                result.encode("utf-8")
            except UnicodeEncodeError:  # JSON "\ud800" decodes to a lone surrogate
                raise ValidationError("must be valid Unicode text") from None
        return result


class StrictBoolean(fields.Boolean):
    """Only JSON true and false: 1, 0, "yes" and "true" are refused."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if not isinstance(value, bool):
            raise ValidationError("must be true or false")
        return value


def blank(value: object) -> bool:
    """Whether a submitted value is missing: None, or text of only whitespace."""
    return value is None or (isinstance(value, str) and not value.strip())
