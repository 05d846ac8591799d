"""What the key-based native clients (Cohere, Mistral) share: how they are built from a config entry.

Such a client is built as ag2 builds it, ``Client(**config_entry)``: a missing key is an AssertionError
at once, unless ``OpenAIWrapper`` builds it (``from_wrapper_config``), which reports a
``MissingAPIKeyError`` naming the environment variable at the first call instead.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any, ClassVar

from typing_extensions import Self

from .endpoints import secret_value
from .errors import MissingAPIKeyError
from .pricing import normalize_price

__all__ = ["KeyedNativeClient"]


class KeyedNativeClient:
    """Base of a native client whose API key comes from the entry's ``api_key`` or an environment variable."""

    API_TYPE: ClassVar[str]
    KEY_ENV: ClassVar[str]
    MISSING_KEY: ClassVar[str]  # the AssertionError text when built without a key

    _base_url: str | None

    def _take_config(self, kwargs: dict[str, Any]) -> None:
        """Keep the entry and read its key, response format and price (the key is checked unless deferred)."""
        defer = kwargs.pop("_defer_credential_check", False)
        self._config_index = kwargs.pop("_config_index", 0)
        self._config = kwargs
        self.api_key = secret_value(kwargs.get("api_key")) or os.getenv(self.KEY_ENV)
        if not self.api_key and not defer:
            raise AssertionError(self.MISSING_KEY)
        self._response_format: Any = kwargs.get("response_format")
        self._price = normalize_price(kwargs.get("price"))

    @classmethod
    def from_wrapper_config(
        cls, config: Mapping[str, Any], *, response_format: Any = None, config_index: int = 0
    ) -> Self:
        """The client ``OpenAIWrapper`` builds for one config entry (the key is checked at the first call)."""
        return cls(
            **{**config, "response_format": response_format}, _defer_credential_check=True, _config_index=config_index
        )

    @property
    def model(self) -> str | None:
        return self._config.get("model")

    @property
    def base_url(self) -> str | None:
        return self._base_url

    def _checked_api_key(self) -> str:
        """The API key, or a MissingAPIKeyError that names the entry and the environment variable."""
        if not self.api_key:
            raise MissingAPIKeyError(
                f"config entry {self._config_index} (model={self.model!r}, api_type={self.API_TYPE!r}): no API key. "
                f"Set the {self.KEY_ENV} environment variable or put 'api_key' in the config entry."
            )
        return self.api_key

    def __getstate__(self) -> dict[str, Any]:
        return self.__dict__.copy()
