"""The OpenAI Responses API client (``api_type="responses"``): ``client.responses.create`` through the
openai SDK.

Config entry, as in ag2::

    {"api_type": "responses", "model": "gpt-4.1", "api_key": os.environ["OPENAI_API_KEY"],
     "built_in_tools": ["web_search", "image_generation"]}

The connection is the OpenAI client's: same keys, ``base_url`` and Azure rules, one shared SDK client
per endpoint (:mod:`autogen.oai.endpoints`), SDK retries off (the wrapper retries), and the openai
error classification. Chat histories are converted by :mod:`autogen.oai.openai_responses_convert`.

The API is stateful: each reply names the response it continues (``previous_response_id``). When the
history of a call extends the history of the previous one by that response's reply, only the new
messages are sent, with ``previous_response_id`` (so reasoning and hosted-tool state carry over);
otherwise the whole history is sent without it. The reply is the SDK's ``Response`` (with ``.cost``);
:meth:`OpenAIResponsesClient.message_retrieval` turns it into the assistant message agents store.
"""

from __future__ import annotations

import asyncio
import logging
import os
import warnings
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from ._response_cost import store_cost
from .endpoints import CLIENT_KWARGS
from .openai_responses_convert import (
    IMAGE_OUTPUT_PARAMS,
    convert_tool_choice,
    convert_tools,
    messages_to_input,
    repair_input,
    response_items,
    response_to_message,
    text_format_param,
    usage_dict,
)
from .openai_responses_tools import (
    ApplyPatchCallOutput,
    BuiltinToolCalls,
    ShellCallOutcome,
    ShellCallOutput,
    ShellCommandOutput,
)
from .pricing import cost_from_tokens, normalize_price
from .request import sdk_parameter_names
from .streaming import stream_sender
from .structured import format_structured_content, is_model_class, to_request_format

__all__ = [
    "PRICING",
    "VALID_SIZES",
    "ApplyPatchCallOutput",
    "OpenAIResponsesClient",
    "ShellCallOutcome",
    "ShellCallOutput",
    "ShellCommandOutput",
    "calculate_openai_image_cost",
]

logger = logging.getLogger(__name__)

# USD per generated image, by model, quality and size (OpenAI's public price list).
PRICING: dict[str, dict[str, dict[str, float]]] = {
    "gpt-image-1": {
        "low": {"1024x1024": 0.011, "1024x1536": 0.016, "1536x1024": 0.016},
        "medium": {"1024x1024": 0.042, "1024x1536": 0.063, "1536x1024": 0.063},
        "high": {"1024x1024": 0.167, "1024x1536": 0.25, "1536x1024": 0.25},
    },
    "dall-e-3": {
        "standard": {"1024x1024": 0.040, "1024x1792": 0.080, "1792x1024": 0.080},
        "hd": {"1024x1024": 0.080, "1024x1792": 0.120, "1792x1024": 0.120},
    },
    "dall-e-2": {"standard": {"1024x1024": 0.020, "512x512": 0.018, "256x256": 0.016}},
}
VALID_SIZES: dict[str, list[str]] = {model: list(next(iter(q.values()))) for model, q in PRICING.items()}

# What the Responses API calls the chat-completions request fields that it has under another name.
_RENAMED = {"max_tokens": "max_output_tokens", "max_completion_tokens": "max_output_tokens"}
# Settings of the client-side hosted tools (apply_patch / shell): never sent.
_LOCAL_KEYS = (
    "built_in_tools",
    "workspace_dir",
    "allowed_paths",
    "allowed_commands",
    "denied_commands",
    "enable_command_filtering",
    "dangerous_patterns",
)
_HOSTED_TOOLS = {
    "image_generation": "image_generation",
    "web_search": "web_search",
    "apply_patch": "apply_patch",
    "apply_patch_async": "apply_patch",
    "shell": "shell",
}
_warned_keys: set[tuple[str, ...]] = set()


def calculate_openai_image_cost(
    model: str = "gpt-image-1", size: str = "1024x1024", quality: str = "high"
) -> tuple[float, str | None]:
    """``(USD cost, error)`` of one generated image; the cost is 0.0 with an error message for an
    unknown model, size or quality (gpt-image-1: low / medium / high; dall-e-3: standard / hd;
    dall-e-2: standard only)."""
    model = model.lower()
    quality = quality.lower()
    if model not in PRICING:
        return 0.0, f"Invalid model: {model}. Valid models: {list(PRICING)}"
    if size not in VALID_SIZES[model]:
        return 0.0, f"Invalid size {size} for {model}. Valid sizes: {VALID_SIZES[model]}"
    if model == "dall-e-2":
        quality = "standard"
    prices = PRICING[model].get(quality)
    if prices is None:
        return 0.0, f"Invalid quality '{quality}' for {model}"
    return prices[size], None


class ResponsesStreamError(RuntimeError):
    """A streamed response that ended in an ``error`` / ``response.failed`` event (retried like a 5xx)."""

    status_code = 500

    def __init__(self, message: str, code: Any = None) -> None:
        super().__init__(message)
        self.code = code


@dataclass
class _Turn:
    """The request messages of the last call and what its response left to answer."""

    messages: list[dict[str, Any]]
    response_id: str
    call_ids: tuple[str, ...]
    apply_patch_calls: dict[str, Any] = field(default_factory=dict)
    shell_calls: dict[str, Any] = field(default_factory=dict)


@dataclass
class _Request:
    method: str  # "create" or "parse"
    kwargs: dict[str, Any]
    stream: bool
    messages: list[dict[str, Any]] | None


class OpenAIResponsesClient(BuiltinToolCalls):
    """A ``ModelClient`` for the OpenAI Responses API.

    ag2 builds it as ``OpenAIResponsesClient(openai_client, response_format=...)`` around an SDK
    client; ``OpenAIWrapper`` builds it from a config entry (:meth:`from_wrapper_config`) and the SDK
    client is then the shared one of the entry's endpoint, looked up at the first call.
    """

    RESPONSE_USAGE_KEYS: ClassVar[list[str]] = ["prompt_tokens", "completion_tokens", "total_tokens", "cost", "model"]
    CONNECTION_KEYS: ClassVar[frozenset[str]] = CLIENT_KWARGS

    def __init__(
        self,
        client: Any = None,
        response_format: Any = None,
        *,
        config: Mapping[str, Any] | None = None,
        config_index: int = 0,
    ) -> None:
        self._oai_client = client
        self.response_format = response_format
        self._config = dict(config or {})
        self._config_index = config_index
        self._price = normalize_price(self._config.get("price"))
        self._connection: Any = None
        self.image_output_params: dict[str, Any] = dict(IMAGE_OUTPUT_PARAMS)
        self.previous_response_id: str | None = None
        self.image_costs: float = 0
        self._turn: _Turn | None = None
        self._priced: OrderedDict[str, None] = OrderedDict()  # ids of responses made (and priced) here
        self._executed_call_ids: set[str] = set()

    @classmethod
    def from_wrapper_config(
        cls, config: Mapping[str, Any], *, response_format: Any = None, config_index: int = 0
    ) -> OpenAIResponsesClient:
        """The client ``OpenAIWrapper`` builds for one config entry (nothing connects before the first call)."""
        return cls(None, response_format=response_format, config=config, config_index=config_index)

    # ---- connection ----------------------------------------------------------------------------

    @property
    def model(self) -> str | None:
        """The configured model."""
        return self._config.get("model")

    @property
    def base_url(self) -> str | None:
        """The configured endpoint URL (None: the OpenAI default)."""
        url = self._config.get("base_url") or self._config.get("azure_endpoint")
        return str(url) if url else None

    def _openai_connection(self) -> Any:
        # the OpenAI client resolves the endpoint and shares the SDK client (keys, base_url, Azure)
        if self._connection is None:
            from .openai_client import OpenAIClient

            api_type = "azure" if self._config.get("azure_endpoint") else "responses"
            self._connection = OpenAIClient({**self._config, "api_type": api_type}, config_index=self._config_index)
        return self._connection

    def sdk_client(self) -> Any:
        """The openai SDK client requests go through."""
        if self._oai_client is not None:
            return self._oai_client
        return self._openai_connection().sdk_client()

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state.pop("_shell_executor", None)
        return state

    # ---- ag2's helpers -------------------------------------------------------------------------

    @staticmethod
    def _usage_dict(resp: Any) -> dict[str, Any]:
        """Token counts (input / output as prompt / completion), cost, model and reasoning tokens."""
        return usage_dict(resp)

    def _add_image_cost(self, response: Any) -> None:
        """Add the price of every image ``response`` generated to ``image_costs``."""
        image_call = _image_generation_call_type()
        for output in getattr(response, "output", None) or []:
            if image_call is not None and isinstance(output, image_call):
                extra = getattr(output, "model_extra", None)
            elif isinstance(output, Mapping) and output.get("type") == "image_generation_call":
                extra = output
            else:
                continue
            if not isinstance(extra, Mapping):
                continue
            # older SDKs keep size / quality as extra fields, newer ones declare them
            size = extra.get("size") or _str_attr(output, "size") or "1024x1536"
            quality = extra.get("quality") or _str_attr(output, "quality") or "high"
            cost, error = calculate_openai_image_cost("gpt-image-1", str(size), str(quality))
            if not error:
                self.image_costs += cost

    def _get_delta_messages(self, messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The messages after the last one marked ``status: completed`` (a message with
        apply_patch_call parts is always kept)."""
        delta: list[dict[str, Any]] = []
        for m in reversed(messages):
            content = m.get("content")
            completed = False
            has_patch = False
            if isinstance(content, list):
                for part in content:
                    if isinstance(part, Mapping) and part.get("type") == "apply_patch_call":
                        has_patch = True
                    elif isinstance(part, Mapping) and part.get("status") == "completed":
                        completed = True
                        break
            elif isinstance(content, str):
                completed = m.get("status") == "completed"
            if completed and not has_patch:
                break
            delta.append(m)
        delta.reverse()
        return delta

    def _parse_params(self, params: dict[str, Any]) -> dict[str, Any]:
        """``verbosity`` / ``reasoning_effort`` moved to ``text.verbosity`` / ``reasoning.effort`` (in place)."""
        if "verbosity" in params:
            params["text"] = {**(params.get("text") or {}), "verbosity": params.pop("verbosity")}
        if "reasoning_effort" in params:
            params["reasoning"] = {**(params.get("reasoning") or {}), "effort": params.pop("reasoning_effort")}
        return params

    def _convert_messages_to_input(
        self,
        messages: list[dict[str, Any]],
        processed_apply_patch_call_ids: set[str],
        processed_shell_call_ids: set[str],
        image_generation_tool_params: dict[str, Any],
        input_items: list[dict[str, Any]],
    ) -> None:
        """Append the input items of ``messages`` to ``input_items`` newest first (ag2's order, undone
        by :meth:`_normalize_messages_for_responses_api`); results of the processed apply_patch /
        shell calls are left out, image settings collected into ``image_generation_tool_params``."""
        skip = set(processed_apply_patch_call_ids) | set(processed_shell_call_ids)
        items = messages_to_input(messages, image_params=image_generation_tool_params, skip_call_ids=skip)
        input_items.extend(reversed(items))

    def _normalize_messages_for_responses_api(
        self,
        messages: list[dict[str, Any]],
        built_in_tools: list[str],
        workspace_dir: str,
        allowed_paths: list[str],
        previous_apply_patch_calls: dict[str, Any],
        previous_shell_calls: dict[str, Any],
        image_generation_tool_params: dict[str, Any],
        allowed_commands: list[str] | None = None,
        denied_commands: list[str] | None = None,
        enable_command_filtering: bool = True,
        dangerous_patterns: list[tuple[str, str]] | None = None,
    ) -> list[dict[str, Any]]:
        """The input items for ``messages``, oldest first, followed by the outputs of the apply_patch /
        shell calls found in them or left by the previous response (each call is run once)."""
        done = self._executed_call_ids
        patch_calls = {**previous_apply_patch_calls, **self._extract_apply_patch_calls(messages)}
        shell_calls = {**previous_shell_calls, **self._extract_shell_calls(messages)}
        outputs = self._execute_apply_patch_calls(
            {k: v for k, v in patch_calls.items() if k not in done}, built_in_tools, workspace_dir, allowed_paths
        )
        outputs += self._execute_shell_calls(
            {k: v for k, v in shell_calls.items() if k not in done},
            built_in_tools,
            workspace_dir,
            allowed_paths,
            allowed_commands,
            denied_commands,
            enable_command_filtering,
            dangerous_patterns,
        )
        done.update(o["call_id"] for o in outputs)
        reversed_items: list[dict[str, Any]] = []
        self._convert_messages_to_input(
            messages, set(patch_calls), set(shell_calls), image_generation_tool_params, reversed_items
        )
        return [*reversed(reversed_items), *outputs]

    # ---- requests ------------------------------------------------------------------------------

    def _continuation(self, messages: list[dict[str, Any]], params: dict[str, Any]) -> tuple[list[Any], _Turn | None]:
        """The messages to send and the turn they continue (None: send the whole history alone)."""
        turn = self._turn
        if turn is None or params.get("store") is False:
            return messages, None
        n = len(turn.messages)
        if len(messages) <= n + 1 or messages[n].get("role") != "assistant" or messages[:n] != turn.messages:
            return messages, None
        new = messages[n + 1 :]
        answered = set()
        for m in new:
            if m.get("role") == "tool":
                answered.add(m.get("tool_call_id"))
                answered.update(r.get("tool_call_id") for r in m.get("tool_responses") or [] if isinstance(r, Mapping))
        if not set(turn.call_ids) <= answered:
            return messages, None  # the API refuses to continue a response whose calls are unanswered
        return new, turn

    def _prepare(self, params: dict[str, Any], resource: Any) -> _Request:
        params = {k: v for k, v in params.items() if v is not None}
        local = {k: params.pop(k) for k in _LOCAL_KEYS if k in params}
        built_in_tools = list(local.get("built_in_tools") or [])
        image_tool: dict[str, Any] = {"type": "image_generation"}
        messages = params.pop("messages", None)
        if isinstance(params.get("prompt"), str):
            messages = [{"role": "user", "content": params.pop("prompt")}]

        sent_messages: list[dict[str, Any]] | None = None
        if messages is not None and "input" not in params:
            messages = list(messages)
            explicit = params.get("previous_response_id")
            if explicit is not None:
                # ag2's rule: what follows the last message marked completed is new to that response
                new = self._get_delta_messages(messages)
                turn = self._turn if self._turn and self._turn.response_id == explicit else None
            else:
                sent_messages = messages
                new, turn = self._continuation(messages, params)
                if turn is not None:
                    params["previous_response_id"] = turn.response_id
            items = self._normalize_messages_for_responses_api(
                messages=new,
                built_in_tools=built_in_tools,
                workspace_dir=local.get("workspace_dir") or os.getcwd(),
                allowed_paths=local.get("allowed_paths") or ["**"],
                previous_apply_patch_calls=turn.apply_patch_calls if turn else {},
                previous_shell_calls=turn.shell_calls if turn else {},
                image_generation_tool_params=image_tool,
                allowed_commands=local.get("allowed_commands"),
                denied_commands=local.get("denied_commands"),
                enable_command_filtering=local.get("enable_command_filtering", True),
                dangerous_patterns=local.get("dangerous_patterns"),
            )
            if turn is not None or explicit is None:
                items = repair_input(items, turn.call_ids if turn else ())
            params["input"] = items

        tools = [
            image_tool if kind == "image_generation" else {"type": _HOSTED_TOOLS[kind]}
            for kind in dict.fromkeys(built_in_tools)
            if kind in _HOSTED_TOOLS
        ]
        tools = list({t["type"]: t for t in tools}.values())
        tools += convert_tools(params.pop("tools", None), params.pop("functions", None))
        choice = params.pop("tool_choice", None)
        if tools:
            params["tools"] = tools
            params["tool_choice"] = convert_tool_choice(choice or "auto")
        else:
            params.pop("parallel_tool_calls", None)
        for old, new_key in _RENAMED.items():
            if old in params:
                value = params.pop(old)
                params.setdefault(new_key, value)
        self._parse_params(params)

        response_format = params.pop("response_format", None) or self.response_format
        stream = bool(params.pop("stream", False))
        params.pop("stream_options", None)
        method = "create"
        if response_format is not None:
            method = self._structured(params, response_format, resource)
            stream = False  # structured replies are parsed whole
        if not params.get("model") and self._oai_client is None:
            raise ValueError(f'config entry {self._config_index} has no \'model\': add "model": "<model name>" to it.')
        return _Request(method, params, stream, sent_messages)

    def _structured(self, params: dict[str, Any], response_format: Any, resource: Any) -> str:
        """Put ``response_format`` into ``params`` as the API wants it; returns the SDK method to call."""
        if is_model_class(response_format):
            params["text_format"] = response_format
            return "parse"
        chat_form = to_request_format(response_format)
        assert chat_form is not None
        if chat_form.get("type") == "json_schema":
            parse = getattr(resource, "parse", None)
            names = sdk_parameter_names(parse) if parse is not None else frozenset()
            if "parse_as" in names or "kwargs" in names:
                # the SDK turns the chat form into text.format; parse_as=None: no typed parsing of a dict schema
                params["text_format"] = chat_form
                if "parse_as" in names:
                    params["parse_as"] = None
                return "parse"
        params["text"] = {**(params.get("text") or {}), "format": text_format_param(chat_form)}
        return "create"

    def _sdk_kwargs(self, method: Any, kwargs: dict[str, Any]) -> dict[str, Any]:
        """``kwargs`` without the keys the SDK method does not take (warned about once)."""
        names = sdk_parameter_names(method)
        if "kwargs" in names or "input" not in names:  # a stand-in without a real signature
            return kwargs
        unknown = tuple(sorted(k for k in kwargs if k not in names))
        if not unknown:
            return kwargs
        if unknown not in _warned_keys:
            _warned_keys.add(unknown)
            warnings.warn(
                f"Ignoring config keys the Responses API does not take: {', '.join(unknown)}. "
                "Put other request fields in 'extra_body'.",
                UserWarning,
                stacklevel=4,
            )
        return {k: v for k, v in kwargs.items() if k not in unknown}

    def _finish(self, response: Any, request: _Request) -> Any:
        """Remember the turn, count image costs and set ``.cost`` on a fresh response."""
        response_id = getattr(response, "id", None)
        self.previous_response_id = response_id
        items = response_items(response)
        if request.messages is not None and isinstance(response_id, str):
            self._turn = _Turn(
                messages=list(request.messages),
                response_id=response_id,
                call_ids=tuple(i["call_id"] for i in items if i.get("type") == "function_call" and i.get("call_id")),
                apply_patch_calls={
                    i["call_id"]: i for i in items if i.get("type") == "apply_patch_call" and i.get("call_id")
                },
                shell_calls={i["call_id"]: i for i in items if i.get("type") == "shell_call" and i.get("call_id")},
            )
        else:
            self._turn = None
        before = self.image_costs
        self._add_image_cost(response)
        cost = self._token_cost(response) + (self.image_costs - before)
        store_cost(response, cost)
        if isinstance(response_id, str):
            self._priced[response_id] = None
            while len(self._priced) > 256:
                self._priced.popitem(last=False)
        return response

    def create(self, params: dict[str, Any]) -> Any:
        """Send one request (``responses.create``, or ``responses.parse`` for structured output) and
        return the SDK's ``Response`` with ``.cost``; a streamed reply's text is shown as it arrives."""
        resource = self.sdk_client().responses
        request = self._prepare(dict(params), resource)
        method = getattr(resource, request.method)
        kwargs = self._sdk_kwargs(method, request.kwargs)
        if not request.stream:
            return self._finish(method(**kwargs), request)
        send = stream_sender()
        final = None
        for event in method(**kwargs, stream=True):
            final = _on_event(event, send) or final
        return self._finish(_completed(final), request)

    async def a_create(self, params: dict[str, Any]) -> Any:
        """Async twin of :meth:`create`, on the loop's AsyncOpenAI client (a given sync client runs in a thread)."""
        if self._oai_client is not None:
            return await asyncio.to_thread(self.create, params)
        resource = self._openai_connection().async_sdk_client().responses
        request = self._prepare(dict(params), resource)
        method = getattr(resource, request.method)
        kwargs = self._sdk_kwargs(method, request.kwargs)
        if not request.stream:
            return self._finish(await method(**kwargs), request)
        send = stream_sender()
        final = None
        async for event in await method(**kwargs, stream=True):
            final = _on_event(event, send) or final
        return self._finish(_completed(final), request)

    # ---- ModelClient protocol ------------------------------------------------------------------

    def message_retrieval(self, response: Any) -> list[Any]:
        """The assistant message of ``response``: ``{"role", "id", "content": [blocks] or None,
        "tool_calls": [...]}`` (see :func:`response_to_message`)."""
        formatter = None
        rf = self.response_format
        if is_model_class(rf) and callable(getattr(rf, "format", None)):
            formatter = lambda text: format_structured_content(rf, text)
        return [response_to_message(response, image_output_params=self.image_output_params, text_formatter=formatter)]

    def _token_cost(self, response: Any) -> float:
        usage = usage_dict(response)
        model = str(usage.get("model") or self.model or "")
        return cost_from_tokens(model, usage["prompt_tokens"], usage["completion_tokens"], self._price)

    def cost(self, response: Any) -> float:
        """USD cost of ``response``: tokens (the entry's ``price`` or the OpenAI price table) plus the
        images it generated. For a response not made here, ag2's sum: its ``.cost`` (or token cost)
        plus every image cost counted so far."""
        response_id = getattr(response, "id", None)
        known = getattr(response, "cost", None)
        if isinstance(response_id, str) and response_id in self._priced and isinstance(known, (int, float)):
            return float(known)
        base = known if isinstance(known, (int, float)) else self._token_cost(response)
        return base + self.image_costs

    @staticmethod
    def get_usage(response: Any) -> dict[str, Any]:
        """Token counts, cost and model of ``response`` (the ModelClient usage keys)."""
        return usage_dict(response)


def _str_attr(obj: Any, name: str) -> str | None:
    value = getattr(obj, name, None) if not isinstance(obj, Mapping) else None
    return value if isinstance(value, str) else None


def _image_generation_call_type() -> Any:
    try:
        from openai.types.responses.response_output_item import ImageGenerationCall
    except ImportError:
        return None
    return ImageGenerationCall


def _on_event(event: Any, send: Any) -> Any:
    """Handle one streamed event: text deltas are shown; returns the final response, if this event has it."""
    kind = getattr(event, "type", None)
    if kind == "response.output_text.delta":
        if event.delta:
            send(event.delta)
    elif kind in ("response.completed", "response.incomplete"):
        return event.response
    elif kind == "response.failed":
        error = getattr(event.response, "error", None)
        raise ResponsesStreamError(
            getattr(error, "message", None) or "The response failed.", getattr(error, "code", None)
        )
    elif kind == "error":
        raise ResponsesStreamError(getattr(event, "message", None) or "Streaming error.", getattr(event, "code", None))
    return None


def _completed(final: Any) -> Any:
    if final is None:
        raise ResponsesStreamError("The response stream ended before the response was completed.")
    return final
