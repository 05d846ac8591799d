"""``OpenAIWrapper``: one model call over a list of configs, with caching, retries, fallback and cost.

Construction only stores configs (no openai import, no network, no SDK client); SDK clients are
shared per endpoint and built on the first call (see :mod:`autogen.oai.endpoints`). The call logic
is written once as a plan (a flow of effects, :mod:`autogen._effects`) that ``create`` runs
synchronously and ``a_create`` runs on the event loop; an agent's LLM reply enters the same plan by
delegation.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import weakref
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from .. import runtime_logging
from ._response_cost import extra_cost_type, store_cost
from .drivers import CallModel, Plan, Sleep, run_async, run_sync
from .endpoints import AZURE_CLIENT_KWARGS, CLIENT_KWARGS, OPENAI_CLIENT_KWARGS
from .errors import (
    Attempt,
    FailureKind,
    LLMCallError,
    LLMTimeoutError,
    MissingAPIKeyError,
    ModelClientNotRegisteredError,
    UnsupportedAPITypeError,
    classify_failure,
    summarize_attempts,
)
from .openai_client import OpenAIClient
from .pricing import OAI_PRICE1K
from .retry import RETRY_OPTION_KEYS, RetryPolicy
from .streaming import update_dict_from_chunk, update_function_call_from_chunk, update_tool_call_from_chunk
from .structured import cache_form
from .usage import add_counts, usage_counts

if TYPE_CHECKING:
    from ..llm_config.client import ModelClient

__all__ = [
    "AOPENAI_FALLBACK_KWARGS",
    "LEGACY_CACHE_DIR",
    "LEGACY_DEFAULT_CACHE_SEED",
    "OAI_PRICE1K",
    "OPENAI_FALLBACK_KWARGS",
    "TOOL_ENABLED",
    "LLMCallError",
    "LLMTimeoutError",
    "MissingAPIKeyError",
    "ModelClient",
    "ModelClientNotRegisteredError",
    "OpenAIClient",
    "OpenAIWrapper",
    "PlaceHolderClient",
    "UnsupportedAPITypeError",
]

logger = logging.getLogger(__name__)

LEGACY_CACHE_DIR = ".cache"

#: Callables told of every failed model-call attempt, with the record the runtime log gets
#: (``attempt``, ``error_type``, ``action``: retry / fallback / give_up / raise, ...). They run in
#: the caller's thread and context, inside the wrapper's call; the OpenTelemetry instrumentation
#: adds one (span events). Empty, the failure path does no extra work.
FAILURE_OBSERVERS: list[Callable[[dict[str, Any]], None]] = []
# ag2 tells scripts whether the installed openai SDK supports tool calls; every supported one does.
TOOL_ENABLED = True
# The cache seed 0.2 used when none was given; kept for scripts that name it (no caching by default now).
LEGACY_DEFAULT_CACHE_SEED = 41
# ag2's names for the constructor keywords of openai.OpenAI / openai.AzureOpenAI
OPENAI_FALLBACK_KWARGS = OPENAI_CLIENT_KWARGS
AOPENAI_FALLBACK_KWARGS = AZURE_CLIENT_KWARGS

# Keys that configure the wrapper itself; never sent to the model API.
WRAPPER_KEYS = frozenset(
    {
        "agent",
        "cache",
        "cache_seed",
        "filter_func",
        "allow_format_str_template",
        "context",
        "api_version",
        "api_type",
        "tags",
        "price",
        "model_client_cls",
        *RETRY_OPTION_KEYS,
    }
)
_DEFAULT_RETRY = RetryPolicy()

# Keys that never take part in a cache key (secrets, endpoints, connection and retry settings).
NON_CACHE_KEYS = frozenset(
    {"api_key", "base_url", "api_type", "api_version", "azure_ad_token", "azure_ad_token_provider", "credentials"}
    | CLIENT_KWARGS
    | WRAPPER_KEYS
)
ROUTING_METHODS = ("fixed_order", "round_robin")
# SDK constructor keys that only shape the connection (max_retries drives our retry policy instead)
_CONNECTION_KEYS = CLIENT_KWARGS - {"max_retries"}


# api_types served by a client of their own over the provider's SDK ("module:Class"); the module is
# imported when a config names the api_type, the SDK at the first request. Every other api_type goes
# through the openai SDK (OpenAIClient). A native client class offers ``from_wrapper_config(config, *,
# response_format, config_index)`` and ``CONNECTION_KEYS`` besides the ModelClient protocol.
NATIVE_CLIENTS: dict[str, str] = {
    "anthropic": "autogen.oai.anthropic:AnthropicClient",
    "bedrock": "autogen.oai.bedrock:BedrockClient",
    "google": "autogen.oai.gemini:GeminiClient",
    "ollama": "autogen.oai.ollama:OllamaClient",
    "mistral": "autogen.oai.mistral:MistralAIClient",
    "cohere": "autogen.oai.cohere:CohereClient",
    # the v2 clients answer with a UnifiedResponse (typed content blocks); agents read it through their
    # message_retrieval like any other client's response
    "openai_v2": "autogen.llm_clients.openai_completions_client:OpenAICompletionsClient",
    "anthropic_v2": "autogen.llm_clients.anthropic_v2:AnthropicV2Client",
    "bedrock_v2": "autogen.llm_clients.bedrock_v2:BedrockV2Client",
    "responses_v2": "autogen.llm_clients.openai_responses_v2:OpenAIResponsesV2Client",
    "responses": "autogen.oai.openai_responses:OpenAIResponsesClient",
    "groq": "autogen.oai.groq:GroqClient",
    "cerebras": "autogen.oai.cerebras:CerebrasClient",
    "together": "autogen.oai.together:TogetherClient",
    "google_vertex": "autogen.oai.gemini:GeminiClient",
}


def native_client_class(api_type: Any) -> Any:
    """The native client class for ``api_type``, or None when it goes through the openai SDK."""
    if not isinstance(api_type, str):
        return None
    target = NATIVE_CLIENTS.get(api_type.strip().lower())
    if target is None:
        return None
    import importlib

    module, _, name = target.partition(":")
    return getattr(importlib.import_module(module), name)


class PlaceHolderClient:
    """Stands in for a ``model_client_cls`` entry until ``register_model_client`` supplies the class."""

    def __init__(self, config: dict[str, Any]) -> None:
        self.config = config

    def create(self, params: dict[str, Any]) -> Any:
        """Always fails: the custom client was never registered."""
        name = self.config.get("model_client_cls")
        raise ModelClientNotRegisteredError(
            f"Model client {name!r} is not activated: call register_model_client({name}) on the agent or "
            "OpenAIWrapper before the first model call."
        )


# Entry fields whose class default is used even when the entry did not set them: they say which
# provider and endpoint to call.
_ENTRY_DEFAULTS_KEPT = frozenset({"api_type", "model", "base_url", "tags"})


def _entry_dict(entry: Any) -> dict[str, Any]:
    if isinstance(entry, Mapping):
        return dict(entry)
    dump = getattr(entry, "model_dump", None)
    if callable(dump):
        data = dict(dump(exclude_none=True))
        fields = getattr(type(entry), "model_fields", None)
        chosen = getattr(entry, "model_fields_set", None)
        if fields is None or chosen is None:
            return data
        # A field left at its class default (stream=False, Ollama's num_ctx=2048...) is not a choice:
        # it must not override a call-time argument (config values win over create() kwargs), nor
        # reach a provider that does not know it. The provider's own default applies instead.
        return {k: v for k, v in data.items() if k in chosen or k not in fields or k in _ENTRY_DEFAULTS_KEPT}
    raise TypeError(
        f"config_list entries must be dicts or LLM config entry objects; got {type(entry).__name__}: {entry!r}"
    )


def _merge_tools(first: list[Any] | None, second: list[Any] | None) -> list[Any]:
    """Concatenate two tool lists; a tool whose function name is already present is not repeated."""
    merged = list(first or [])
    seen = {_tool_name(t) for t in merged}
    for tool in second or []:
        name = _tool_name(tool)
        if name is None or name not in seen:
            merged.append(tool)
            seen.add(name)
    return merged


def _tool_name(tool: Any) -> str | None:
    if isinstance(tool, Mapping):
        function = tool.get("function")
        if isinstance(function, Mapping):
            return function.get("name")
    return None


def cache_key(params: Mapping[str, Any]) -> str:
    """Deterministic cache key of a request: its JSON-able params minus secrets and endpoint keys."""
    data = {k: (cache_form(v) if k == "response_format" else v) for k, v in params.items() if k not in NON_CACHE_KEYS}
    try:
        return json.dumps(data, sort_keys=True)
    except (TypeError, ValueError):
        # leave out what cannot be serialized deterministically (callables, clients, ...)
        keep = {}
        for k, v in data.items():
            try:
                json.dumps(v, sort_keys=True)
            except (TypeError, ValueError):
                continue
            keep[k] = v
        return json.dumps(keep, sort_keys=True)


class OpenAIWrapper:
    """Calls an LLM through a list of configs, trying them in order until one answers.

    Args:
        config_list: config entries (dicts or entry objects). Each entry overrides ``base_config``.
            Without a config list, ``base_config`` itself is the single config.
        **base_config: SDK connection settings (api_key, base_url, timeout, ...), wrapper options
            (cache_seed, filter_func, routing_method, ...) and default request parameters.
    """

    # compatibility: the names ag2 exposes for its key classification
    openai_kwargs = CLIENT_KWARGS
    extra_kwargs = WRAPPER_KEYS

    total_usage_summary: dict[str, Any] | None
    actual_usage_summary: dict[str, Any] | None

    def __init__(self, *, config_list: Iterable[Any] | Mapping[str, Any] | None = None, **base_config: Any) -> None:
        routing = base_config.pop("routing_method", None) or "fixed_order"
        if routing not in ROUTING_METHODS:
            raise ValueError(f"routing_method must be one of {ROUTING_METHODS}; got {routing!r}")
        self.routing_method: str = routing
        self.response_buffer_size = base_config.pop("response_buffer_size", None)
        if isinstance(config_list, Mapping):
            config_list = [config_list]
        entries = [_entry_dict(e) for e in config_list] if config_list else [{}]
        extra = {k: v for k, v in base_config.items() if k not in _CONNECTION_KEYS}

        self._base_config = base_config
        self._config_list: list[dict[str, Any]] = []
        self._clients: list[Any] = []
        for i, entry in enumerate(entries):
            params = {**extra, **{k: v for k, v in entry.items() if k not in _CONNECTION_KEYS}}
            if "tools" in extra and "tools" in entry:
                params["tools"] = _merge_tools(entry["tools"], extra["tools"])
            self._config_list.append(params)
            full = {**base_config, **entry}
            native = None if full.get("model_client_cls") else native_client_class(full.get("api_type"))
            if full.get("model_client_cls"):
                self._clients.append(PlaceHolderClient(entry))
            elif native is not None:
                self._clients.append(
                    native.from_wrapper_config(full, response_format=entry.get("response_format"), config_index=i)
                )
                # the provider's connection settings (keys, regions) are neither request fields nor cache keys
                for key in (native.CONNECTION_KEYS - RETRY_OPTION_KEYS) & params.keys():
                    del params[key]
            else:
                self._clients.append(OpenAIClient(full, response_format=entry.get("response_format"), config_index=i))

        self._lock = threading.Lock()
        self._round_robin_index = 0
        self._response_clients: dict[int, Any] = {}
        self._last_response: tuple[Any, Any] | None = None
        self.total_usage_summary = None
        self.actual_usage_summary = None
        if runtime_logging.is_logging:
            runtime_logging.log_new_wrapper(
                self, {"config_list": entries, "base_config": {"routing_method": routing, **base_config}}
            )
            for client, entry in zip(self._clients, entries):
                runtime_logging.log_new_client(client, self, {**base_config, **entry})

    # ---- custom clients ------------------------------------------------------------------------

    def register_model_client(self, model_client_cls: type[ModelClient], **kwargs: Any) -> None:
        """Activate the first config entry whose ``model_client_cls`` names this class and is not active yet.

        The class is constructed as ``model_client_cls(entry_config, **kwargs)``; as in ag2, register once per
        entry (each may get its own ``kwargs``). When every such entry is active already a warning is logged;
        a ValueError is raised when no entry names the class.
        """
        name = model_client_cls.__name__
        already_active = False
        for i, client in enumerate(self._clients):
            if isinstance(client, PlaceHolderClient) and client.config.get("model_client_cls") == name:
                self._clients[i] = model_client_cls(client.config, **kwargs)
                if runtime_logging.is_logging:
                    runtime_logging.log_new_client(self._clients[i], self, {**client.config, **kwargs})
                return
            already_active = already_active or type(client).__name__ == name
        if not already_active:
            raise ValueError(
                f'Model client "{name}" is being registered but no config_list entry has "model_client_cls": "{name}". '
                "Add such an entry to the config list first."
            )
        logger.warning(
            "Model client %s is already registered. Add more entries in the config_list to use multiple model clients.",
            name,
        )

    def _create_v2_client(self, client_cls: type, openai_config: dict[str, Any], response_format: Any) -> Any:
        """Build ``client_cls(response_format=..., **openai_config)`` and add it to the clients (ag2's hook)."""
        client = client_cls(response_format=response_format, **openai_config)
        self._clients.append(client)
        return client

    @staticmethod
    def _configure_openai_config_for_gemini(config: Mapping[str, Any], openai_config: dict[str, Any]) -> None:
        """Copy the Gemini client settings of ``config`` (``proxy``) into ``openai_config`` (ag2's hook)."""
        if "proxy" in config:
            openai_config["proxy"] = config["proxy"]

    # ---- templates -----------------------------------------------------------------------------

    @classmethod
    def instantiate(
        cls,
        template: str | Callable[[dict[str, Any]], str] | None,
        context: dict[str, Any] | None = None,
        allow_format_str_template: bool | None = False,
    ) -> str | None:
        """Fill a message template from ``context``.

        A callable template is called with the context; a str is ``.format(**context)``-ed only when
        ``allow_format_str_template`` is true (so braces in normal text are safe by default).
        """
        if not context or template is None:
            return template  # type: ignore[return-value]
        if isinstance(template, str):
            return template.format(**context) if allow_format_str_template else template
        return template(context)

    def _instantiate_messages(self, params: dict[str, Any], context: Any, allow: bool) -> dict[str, Any]:
        if not context:
            return params
        params = dict(params)
        if params.get("prompt") is not None:
            params["prompt"] = self.instantiate(params["prompt"], context, allow)
        if params.get("messages"):
            params["messages"] = [
                {**m, "content": self.instantiate(m["content"], context, allow)}
                if isinstance(m, Mapping) and m.get("content")
                else m
                for m in params["messages"]
            ]
        return params

    # ---- calls ---------------------------------------------------------------------------------

    def create(self, **config: Any) -> Any:
        """Call the model and return its response (a ChatCompletion with ``.cost`` for OpenAI).

        Configs are tried in order (rotated per call with ``routing_method="round_robin"``);
        transient failures are retried with back-off before moving on. Config-list values override
        the arguments given here. Pass ``cache`` (or ``cache_seed``) to reuse earlier answers.
        """
        return run_sync(self._plan(config))

    async def a_create(self, **config: Any) -> Any:
        """Async :meth:`create`: same semantics, on the shared AsyncOpenAI client of the running loop."""
        return await run_async(self._plan(config))

    def _create_plan(self, config: dict[str, Any]) -> Plan[Any]:
        """What `create` / `a_create` run: a flow for callers that are flows themselves (an agent's
        LLM reply enters it by delegation instead of starting a driver per call)."""
        return self._plan(config)

    def _start_index(self) -> int:
        if self.routing_method != "round_robin" or len(self._clients) < 2:
            return 0
        with self._lock:
            start = self._round_robin_index
            self._round_robin_index = (start + 1) % len(self._clients)
        return start

    def _plan(self, config: dict[str, Any]) -> Plan[Any]:
        # The model call and the back-off sleep are effects: the sync driver makes them in the
        # calling thread, the async one awaits them.
        if config.get("messages") is None and config.get("prompt") is None:
            raise ValueError("create() needs either 'messages' or 'prompt'; neither was given.")
        if config.get("messages") is not None and config.get("prompt") is not None:
            raise ValueError("create() takes either 'messages' or 'prompt', not both.")
        inactive = [c.config.get("model_client_cls") for c in self._clients if isinstance(c, PlaceHolderClient)]
        if inactive:  # as in ag2: every custom entry must be registered before any call
            raise ModelClientNotRegisteredError(
                f"Model client(s) {inactive} are not activated. Register each with register_model_client (once per "
                "config entry) on the agent or OpenAIWrapper, or filter them out of the config list."
            )
        n = len(self._clients)
        start = self._start_index()
        attempts: list[Attempt] = []
        kinds: list[FailureKind] = []
        invocation_id: str | None = None  # made by the first logged failure; the answer's row shares it
        for k in range(n):
            i = (start + k) % n
            is_last = k == n - 1
            client = self._clients[i]
            entry = self._config_list[i]
            full = {**config, **entry}
            if "tools" in config and "tools" in entry and "functions" not in full:
                full["tools"] = _merge_tools(entry["tools"], config["tools"])
            options = {key: full.pop(key) for key in WRAPPER_KEYS & full.keys()}
            params = {key: v for key, v in full.items() if key not in CLIENT_KWARGS or key == "timeout"}
            context = options.get("context")
            if context:
                params = self._instantiate_messages(params, context, bool(options.get("allow_format_str_template")))
            filter_func = options.get("filter_func")

            if options.get("cache") is None and options.get("cache_seed") is None:
                cache = owned_cache = None
            else:
                cache, owned_cache = self._open_cache(options)
            try:
                key = cache_key(params) if cache is not None else ""
                if cache is not None:
                    cached = cache.get(key, None)
                    if cached is not None:
                        if getattr(cached, "cost", None) is None:
                            _set_cost(cached, client)
                        self._record_usage(client, cached, cached_hit=True)
                        self._remember(cached, client)
                        if runtime_logging.is_logging:
                            now = runtime_logging.get_current_ts()
                            runtime_logging.log_chat_completion(
                                None, id(client), id(self), options.get("agent"), params, cached, 1,
                                getattr(cached, "cost", 0.0), now,
                            )  # fmt: skip
                        if is_last or filter_func is None or filter_func(context=context, response=cached):
                            return cached
                        continue

                policy = RetryPolicy.from_config(options) if RETRY_OPTION_KEYS & options.keys() else _DEFAULT_RETRY
                response, answered = None, False
                start_ts = runtime_logging.get_current_ts() if runtime_logging.is_logging else ""
                for attempt in range(1, policy.max_attempts + 1):
                    try:
                        response = yield CallModel(client, params)
                        answered = True
                        break
                    except Exception as e:
                        kind = classify_failure(e)
                        if kind in (FailureKind.PROPAGATE, FailureKind.RAISE):
                            if runtime_logging.is_logging or FAILURE_OBSERVERS:
                                failed = Attempt(
                                    i, _model_of(client, params), _base_url_of(client), attempt, policy.max_attempts, e
                                )
                                invocation_id = self._note_failure(
                                    invocation_id, client, options, failed, kind, "raise", start_ts
                                )
                            raise
                        attempts.append(
                            Attempt(i, _model_of(client, params), _base_url_of(client), attempt, policy.max_attempts, e)
                        )
                        kinds.append(kind)
                        if kind in (FailureKind.RETRY, FailureKind.TIMEOUT) and attempt < policy.max_attempts:
                            delay = policy.delay(attempt, e)
                            logger.info("%s; retrying in %.2fs", attempts[-1].describe(), delay)
                            if runtime_logging.is_logging or FAILURE_OBSERVERS:
                                invocation_id = self._note_failure(
                                    invocation_id, client, options, attempts[-1], kind, "retry", start_ts, wait=delay
                                )
                            yield Sleep(delay)
                            continue
                        break
                if not answered:
                    if runtime_logging.is_logging or FAILURE_OBSERVERS:
                        action, nxt = ("give_up", None) if is_last else ("fallback", (start + k + 1) % n)
                        invocation_id = self._note_failure(
                            invocation_id, client, options, attempts[-1], kinds[-1], action, start_ts, next_index=nxt
                        )
                    if is_last:
                        raise self._final_error(attempts, kinds, n)
                    logger.warning("%s; trying the next config", attempts[-1].describe())
                    continue

                self._account(client, response)
                self._remember(response, client)
                if runtime_logging.is_logging:
                    runtime_logging.log_chat_completion(
                        invocation_id, id(client), id(self), options.get("agent"), params, response, 0,
                        getattr(response, "cost", 0.0), start_ts,
                    )  # fmt: skip
                if cache is not None:
                    cache.set(key, response)
                if is_last or filter_func is None or filter_func(context=context, response=response):
                    return response
            finally:
                if owned_cache is not None:
                    owned_cache.close()
        raise AssertionError("unreachable: the last config either returns or raises")

    def _note_failure(
        self,
        invocation_id: str | None,
        client: Any,
        options: Mapping[str, Any],
        failed: Attempt,
        kind: FailureKind,
        action: str,
        start_ts: str,
        *,
        wait: float | None = None,
        next_index: int | None = None,
    ) -> str:
        """Report one failed attempt to the runtime log and to `FAILURE_OBSERVERS` (only called when
        either listens); returns the call's invocation id."""
        if invocation_id is None:
            import uuid

            invocation_id = str(uuid.uuid4())
        error = failed.error
        record = {
            "config_index": failed.config_index,
            "model": failed.model,
            "base_url": failed.base_url,
            "attempt": failed.attempt,
            "max_attempts": failed.max_attempts,
            "error_type": type(error).__name__,
            "error_message": str(error),
            "failure_kind": getattr(kind, "name", str(kind)).lower(),
            "action": action,
            "wait_seconds": wait,
            "next_config_index": next_index,
            "start_time": start_ts or runtime_logging.get_current_ts(),
        }
        if runtime_logging.is_logging:
            runtime_logging.log_model_call_failure(invocation_id, id(client), id(self), options.get("agent"), record)
        for observer in FAILURE_OBSERVERS:
            observer(record)
        return invocation_id

    @staticmethod
    def _open_cache(options: Mapping[str, Any]) -> tuple[Any, Any]:
        """The cache to use and, when we opened it from ``cache_seed``, the object to close."""
        if options.get("cache") is not None:
            return options["cache"], None
        seed = options.get("cache_seed")
        if seed is None:
            return None, None
        from ..cache.cache import Cache

        cache = Cache.disk(seed, LEGACY_CACHE_DIR)
        return cache, cache

    @staticmethod
    def _final_error(attempts: list[Attempt], kinds: list[FailureKind], n_configs: int) -> BaseException:
        summary = summarize_attempts(attempts, n_configs)
        last = attempts[-1].error
        if kinds[-1] is FailureKind.NEXT:
            # keep the provider's exception type (callers may catch openai.AuthenticationError...)
            a = attempts[-1]
            where = f"(config {a.config_index}: model={a.model!r}, base_url={a.base_url!r})"
            message = f"{last} {where}" if len(attempts) == 1 else f"{last} {where}\n{summary}"
            last.args = (message,)
            if hasattr(last, "message"):
                try:
                    last.message = message  # type: ignore[attr-defined]
                except AttributeError:
                    pass
            return last
        cls = LLMTimeoutError if all(k is FailureKind.TIMEOUT for k in kinds) else LLMCallError
        error = cls(summary, attempts)
        error.__cause__ = last
        return error

    # ---- bookkeeping ---------------------------------------------------------------------------

    def _account(self, client: Any, response: Any) -> None:
        """A fresh response's cost set on it, and its usage added to both summaries."""
        if type(client) is not OpenAIClient or not extra_cost_type(type(response)):
            _set_cost(response, client)
            self._record_usage(client, response, cached_hit=False)
            return
        # The plain OpenAI client: `_set_cost` then `_record_usage`, with the counts read off the
        # response here (its get_usage would read `.cost` back through pydantic's attribute fallback).
        cost = client.cost(response)
        store_cost(response, cost)
        usage = response.usage
        counts = (
            str(response.model or "unknown"),
            float(cost or 0.0),
            int(getattr(usage, "prompt_tokens", 0) or 0),
            int(getattr(usage, "completion_tokens", 0) or 0),
            int(getattr(usage, "total_tokens", 0) or 0),
        )
        with self._lock:
            self.total_usage_summary = add_counts(self.total_usage_summary, counts)
            self.actual_usage_summary = add_counts(self.actual_usage_summary, counts)

    def _record_usage(self, client: Any, response: Any, *, cached_hit: bool) -> None:
        try:
            usage = client.get_usage(response)
        except Exception as e:  # a custom client's usage bug must not lose the answer
            logger.warning("Could not read usage from %s: %s", type(client).__name__, e)
            return
        counts = usage_counts(usage)
        with self._lock:
            self.total_usage_summary = add_counts(self.total_usage_summary, counts)
            if not cached_hit:
                self.actual_usage_summary = add_counts(self.actual_usage_summary, counts)

    def _remember(self, response: Any, client: Any) -> None:
        # Which client produced a response decides how extract_text_or_completion_object reads it.
        # The latest one is kept at hand (agents extract right after the call); older ones are looked
        # up by id, except those of a plain OpenAI client, which the default reader reads the same way.
        self._last_response = (response, client)
        if type(client) is OpenAIClient and client._response_format is None:
            return
        key = id(response)
        self._response_clients[key] = client
        try:
            weakref.finalize(response, self._response_clients.pop, key, None)
        except TypeError:  # not weak-referenceable: keep a bounded number of entries
            if len(self._response_clients) > 1024:
                self._response_clients.pop(next(iter(self._response_clients)))

    def extract_text_or_completion_object(self, response: Any) -> list[Any]:
        """Per choice: the message object when it calls tools/functions, else its text."""
        last = self._last_response
        if last is not None and last[0] is response:
            return last[1].message_retrieval(response)
        client = self._response_clients.get(id(response))
        if client is not None:
            return client.message_retrieval(response)
        retrieve = getattr(response, "message_retrieval_function", None)
        if callable(retrieve):
            return retrieve(response)
        if not hasattr(response, "choices") and hasattr(response, "messages") and hasattr(response, "provider"):
            # a v2 client's UnifiedResponse this wrapper did not produce (copied, unpickled...)
            from ..llm_clients.client_v2 import retrieve_messages

            return retrieve_messages(response)
        return _DEFAULT_RETRIEVER.message_retrieval(response)

    def print_usage_summary(self, mode: str | list[str] = ["actual", "total"]) -> None:  # noqa: B006 (read only)
        """Print the usage summary (``"actual"``, ``"total"`` or both) through the IO stream."""
        modes = [mode] if isinstance(mode, str) else list(mode)
        if not modes or any(m not in ("actual", "total") for m in modes):
            raise ValueError(f'mode must be "actual", "total" or a list of them; got {mode!r}')
        selected = "both" if {"actual", "total"} <= set(modes) else modes[0]
        from ..events.client_events import UsageSummaryEvent
        from ..io.base import IOStream

        IOStream.get_default().send(
            UsageSummaryEvent(
                actual_usage_summary=self.actual_usage_summary,
                total_usage_summary=self.total_usage_summary,
                mode=selected,
            )
        )

    def clear_usage_summary(self) -> None:
        """Forget the usage counted so far."""
        with self._lock:
            self.total_usage_summary = None
            self.actual_usage_summary = None

    # ag2's chunk mergers, kept for code that assembles streamed chunks itself
    _update_dict_from_chunk = staticmethod(update_dict_from_chunk)
    _update_function_call_from_chunk = staticmethod(update_function_call_from_chunk)
    _update_tool_calls_from_chunk = staticmethod(update_tool_call_from_chunk)

    def __getstate__(self) -> dict[str, Any]:
        # copy.deepcopy / pickle: locks cannot be copied, and response bookkeeping is per object
        state = self.__dict__.copy()
        state.pop("_lock", None)
        state["_response_clients"] = {}
        state["_last_response"] = None
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        models = [c.get("model") or c.get("model_client_cls") for c in self._config_list]
        return f"OpenAIWrapper(models={models!r}, routing_method={self.routing_method!r})"


_DEFAULT_RETRIEVER = OpenAIClient({})


# The wrapper's own create / a_create, kept before anyone can patch them: an agent enters the call
# plan directly only while these are what the client's class has (autogen/agentchat/conversable/llm_reply.py).
STOCK_CREATE = OpenAIWrapper.create
STOCK_A_CREATE = OpenAIWrapper.a_create


def __getattr__(name: str) -> Any:
    # ag2 defined ModelClient and imported the config entry classes here; they live in
    # autogen.llm_config now (loaded on use)
    if name == "ModelClient":
        from ..llm_config.client import ModelClient

        return ModelClient
    if name.endswith("LLMConfigEntry"):
        from ..llm_config import entry

        if hasattr(entry, name):
            return getattr(entry, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _set_cost(response: Any, client: Any) -> None:
    store_cost(response, client.cost(response))


def _model_of(client: Any, params: Mapping[str, Any]) -> str | None:
    return params.get("model") or getattr(client, "model", None)


def _base_url_of(client: Any) -> str | None:
    url = getattr(client, "base_url", None)
    if isinstance(client, OpenAIClient) and url is None:
        try:
            # no base_url in the entry: the openai SDK reads OPENAI_BASE_URL, else its default
            url = client.endpoint().base_url or os.environ.get("OPENAI_BASE_URL") or "https://api.openai.com/v1"
        except Exception:
            url = None
    return url
