"""``CustomField``: a parameter whose value a subclass derives from the call's keyword arguments."""

from __future__ import annotations

from abc import ABC
from typing import Any

from typing_extensions import Self

__all__ = ["CustomField"]


class CustomField(ABC):
    """Subclass and override ``use`` (returns the new keyword arguments) or, with ``field = True``,
    ``use_field`` (sets the value in place; async ones run concurrently).

    ``cast``: validate the value against the annotation. ``required``: a missing value is an error
    (else it is None).
    """

    param_name: str | None
    cast: bool
    required: bool

    __slots__ = ("cast", "field", "param_name", "required")

    def __init__(self, *, cast: bool = True, required: bool = True) -> None:
        self.cast = cast
        self.param_name = None
        self.required = required
        self.field = False

    def set_param_name(self, name: str) -> Self:
        """Bind the field to the parameter it fills."""
        self.param_name = name
        return self

    def use(self, /, **kwargs: Any) -> dict[str, Any]:
        """Return the keyword arguments with this field's value added (the base adds nothing)."""
        assert self.param_name, "You should specify `param_name` before using"
        return kwargs

    def use_field(self, kwargs: dict[str, Any]) -> None:
        """Set this field's value in ``kwargs`` (for ``field = True`` subclasses)."""
        raise NotImplementedError("You should implement `use_field` method.")
