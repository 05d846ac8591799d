"""Helpers for renamed event classes: keep an old class name working while pointing users to the new one."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Mapping
from typing import Any

from pydantic import BaseModel

__all__ = ["deprecated_by"]

logger = logging.getLogger(__name__)


def deprecated_by(
    new_class: type[BaseModel],
    param_mapping: Mapping[str, str] | None = None,
    default_params: Mapping[str, Any] | None = None,
) -> Callable[[type[BaseModel]], Callable[..., BaseModel]]:
    """Decorator turning an old class into a factory that builds ``new_class`` instead.

    Each call logs a deprecation warning, renames keyword arguments by ``param_mapping`` (old -> new)
    and fills in ``default_params`` the caller did not give.
    """
    renames = dict(param_mapping or {})
    defaults = dict(default_params or {})

    def decorator(old_class: type[BaseModel]) -> Callable[..., BaseModel]:
        @functools.wraps(old_class)
        def factory(*args: Any, **kwargs: Any) -> BaseModel:
            logger.warning(
                f"{old_class.__name__} is deprecated by {new_class.__name__}. "
                f"Please import it from {new_class.__module__} and use it instead."
            )
            new_kwargs = {renames.get(key, key): value for key, value in kwargs.items()}
            for key, value in defaults.items():
                new_kwargs.setdefault(key, value)
            return new_class(*args, **new_kwargs)

        return factory

    return decorator
