"""Endpoint resolution and the process-wide registry of openai SDK clients.

An openai SDK client owns an HTTP connection pool, so building one per agent is what made the
original slow and memory-hungry. Here a config entry is resolved (on its first call, never at
construction) to a hashable :class:`Endpoint`; one SDK client exists per distinct endpoint in the
process (and, for the async client, per event loop, because an ``AsyncOpenAI`` client's
connections belong to the loop that opened them). The registry is thread-safe.
"""

from __future__ import annotations

import asyncio
import os
import threading
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

from ..import_utils import optional_import
from .errors import MissingAPIKeyError, UnsupportedAPITypeError

__all__ = [
    "AZURE_CLIENT_KWARGS",
    "CLIENT_KWARGS",
    "OPENAI_CLIENT_KWARGS",
    "PROVIDERS",
    "Endpoint",
    "Provider",
    "clear_client_registry",
    "get_async_client",
    "get_sync_client",
    "provider_for",
    "resolve_endpoint",
    "secret_value",
]

# Keyword arguments of the openai / Azure SDK client constructors: they configure the connection,
# they are never request parameters.
OPENAI_CLIENT_KWARGS = frozenset(
    {
        "api_key",
        "organization",
        "project",
        "base_url",
        "websocket_base_url",
        "timeout",
        "max_retries",
        "default_headers",
        "default_query",
        "http_client",
        "_strict_response_validation",
        "webhook_secret",
        "workload_identity",
        "_enforce_credentials",
        "admin_api_key",
    }
)
AZURE_CLIENT_KWARGS = OPENAI_CLIENT_KWARGS | {
    "azure_endpoint",
    "azure_deployment",
    "api_version",
    "azure_ad_token",
    "azure_ad_token_provider",
}
CLIENT_KWARGS = OPENAI_CLIENT_KWARGS | AZURE_CLIENT_KWARGS

_DEFAULT_AZURE_API_VERSION = "2024-10-21"
_NO_KEY_PLACEHOLDER = "no-key-configured"


@dataclass(frozen=True)
class Provider:
    """An OpenAI-compatible provider reached through the openai SDK."""

    base_url: str | None  # None: the SDK default (api.openai.com)
    key_env: str | None  # environment variable holding the key; None: no key needed
    key_required: bool = True
    body_fields: frozenset[str] = frozenset()  # the provider's own request fields (sent in extra_body)


PROVIDERS: dict[str, Provider] = {
    "openai": Provider(None, "OPENAI_API_KEY"),
    "openai_v2": Provider(None, "OPENAI_API_KEY"),
    # the Responses API client (autogen.oai.openai_responses) connects through these rules too
    "responses": Provider(None, "OPENAI_API_KEY"),
    "deepseek": Provider("https://api.deepseek.com/v1", "DEEPSEEK_API_KEY"),
}

# api_types with a native SDK in the original; here they are reached through their providers'
# OpenAI-compatible endpoints (when one exists).
_COMPATIBLE_ENDPOINT_HINTS: dict[str, str] = {
    "gemini": "Gemini's OpenAI-compatible endpoint https://generativelanguage.googleapis.com/v1beta/openai/",
}


def provider_for(api_type: str | None) -> tuple[str, Provider | None]:
    """Normalize ``api_type`` to ``(family, provider)``; family is ``"azure"`` or a PROVIDERS key.

    Raises UnsupportedAPITypeError for api_types without an OpenAI-compatible route.
    """
    name = (api_type or "openai").strip().lower()
    if name.startswith("azure"):
        return "azure", None
    provider = PROVIDERS.get(name)
    if provider is None:
        hint = _COMPATIBLE_ENDPOINT_HINTS.get(name, "the provider's OpenAI-compatible endpoint, if it has one")
        supported = ", ".join(sorted({*PROVIDERS, "azure"}))
        raise UnsupportedAPITypeError(
            f"api_type {api_type!r} is not supported here (supported: {supported}). "
            f"Use {hint}: set api_type='openai' and base_url to that endpoint in the config entry."
        )
    return name, provider


def _freeze(value: Any) -> Any:
    # a hashable, order-independent form of header / query mappings
    if isinstance(value, Mapping):
        return tuple(sorted((str(k), _freeze(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple, set)):
        return tuple(_freeze(v) for v in value)
    return value


def secret_value(value: Any) -> Any:
    """``value``, or the secret it holds when it is a pydantic ``SecretStr`` (entries may hold those)."""
    getter = getattr(value, "get_secret_value", None)
    return getter() if callable(getter) else value


@dataclass(frozen=True)
class Endpoint:
    """Everything that makes two SDK clients different. Hashable: the registry key."""

    family: str  # "openai" (any OpenAI-compatible server) or "azure"
    base_url: str | None
    api_key: Any
    organization: str | None = None
    project: str | None = None
    api_version: str | None = None
    azure_deployment: str | None = None
    azure_ad_token: str | None = None
    azure_ad_token_provider: Any = None
    default_headers: tuple[Any, ...] | None = None
    default_query: tuple[Any, ...] | None = None
    http_client: Any = None

    def client_kwargs(self, *, for_async: bool) -> dict[str, Any]:
        """Constructor kwargs for the SDK client; the SDK's own retries are off (ours are observable)."""
        kwargs: dict[str, Any] = {"api_key": self.api_key, "max_retries": 0}
        if self.organization:
            kwargs["organization"] = self.organization
        if self.project:
            kwargs["project"] = self.project
        if self.default_headers:
            kwargs["default_headers"] = dict(self.default_headers)
        if self.default_query:
            kwargs["default_query"] = dict(self.default_query)
        if self.http_client is not None and hasattr(self.http_client, "aclose") == for_async:
            kwargs["http_client"] = self.http_client
        if self.family == "azure":
            kwargs["azure_endpoint"] = self.base_url
            kwargs["api_version"] = self.api_version
            if self.azure_deployment:
                kwargs["azure_deployment"] = self.azure_deployment
            if self.azure_ad_token:
                kwargs["azure_ad_token"] = self.azure_ad_token
            if self.azure_ad_token_provider is not None:
                kwargs["azure_ad_token_provider"] = self.azure_ad_token_provider
            if self.api_key is None:
                del kwargs["api_key"]
        elif self.base_url:
            kwargs["base_url"] = self.base_url
        return kwargs


def _is_default_openai(base_url: str | None) -> bool:
    return not base_url or (urlparse(base_url).hostname or "").endswith("api.openai.com")


def resolve_endpoint(config: Mapping[str, Any], *, config_index: int = 0) -> Endpoint:
    """Resolve a merged config entry to its :class:`Endpoint` (reads environment variables).

    Raises MissingAPIKeyError naming the environment variable / config key to set when a key is
    needed and none is configured.
    """
    family, provider = provider_for(config.get("api_type"))
    model = config.get("model")
    where = f"config entry {config_index} (model={model!r}, api_type={config.get('api_type') or 'openai'!r})"
    api_key = secret_value(config.get("api_key"))
    headers = _freeze(config["default_headers"]) if config.get("default_headers") else None
    query = _freeze(config["default_query"]) if config.get("default_query") else None

    if family == "azure":
        base_url = config.get("azure_endpoint") or config.get("base_url") or os.environ.get("AZURE_OPENAI_ENDPOINT")
        if not base_url:
            raise ValueError(
                f"{where}: Azure OpenAI needs the resource endpoint: set 'base_url' (e.g. "
                "https://<resource>.openai.azure.com/) in the config entry or the AZURE_OPENAI_ENDPOINT environment variable."
            )
        token_provider = config.get("azure_ad_token_provider")
        if token_provider == "DEFAULT":
            token_provider = _default_azure_token_provider()
        token = secret_value(config.get("azure_ad_token")) or os.environ.get("AZURE_OPENAI_AD_TOKEN")
        api_key = api_key or os.environ.get("AZURE_OPENAI_API_KEY")
        if not api_key and not token and token_provider is None:
            raise MissingAPIKeyError(
                f"{where}: no Azure OpenAI credentials. Set the AZURE_OPENAI_API_KEY environment variable, or put "
                "'api_key' (or 'azure_ad_token' / 'azure_ad_token_provider') in the config entry."
            )
        return Endpoint(
            family="azure",
            base_url=str(base_url),
            api_key=api_key or None,
            organization=config.get("organization"),
            project=config.get("project"),
            api_version=config.get("api_version") or os.environ.get("OPENAI_API_VERSION") or _DEFAULT_AZURE_API_VERSION,
            azure_deployment=config.get("azure_deployment"),
            azure_ad_token=token or None,
            azure_ad_token_provider=token_provider,
            default_headers=headers,
            default_query=query,
            http_client=config.get("http_client"),
        )

    assert provider is not None
    base_url = config.get("base_url")
    base_url = str(base_url) if base_url else provider.base_url
    if not api_key and provider.key_env:
        api_key = os.environ.get(provider.key_env)
    if not api_key:
        needs_key = provider.key_required and (
            family not in ("openai", "openai_v2", "responses") or _is_default_openai(base_url)
        )
        if needs_key:
            env = provider.key_env or "the provider's API key variable"
            raise MissingAPIKeyError(
                f"{where}: no API key. Set the {env} environment variable or put 'api_key' in the config entry."
            )
        # local OpenAI-compatible servers (ollama, vLLM, LM Studio, llama.cpp) usually need none
        api_key = _NO_KEY_PLACEHOLDER
    return Endpoint(
        family="openai",
        base_url=base_url,
        api_key=api_key,
        organization=config.get("organization"),
        project=config.get("project"),
        default_headers=headers,
        default_query=query,
        http_client=config.get("http_client"),
    )


def _default_azure_token_provider() -> Any:
    identity = optional_import("azure.identity", "azure", feature="azure_ad_token_provider='DEFAULT'")
    return identity.get_bearer_token_provider(
        identity.DefaultAzureCredential(), "https://cognitiveservices.azure.com/.default"
    )


class ClientRegistry:
    """SDK clients shared per key: one sync client per key for the process, and one async client per
    key and event loop (an async client is bound to the loop it was made on). Clients are built by
    ``build(key, for_async)`` on first use; lookups take no lock once a client exists.
    Every provider's native client keeps one of these (see `on_registry_clear`)."""

    def __init__(self, build: Callable[[Any, bool], Any], *, close_on_clear: bool = True) -> None:
        self._build = build
        self._close_on_clear = close_on_clear
        self._lock = threading.Lock()
        self._sync: dict[Any, Any] = {}
        self._async: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[Any, Any]] = weakref.WeakKeyDictionary()

    def sync_client(self, key: Any) -> Any:
        """The process-wide sync client for ``key``."""
        client = self._sync.get(key)
        if client is None:
            with self._lock:
                client = self._sync.get(key)
                if client is None:
                    client = self._sync[key] = self._build(key, False)
        return client

    def async_client(self, key: Any) -> Any:
        """The async client for ``key`` bound to the running event loop."""
        loop = asyncio.get_running_loop()
        per_loop = self._async.get(loop)
        client = per_loop.get(key) if per_loop is not None else None
        if client is None:
            with self._lock:
                per_loop = self._async.setdefault(loop, {})
                client = per_loop.get(key)
                if client is None:
                    client = per_loop[key] = self._build(key, True)
        return client

    def clear(self) -> None:
        """Forget every client (new ones are built on the next call); sync ones are closed, best effort."""
        with self._lock:
            clients = list(self._sync.values())
            self._sync.clear()
            self._async.clear()
        if not self._close_on_clear:
            return
        for client in clients:
            try:
                client.close()
            except Exception:  # noqa: BLE001, S110 - closing is best effort
                pass


def _build(endpoint: Endpoint, for_async: bool) -> Any:
    openai = optional_import("openai", "openai", feature="the OpenAI-compatible model client")
    if endpoint.family == "azure":
        cls = openai.AsyncAzureOpenAI if for_async else openai.AzureOpenAI
    else:
        cls = openai.AsyncOpenAI if for_async else openai.OpenAI
    return cls(**endpoint.client_kwargs(for_async=for_async))


_openai_clients = ClientRegistry(_build)
_generation = [0]


def registry_generation() -> int:
    """Changes whenever the registry is cleared: a cached client is valid while this is unchanged."""
    return _generation[0]


def get_sync_client(endpoint: Endpoint) -> Any:
    """The process-wide ``openai.OpenAI`` / ``AzureOpenAI`` client for ``endpoint`` (created on first use)."""
    return _openai_clients.sync_client(endpoint)


def get_async_client(endpoint: Endpoint) -> Any:
    """The ``AsyncOpenAI`` client for ``endpoint`` bound to the running event loop (created on first use)."""
    return _openai_clients.async_client(endpoint)


_clear_hooks: list[Any] = []


def on_registry_clear(hook: Any) -> None:
    """Call ``hook()`` whenever :func:`clear_client_registry` runs (native clients' own registries)."""
    _clear_hooks.append(hook)


def clear_client_registry() -> None:
    """Forget every shared client (new ones are built on the next call). Mainly for tests."""
    for hook in list(_clear_hooks):
        hook()
    _openai_clients.clear()
    _generation[0] += 1
