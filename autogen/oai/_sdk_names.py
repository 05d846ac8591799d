"""SDK names that a provider client module offers as its own attributes, imported on first use.

ag2's provider modules import their SDK at module level, and code and tests reach for those names
there (``autogen.oai.gemini.genai``, ``autogen.oai.anthropic.Anthropic``) or patch them. Here the
module stays light: a name is resolved when first read (the module's ``__getattr__``) and then kept
in the module's namespace, and the client looks every name up through :meth:`SDKNames.get`, so a
name replaced on the module (``unittest.mock.patch``) is the one used.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping, MutableMapping
from typing import Any

from ..import_utils import optional_import

__all__ = ["SDKNames"]

_MISSING = object()


class SDKNames:
    """``name -> (module, attribute or None for the module itself)`` for one client module."""

    def __init__(
        self,
        namespace: MutableMapping[str, Any],
        names: Mapping[str, tuple[str, str | None]],
        *,
        extra: str,
        feature: str,
        optional: frozenset[str] = frozenset(),
    ) -> None:
        self._namespace = namespace
        self._names = dict(names)
        self._extra = extra
        self._feature = feature
        self._optional = optional  # names an older SDK may lack: None then

    def get(self, name: str) -> Any:
        """The current value of ``name`` in the module (imported and kept there on first use)."""
        value = self._namespace.get(name, _MISSING)
        if value is _MISSING:
            value = self._namespace[name] = self._load(name)
        return value

    def _load(self, name: str) -> Any:
        module_name, attribute = self._names[name]
        if module_name.startswith("autogen."):
            module = importlib.import_module(module_name)
        else:
            module = optional_import(module_name, self._extra, feature=self._feature)
        if attribute is None:
            return module
        if name in self._optional:
            return getattr(module, attribute, None)
        return getattr(module, attribute)

    def module_getattr(self, name: str) -> Any:
        """The module's ``__getattr__``: SDK names on demand, AttributeError for anything else."""
        if name in self._names:
            return self.get(name)
        raise AttributeError(name)
