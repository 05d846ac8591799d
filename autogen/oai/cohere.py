"""The Cohere model client (``api_type="cohere"``): Cohere's v2 chat API through the ``cohere`` SDK (``ClientV2``).

Config entry, as in ag2::

    {"api_type": "cohere", "model": "command-r-plus", "api_key": os.environ["COHERE_API_KEY"],
     "client_name": "autogen-cohere"}  # client_name is optional

``base_url`` points the SDK at another server. The SDK is imported on the first request, never at
``import autogen``; without it the first request raises an ImportError naming the extra
(``pip install "ag2[cohere]"``). SDK clients are shared per endpoint, the SDK's own retries are off (the
wrapper retries, honouring ``retry-after``).

As in ag2, a message's ``name`` is put in front of its text (``"name: text"``), the text of an assistant
turn that calls tools travels as its ``tool_plan``, and a tool call naming a function the request does not
offer is sent as text (its results as user messages). Histories are tidied first (see
:mod:`autogen.oai.openai_history`): every call is answered right after it, results without their call
are text. Structured output uses ``response_format`` ``{"type": "json_object", "json_schema": ...}``;
the API takes no ``response_format`` next to tools, so with tools the schema is asked for in the system
message instead.
"""

from __future__ import annotations

import copy
import json
import time
import warnings
from collections.abc import Mapping
from typing import Any, ClassVar

from ..import_utils import optional_import
from ..llm_config.entry import CohereLLMConfigEntry
from ._provider_common import KeyedNativeClient
from ._response_cost import store_cost
from .endpoints import ClientRegistry, on_registry_clear
from .errors import FailureKind, register_failure_classifier
from .openai_client import completion_messages, completion_usage
from .openai_history import content_text, paired_history
from .pricing import response_cost, warn_unpriced_once
from .streaming import stream_sender
from .structured import is_model_class

__all__ = [
    "COHERE_PRICING_1K",
    "CohereClient",
    "CohereError",
    "CohereLLMConfigEntry",
    "CohereRateLimitError",
    "calculate_cohere_cost",
    "oai_messages_to_cohere_messages",
]

# USD per 1K tokens (input, output): ag2's table, plus the current command models from Cohere's price list.
COHERE_PRICING_1K: dict[str, tuple[float, float]] = {
    "command-r-plus": (0.003, 0.015),
    "command-r": (0.0005, 0.0015),
    "command-nightly": (0.00025, 0.00125),
    "command": (0.015, 0.075),
    "command-light": (0.008, 0.024),
    "command-light-nightly": (0.008, 0.024),
    "command-a-03-2025": (0.0025, 0.01),
    "command-r-plus-08-2024": (0.0025, 0.01),
    "command-r-08-2024": (0.00015, 0.0006),
    "command-r7b-12-2024": (0.0000375, 0.00015),
}
_warned: set[str] = set()

CONNECTION_KEYS = frozenset({"api_key", "base_url", "client_name", "default_headers", "http_client", "max_retries"})

_FINISH = {"COMPLETE": "stop", "STOP_SEQUENCE": "stop", "MAX_TOKENS": "length", "TOOL_CALL": "tool_calls"}
_TOOL_CHOICE = {"required": "REQUIRED", "any": "REQUIRED", "none": "NONE", "REQUIRED": "REQUIRED", "NONE": "NONE"}


class CohereError(Exception):
    """Base class of ag2's Cohere exceptions."""


class CohereRateLimitError(CohereError):
    """The rate limit was exceeded."""


def calculate_cohere_cost(input_tokens: int, output_tokens: int, model: str) -> float:
    """USD cost of a call on ``model`` (ag2's helper); unknown model -> 0 with a one-time warning."""
    price = COHERE_PRICING_1K.get(model)
    if price is None:
        warn_unpriced_once(_warned, model, f"Cost calculation not available for {model} model")
        return 0.0
    return (input_tokens / 1000) * price[0] + (output_tokens / 1000) * price[1]


# ---- request conversion -------------------------------------------------------------------------


def _named(name: Any, text: str) -> str:
    return f"{name}: {text}" if name else text


def _user_content(message: Mapping[str, Any]) -> str | list[dict[str, Any]]:
    content = message.get("content")
    if not isinstance(content, list) or not any(
        isinstance(p, Mapping) and p.get("type") == "image_url" for p in content
    ):
        text = content_text(content)
        return _named(message.get("name"), text) if text.strip() else ""
    blocks: list[dict[str, Any]] = []
    for part in content:
        if not isinstance(part, Mapping):
            continue
        if part.get("type") == "image_url":
            image = part.get("image_url")
            url = image.get("url") if isinstance(image, Mapping) else image
            if url:
                blocks.append({"type": "image_url", "image_url": {"url": str(url)}})
        elif part.get("type", "text") == "text" and str(part.get("text") or "").strip():
            blocks.append({"type": "text", "text": str(part["text"])})
    if message.get("name") and blocks and blocks[0]["type"] == "text":
        blocks[0] = {"type": "text", "text": _named(message["name"], blocks[0]["text"])}
    return blocks


def oai_messages_to_cohere_messages(messages: list[Any], tool_names: set[str]) -> list[dict[str, Any]]:
    """Cohere v2 chat messages (plain dicts) for an OpenAI-style history; ``tool_names`` are the
    functions the request offers (see the module docstring)."""
    out: list[dict[str, Any]] = []
    as_text: set[str] = set()  # ids of calls sent as text: their results are user messages
    for message in paired_history(messages):
        role = message["role"]
        if role in ("system", "user"):
            content = _user_content(message)
            if content:
                out.append({"role": role, "content": content})
        elif role == "assistant":
            text = content_text(message.get("content"))
            text = _named(message.get("name"), text) if text.strip() else ""
            calls = message.get("tool_calls") or []
            if calls and all(c["function"]["name"] in tool_names for c in calls):
                entry: dict[str, Any] = {"role": "assistant", "tool_calls": calls}
                if text:
                    entry["tool_plan"] = text
                out.append(entry)
                continue
            if calls:  # calls of functions not offered: told as text
                as_text.update(c["id"] for c in calls)
                told = [f"(called tool {c['function']['name']} with {c['function']['arguments']})" for c in calls]
                text = "\n".join([t for t in (text, *told) if t])
            if text:
                out.append({"role": "assistant", "content": text})
        elif message["tool_call_id"] in as_text:
            out.append({"role": "user", "content": f"(tool result: {message.get('content') or ''})"})
        else:
            out.append(
                {
                    "role": "tool",
                    "tool_call_id": message["tool_call_id"],
                    "content": message.get("content") or "(no output)",
                }
            )
    if not out:
        out.append({"role": "user", "content": "Please continue."})
    return out


def _inline_refs(schema: dict[str, Any]) -> dict[str, Any]:
    """A JSON schema with its ``$ref``s to ``$defs`` replaced by the definitions (Cohere resolves none)."""
    defs = schema.get("$defs") or schema.get("definitions") or {}

    def walk(node: Any, depth: int = 0) -> Any:
        if isinstance(node, list):
            return [walk(v, depth) for v in node]
        if not isinstance(node, dict):
            return node
        if isinstance(node.get("$ref"), str) and depth < 32:
            target = defs.get(node["$ref"].rsplit("/", 1)[-1], {})
            merged = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
            return walk(merged, depth + 1)
        return {k: walk(v, depth) for k, v in node.items() if k not in ("$defs", "definitions")}

    return walk(copy.deepcopy(schema))


def cohere_response_format(response_format: Any) -> dict[str, Any]:
    """Cohere's ``response_format`` for a pydantic model class, a JSON-schema dict or an OpenAI form."""
    if is_model_class(response_format):
        return {"type": "json_object", "json_schema": _inline_refs(response_format.model_json_schema())}
    if isinstance(response_format, Mapping):
        kind = response_format.get("type")
        if kind == "json_schema":
            schema = (response_format.get("json_schema") or {}).get("schema") or {}
            return {"type": "json_object", "json_schema": _inline_refs(dict(schema))}
        if kind in ("json_object", "text"):
            return dict(response_format)
        return {"type": "json_object", "json_schema": _inline_refs(dict(response_format))}
    raise ValueError("response_format must be a Pydantic BaseModel")


def _checked(params: Mapping[str, Any], key: str, types: Any, default: Any, bounds: tuple[Any, Any] | None) -> Any:
    """``params[key]`` when it has the right type and lies within ``bounds``; else ``default``, with a warning."""
    value = params[key]
    if value is None:
        return None
    ok = isinstance(value, types) and not isinstance(value, bool)
    if ok and bounds is not None:
        low, high = bounds
        ok = (low is None or value >= low) and (high is None or value <= high)
    if not ok:
        warnings.warn(
            f"Config error - {key} must be a {types} within {bounds}, got {value!r}; using {default!r}.", UserWarning
        )
        return default
    return value


# ---- response conversion ------------------------------------------------------------------------


def _as_dict(obj: Any) -> dict[str, Any]:
    if isinstance(obj, Mapping):
        return dict(obj)
    dump = getattr(obj, "model_dump", None) or getattr(obj, "dict", None)
    return dump() if callable(dump) else dict(vars(obj))


def _usage(usage: Mapping[str, Any] | None) -> tuple[int, int]:
    """(input, output) tokens: the billed units, as ag2 counts them (all tokens when nothing is billed)."""
    usage = usage or {}
    billed = usage.get("billed_units") or {}
    tokens = usage.get("tokens") or {}
    prompt = billed.get("input_tokens") if billed.get("input_tokens") is not None else tokens.get("input_tokens")
    output = billed.get("output_tokens") if billed.get("output_tokens") is not None else tokens.get("output_tokens")
    return int(prompt or 0), int(output or 0)


def response_to_completion_dict(response: Any, model: str) -> dict[str, Any]:
    """A Cohere v2 chat response (SDK object or dict) as an OpenAI ChatCompletion dict."""
    data = _as_dict(response)
    message = data.get("message") or {}
    calls = [
        {
            "id": c.get("id"),
            "type": "function",
            "function": {
                "name": (c.get("function") or {}).get("name") or "",
                "arguments": (c.get("function") or {}).get("arguments") or "",
            },
        }
        for c in message.get("tool_calls") or []
    ]
    if calls:
        content = message.get("tool_plan")
    else:
        content = "".join(str(b.get("text") or "") for b in message.get("content") or [] if isinstance(b, Mapping))
    out: dict[str, Any] = {"role": "assistant", "content": content}
    if calls:
        out["tool_calls"] = calls
    finish = "tool_calls" if calls else _FINISH.get(str(data.get("finish_reason")), "stop")
    prompt, completion = _usage(data.get("usage"))
    return {
        "id": data.get("id") or "",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "message": out, "finish_reason": finish, "logprobs": None}],
        "usage": {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion},
    }


class _StreamAssembler:
    """Joins the events of a streamed Cohere chat into one response dict."""

    def __init__(self) -> None:
        self.id = ""
        self.text: list[str] = []
        self.plan: list[str] = []
        self.calls: list[dict[str, Any]] = []
        self.finish: Any = None
        self.usage: Any = None

    def add(self, event: Any) -> str:
        """Take one event; returns the text it adds."""
        data = _as_dict(event)
        kind = data.get("type")
        message = (data.get("delta") or {}).get("message") or {}
        if kind == "message-start":
            self.id = data.get("id") or ""
        elif kind == "content-delta":
            text = str((message.get("content") or {}).get("text") or "")
            self.text.append(text)
            return text
        elif kind == "tool-plan-delta":
            self.plan.append(str(message.get("tool_plan") or ""))
        elif kind == "tool-call-start":
            call = message.get("tool_calls") or {}
            fn = call.get("function") or {}
            self.calls.append(
                {
                    "id": call.get("id"),
                    "type": "function",
                    "function": {"name": fn.get("name") or "", "arguments": fn.get("arguments") or ""},
                }
            )
        elif kind == "tool-call-delta" and self.calls:
            fn = (message.get("tool_calls") or {}).get("function") or {}
            self.calls[-1]["function"]["arguments"] += fn.get("arguments") or ""
        elif kind == "message-end":
            delta = data.get("delta") or {}
            self.finish, self.usage = delta.get("finish_reason"), delta.get("usage")
        return ""

    def result(self) -> dict[str, Any]:
        message: dict[str, Any] = {"role": "assistant", "content": [{"type": "text", "text": "".join(self.text)}]}
        if self.calls:
            message = {"role": "assistant", "tool_plan": "".join(self.plan) or None, "tool_calls": self.calls}
        return {"id": self.id, "finish_reason": self.finish, "message": message, "usage": self.usage}


# ---- shared SDK clients -------------------------------------------------------------------------


def clear_cohere_clients() -> None:
    """Forget every shared Cohere SDK client (new ones are built on the next call)."""
    _clients.clear()


def _sdk() -> Any:
    return optional_import("cohere", "cohere", feature="The Cohere client (api_type='cohere')")


def _build_sdk_client(key: tuple[Any, ...], for_async: bool) -> Any:
    sdk = _sdk()
    api_key, base_url, client_name = key
    kwargs: dict[str, Any] = {"api_key": api_key, "client_name": client_name}
    if base_url:
        kwargs["base_url"] = base_url
    return (sdk.AsyncClientV2 if for_async else sdk.ClientV2)(**kwargs)


_clients = ClientRegistry(_build_sdk_client, close_on_clear=False)


def _classify_cohere_error(exc: BaseException) -> FailureKind | None:
    """How the wrapper treats a ``cohere`` SDK exception (None: the generic rules decide)."""
    status = getattr(exc, "status_code", None)
    if not isinstance(status, int):
        return None
    if status == 429 or status >= 500 or status in (408, 409):
        return FailureKind.RETRY
    return FailureKind.NEXT  # auth, bad request, not found: retrying cannot help


register_failure_classifier("cohere", _classify_cohere_error)
on_registry_clear(clear_cohere_clients)


# ---- the client ---------------------------------------------------------------------------------

_MISSING_KEY = "Please include the api_key in your config list entry for Cohere or set the COHERE_API_KEY env variable."


class CohereClient(KeyedNativeClient):
    """A ``ModelClient`` for Cohere's v2 chat API that answers with OpenAI-shaped ChatCompletions.

    Built as ag2 builds it, ``CohereClient(**config_entry)``; nothing is imported or connected here. A
    missing key raises ``AssertionError`` at once (ag2's behaviour) unless ``OpenAIWrapper`` builds the
    client, which reports it at the first call instead.
    """

    RESPONSE_USAGE_KEYS: ClassVar[list[str]] = ["prompt_tokens", "completion_tokens", "total_tokens", "cost", "model"]
    CONNECTION_KEYS: ClassVar[frozenset[str]] = CONNECTION_KEYS
    API_TYPE: ClassVar[str] = "cohere"
    KEY_ENV: ClassVar[str] = "COHERE_API_KEY"
    MISSING_KEY: ClassVar[str] = _MISSING_KEY

    def __init__(self, **kwargs: Any) -> None:
        self._take_config(kwargs)
        self._base_url = str(kwargs["base_url"]).rstrip("/") if kwargs.get("base_url") else None

    def _endpoint_key(self) -> tuple[Any, ...]:
        return (self._checked_api_key(), self._base_url, self._config.get("client_name") or "AG2")

    def sdk_client(self) -> Any:
        """The process-wide ``cohere.ClientV2`` for this endpoint."""
        return _clients.sync_client(self._endpoint_key())

    def async_sdk_client(self) -> Any:
        """The ``cohere.AsyncClientV2`` for this endpoint and the running event loop."""
        return _clients.async_client(self._endpoint_key())

    # ---- requests ----

    def parse_params(self, params: dict[str, Any]) -> dict[str, Any]:
        """The Cohere settings in ``params`` (ag2's shape: only the ones given; ``top_p`` is ``p``)."""
        model = params.get("model")
        if not model:
            raise AssertionError(
                "Please specify the 'model' in your config list entry to nominate the Cohere model to use."
            )
        out: dict[str, Any] = {"model": model}
        if params.get("response_format") is not None:
            self._response_format = params["response_format"]
            out["response_format"] = cohere_response_format(params["response_format"])
        if "tools" in params:
            out["strict_tools"] = bool(params.get("strict_tools", False))
        ranges = {
            "temperature": ("temperature", (int, float), 0.3, (0, None)),
            "max_tokens": ("max_tokens", int, None, (0, None)),
            "k": ("k", int, 0, (0, 500)),
            "top_p": ("p", (int, float), 0.75, (0.01, 0.99)),
            "seed": ("seed", int, None, None),
            "frequency_penalty": ("frequency_penalty", (int, float), 0, (0, 1)),
            "presence_penalty": ("presence_penalty", (int, float), 0, (0, 1)),
        }
        for key, (name, types, default, bounds) in ranges.items():
            if key in params:
                value = _checked(params, key, types, default, bounds)
                if value is not None:
                    out[name] = value
        if "p" in params and "p" not in out and params["p"] is not None:
            out["p"] = params["p"]
        choice = params.get("tool_choice")
        if choice is not None:
            mapped = _TOOL_CHOICE.get(choice) if isinstance(choice, str) else "REQUIRED"
            if mapped:
                out["tool_choice"] = mapped
        return out

    def _prepare(self, params: dict[str, Any]) -> tuple[dict[str, Any], bool, dict[str, Any]]:
        params = dict(params)
        if params.get("response_format") is None and self._response_format is not None:
            params["response_format"] = self._response_format
        request = self.parse_params(params)
        tools = [t for t in params.get("tools") or [] if isinstance(t, Mapping) and t.get("function")]
        names = {str(t["function"].get("name")) for t in tools}
        request["messages"] = oai_messages_to_cohere_messages(params.get("messages") or [], names)
        if tools:
            request["tools"] = [
                {
                    "type": "function",
                    "function": {
                        "name": t["function"]["name"],
                        "description": t["function"].get("description") or "",
                        "parameters": t["function"].get("parameters") or {"type": "object", "properties": {}},
                    },
                }
                for t in tools
            ]
            schema = request.pop("response_format", None)
            if schema and schema.get("json_schema"):  # no response_format next to tools: ask in words
                note = (
                    "When you give your final answer, answer with only a JSON object that follows this JSON schema:\n"
                )
                request["messages"].insert(0, {"role": "system", "content": note + json.dumps(schema["json_schema"])})
        else:
            request.pop("strict_tools", None)
            request.pop("tool_choice", None)
        options: dict[str, Any] = {"max_retries": 0}  # the wrapper retries
        timeout = params.get("timeout", self._config.get("timeout"))
        if timeout:
            options["timeout_in_seconds"] = float(timeout)
        if self._config.get("default_headers"):
            options["additional_headers"] = {str(k): str(v) for k, v in self._config["default_headers"].items()}
        return request, bool(params.get("stream")), {"request_options": options}

    def create(self, params: dict[str, Any]) -> Any:
        """One v2 chat call (streamed when ``stream`` is set), as an OpenAI ChatCompletion with ``.cost``."""
        client = self.sdk_client()
        request, stream, extra = self._prepare(params)
        if not stream:
            return self._completion(client.chat(**request, **extra), request["model"])
        assembler, send = _StreamAssembler(), stream_sender()
        for event in client.chat_stream(**request, **extra):
            text = assembler.add(event)
            if text:
                send(text)
        return self._completion(assembler.result(), request["model"])

    async def a_create(self, params: dict[str, Any]) -> Any:
        """Async twin of :meth:`create`."""
        client = self.async_sdk_client()
        request, stream, extra = self._prepare(params)
        if not stream:
            return self._completion(await client.chat(**request, **extra), request["model"])
        assembler, send = _StreamAssembler(), stream_sender()
        async for event in client.chat_stream(**request, **extra):
            text = assembler.add(event)
            if text:
                send(text)
        return self._completion(assembler.result(), request["model"])

    def _completion(self, response: Any, model: str) -> Any:
        from .oai_models import ChatCompletion

        data = response_to_completion_dict(response, model)
        completion = ChatCompletion.model_validate(data)
        usage = data["usage"]
        store_cost(completion, self._cost_of(model, usage["prompt_tokens"], usage["completion_tokens"]))
        return completion

    # ---- ModelClient protocol ----

    def _cost_of(self, model: str, prompt: int, completion: int) -> float:
        if self._price is not None:
            return (self._price[0] * prompt + self._price[1] * completion) / 1000
        return calculate_cohere_cost(prompt, completion, model)

    def cost(self, response: Any) -> float:
        """USD cost of ``response`` (the entry's ``price``, else Cohere's price table)."""
        return response_cost(response, self._cost_of)

    def message_retrieval(self, response: Any) -> list[Any]:
        """Per choice: the message object when it calls tools, else its text (formatted for a
        ``response_format`` model with ``format()``)."""
        return completion_messages(response, self._response_format)

    @staticmethod
    def get_usage(response: Any) -> dict[str, Any]:
        """Token counts, cost and model of ``response`` (the ModelClient usage keys)."""
        return completion_usage(response)

    def _convert_json_response(self, response: str) -> Any:
        """The structured reply ``response`` validated by the ``response_format`` model (ag2's helper)."""
        if not self._response_format:
            return response
        try:
            return self._response_format.model_validate(json.loads(response))
        except Exception as e:
            raise ValueError(
                f"Failed to parse response as valid JSON matching the schema for Structured Output: {e!s}"
            ) from e
