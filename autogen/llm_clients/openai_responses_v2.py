"""``OpenAIResponsesV2Client`` (``api_type="responses_v2"``): the OpenAI Responses API answering with a
:class:`UnifiedResponse`.

Output items become typed blocks: message text :class:`TextContent` (its ``url_citation`` annotations
:class:`CitationContent`, other annotations and refusals :class:`GenericContent`), reasoning items
:class:`ReasoningContent`, function calls :class:`ToolCallContent`, generated images
:class:`ImageContent` (a data URI; size, quality and format in ``extra``), and the calls of hosted
tools (``web_search_call``, ``apply_patch_call``, ``shell_call``...) :class:`GenericContent` with every
field they came with. A structured reply parsed by ``responses.parse`` is a ``"parsed"`` block
(``parsed_object``, ``parsed_dict``) next to its JSON text.

The request side is the v1 client's (:mod:`autogen.oai.openai_responses`): history conversion and
repair, hosted tools (apply_patch and shell run here), structured output, the shared SDK client of the
endpoint when built by ``OpenAIWrapper``. Built directly, ``OpenAIResponsesV2Client(api_key=...)``
makes its own ``openai.OpenAI`` client, as ag2's does.

The API is stateful. As in ag2, a call continues the previous response (``previous_response_id``):
the one set with ``_set_previous_response_id``, else the last one when the new messages start a
different message list. When the messages extend the last call's history by its reply (an agent's
chat), only the new messages are sent with the last response's id; a history that replays the last
one differently is sent whole, without it. ``reset_conversation()`` starts afresh.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import warnings
from collections.abc import Mapping
from typing import Any, ClassVar

from ..llm_config.entry import OpenAIResponsesV2LLMConfigEntry
from ..oai.openai_responses import (
    PRICING,
    VALID_SIZES,
    OpenAIResponsesClient,
    _completed,
    _on_event,
    _Request,
    calculate_openai_image_cost,
)
from ..oai.openai_responses_convert import ResponseContent, response_items
from ..oai.openai_responses_tools import ApplyPatchCallOutput, ShellCallOutcome, ShellCallOutput, ShellCommandOutput
from ..oai.pricing import lookup_price
from ..oai.streaming import stream_sender
from .client_v2 import RESPONSE_USAGE_KEYS, role_name
from .models import (
    BaseContent,
    CitationContent,
    GenericContent,
    ImageContent,
    ReasoningContent,
    TextContent,
    ToolCallContent,
    UnifiedMessage,
    UnifiedResponse,
    UserRoleEnum,
)

__all__ = [
    "IMAGE_PRICING",
    "IMAGE_VALID_QUALITIES",
    "IMAGE_VALID_SIZES",
    "ApplyPatchCallOutput",
    "OpenAIResponsesV2Client",
    "OpenAIResponsesV2LLMConfigEntry",
    "ShellCallOutcome",
    "ShellCallOutput",
    "ShellCommandOutput",
    "calculate_image_cost",
    "calculate_token_cost",
]

logger = logging.getLogger(__name__)

IMAGE_PRICING = PRICING
IMAGE_VALID_SIZES = VALID_SIZES
IMAGE_VALID_QUALITIES: dict[str, list[str]] = {model: list(qualities) for model, qualities in PRICING.items()}

# content-part types the v1 conversion reads; the v2 parts agents store are mapped onto these
_V1_PARTS = frozenset({
    "text", "input_text", "output_text", "input_image", "image_url", "image_params", "tool_call", "refusal",
    "input_file", "file", "apply_patch_call", "shell_call",
})  # fmt: skip
_OWN_CALL_BLOCKS = ("web_search_call", "apply_patch_call", "shell_call")  # kept as they come, no tool_name
_QUALITIES = ("low", "medium", "high", "standard", "hd")
_BACKGROUNDS = ("white", "black", "transparent")
_FORMATS = ("png", "jpg", "jpeg", "webp")
_CONTEXT_SIZES = ("low", "medium", "high")
_SHELL_KEYS = {
    "allowed_commands": "_shell_allowed_commands",
    "denied_commands": "_shell_denied_commands",
    "enable_command_filtering": "_shell_enable_command_filtering",
    "dangerous_patterns": "_shell_dangerous_patterns",
}
_warned_unpriced: set[str] = set()


def __getattr__(name: str) -> Any:
    # ``OpenAI``: the SDK client class a directly built client uses (resolved on use; patchable)
    if name == "OpenAI":
        from ..import_utils import optional_import

        return optional_import("openai", "openai", feature="The Responses v2 client").OpenAI
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _openai_class() -> Any:
    cls = globals().get("OpenAI")
    return cls if cls is not None else __getattr__("OpenAI")


def calculate_image_cost(
    model: str = "gpt-image-1", size: str = "1024x1024", quality: str = "high"
) -> tuple[float, str | None]:
    """``(USD cost, error)`` of one generated image (0.0 and a message for an unknown model, size or quality)."""
    cost, error = calculate_openai_image_cost(model, size, quality)
    if error and error.startswith("Invalid quality"):
        error += f". Valid qualities: {IMAGE_VALID_QUALITIES[model.lower()]}"
    return cost, error


def calculate_token_cost(
    model: str, prompt_tokens: int, completion_tokens: int, custom_price: tuple[float, float] | None = None
) -> float:
    """USD cost of the tokens of one call: ``custom_price`` (per 1K input / output tokens) when given,
    else the OpenAI price table; 0.0 for a model it does not know."""
    price = custom_price if custom_price is not None else lookup_price(model)
    if price is None:
        return 0.0
    return (prompt_tokens * price[0] + completion_tokens * price[1]) / 1000


def _dump(obj: Any) -> dict[str, Any]:
    if isinstance(obj, Mapping):
        return dict(obj)
    dump = getattr(obj, "model_dump", None)
    data = dump() if callable(dump) else None
    return dict(data) if isinstance(data, Mapping) else {}


def _texts(parts: Any) -> str:
    if isinstance(parts, str):
        return parts
    if not isinstance(parts, list):
        return ""
    return "\n".join(str(p.get("text") or "") for p in parts if isinstance(p, Mapping) and p.get("text"))


class OpenAIResponsesV2Client(OpenAIResponsesClient):
    """The OpenAI Responses API as a v2 client: ``create`` returns a :class:`UnifiedResponse`.

    Args:
        api_key: the API key (default: ``OPENAI_API_KEY``).
        base_url: another endpoint for the API.
        timeout: request timeout in seconds.
        response_format: default structured-output format (pydantic model class or JSON-schema dict).
        workspace_dir: the directory the apply_patch and shell tools work in (default: the current one).
        allowed_paths: glob patterns apply_patch and shell may touch (default: everything).
        **kwargs: other ``openai.OpenAI`` arguments.
    """

    RESPONSE_USAGE_KEYS: ClassVar[list[str]] = RESPONSE_USAGE_KEYS

    def __init__(
        self,
        api_key: str | None = None,
        base_url: str | None = None,
        timeout: float = 60.0,
        response_format: Any = None,
        workspace_dir: str | None = None,
        allowed_paths: list[str] | None = None,
        **kwargs: Any,
    ) -> None:
        config = kwargs.pop("_wrapper_config", None)
        config_index = kwargs.pop("_config_index", 0)
        sdk_client = None
        if config is None:  # built directly: an SDK client of its own
            sdk_client = _openai_class()(api_key=api_key, base_url=base_url, timeout=timeout, **kwargs)
        super().__init__(sdk_client, response_format=response_format, config=config, config_index=config_index)
        self._workspace_dir = workspace_dir or os.getcwd()
        self._allowed_paths = allowed_paths or ["**"]
        self._pinned_response_id: str | None = None
        self.web_search_params: dict[str, Any] = {"user_location": None, "search_context_size": None}
        self._token_costs = 0.0
        self._total_prompt_tokens = 0
        self._total_completion_tokens = 0
        self._shell_allowed_commands: list[str] | None = None
        self._shell_denied_commands: list[str] | None = None
        self._shell_enable_command_filtering = True
        self._shell_dangerous_patterns: list[tuple[str, str]] | None = None
        self._shell_executor: Any = None

    @classmethod
    def from_wrapper_config(
        cls, config: Mapping[str, Any], *, response_format: Any = None, config_index: int = 0
    ) -> OpenAIResponsesV2Client:
        """The client ``OpenAIWrapper`` builds for one config entry (it uses the endpoint's shared SDK client)."""
        return cls(
            response_format=response_format,
            workspace_dir=config.get("workspace_dir"),
            allowed_paths=config.get("allowed_paths"),
            _wrapper_config=dict(config),
            _config_index=config_index,
        )

    # ---- ag2's attribute names ----

    @property
    def client(self) -> Any:
        """The openai SDK client requests go through."""
        return self.sdk_client()

    @client.setter
    def client(self, value: Any) -> None:
        self._oai_client = value

    @property
    def _default_response_format(self) -> Any:
        return self.response_format

    @property
    def _previous_response_id(self) -> str | None:
        return self.previous_response_id

    @property
    def _image_costs(self) -> float:
        return float(self.image_costs)

    @_image_costs.setter
    def _image_costs(self, value: float) -> None:
        self.image_costs = value

    @property
    def _custom_price(self) -> tuple[float, float] | None:
        return self._price

    @_custom_price.setter
    def _custom_price(self, value: tuple[float, float] | None) -> None:
        self._price = value

    # ---- conversation state ----

    def _get_previous_response_id(self) -> str | None:
        """The id of the response the conversation is at (None: a new conversation)."""
        return self.previous_response_id

    def _set_previous_response_id(self, response_id: str | None) -> None:
        """Make the next call continue the response ``response_id`` (None: start afresh)."""
        self.previous_response_id = response_id
        self._pinned_response_id = response_id
        if response_id is None:
            self._turn = None

    def reset_conversation(self) -> None:
        """Start a new conversation: the next call continues no earlier response."""
        self._set_previous_response_id(None)

    def _continue_from(self, params: dict[str, Any], messages: list[dict[str, Any]] | None) -> None:
        """Set ``previous_response_id`` in ``params`` where ag2's client would continue a response."""
        pinned, self._pinned_response_id = self._pinned_response_id, None
        if "previous_response_id" in params or params.get("store") is False:
            return
        if pinned is not None:
            params["previous_response_id"] = pinned
            return
        turn = self._turn
        if turn is None or not messages or turn.call_ids:
            return
        if self._continuation(messages, params)[1] is not None:
            return  # the history extends the last call's: the v1 rules send the new messages only
        if turn.messages and messages[0] == turn.messages[0]:
            return  # the same conversation told differently: sent whole
        params["previous_response_id"] = turn.response_id

    # ---- settings ----

    def set_image_output_params(
        self,
        quality: str | None = None,
        size: str | None = None,
        background: str | None = None,
        output_format: str | None = None,
        output_compression: int | None = None,
    ) -> None:
        """Default settings of the image_generation tool (a message's ``image_params`` part overrides them)."""
        for name, value, allowed in (
            ("quality", quality, _QUALITIES),
            ("background", background, _BACKGROUNDS),
            ("output_format", output_format, _FORMATS),
        ):
            if value is not None and value not in allowed:
                raise ValueError(f"{name} must be one of {list(allowed)}, got: {value}")
        if output_compression is not None and not 0 <= output_compression <= 100:
            raise ValueError(f"output_compression must be between 0 and 100, got: {output_compression}")
        given = {
            "quality": quality,
            "size": size,
            "background": background,
            "output_format": output_format,
            "output_compression": output_compression,
        }
        self.image_output_params.update({k: v for k, v in given.items() if v is not None})

    def _build_image_generation_tool_config(self, image_generation_config: dict[str, Any] | None = None) -> dict:
        """The image_generation tool with the default settings, overridden by ``image_generation_config``."""
        settings = {**self.image_output_params, **(image_generation_config or {})}
        return {"type": "image_generation", **{k: v for k, v in settings.items() if v is not None}}

    def set_web_search_params(
        self, user_location: dict[str, Any] | None = None, search_context_size: str | None = None
    ) -> None:
        """Default settings of the web_search tool: an approximate ``user_location`` and how much page
        context the model gets (``"low"``, ``"medium"`` or ``"high"``)."""
        if search_context_size is not None and search_context_size not in _CONTEXT_SIZES:
            raise ValueError(f"search_context_size must be 'low', 'medium', or 'high', got: {search_context_size}")
        if user_location is not None:
            self.web_search_params["user_location"] = user_location
        if search_context_size is not None:
            self.web_search_params["search_context_size"] = search_context_size

    def _build_web_search_tool_config(self, web_search_config: dict[str, Any] | None = None) -> dict[str, Any]:
        """The web_search tool with the default settings, overridden by ``web_search_config``."""
        settings = {**self.web_search_params, **(web_search_config or {})}
        tool: dict[str, Any] = {"type": "web_search"}
        if settings.get("user_location"):
            tool["user_location"] = settings["user_location"]
        if settings.get("search_context_size") in _CONTEXT_SIZES:
            tool["search_context_size"] = settings["search_context_size"]
        return tool

    def set_shell_params(
        self,
        allowed_commands: list[str] | None = None,
        denied_commands: list[str] | None = None,
        enable_command_filtering: bool | None = None,
        dangerous_patterns: list[tuple[str, str]] | None = None,
    ) -> None:
        """Default settings of the shell tool (the executor is rebuilt with them on its next use)."""
        if allowed_commands is not None:
            self._shell_allowed_commands = allowed_commands
        if denied_commands is not None:
            self._shell_denied_commands = denied_commands
        if enable_command_filtering is not None:
            self._shell_enable_command_filtering = enable_command_filtering
        if dangerous_patterns is not None:
            self._shell_dangerous_patterns = dangerous_patterns
        self._shell_executor = None

    def _apply_patch_operation(
        self,
        operation: dict[str, Any],
        call_id: str,
        workspace_dir: str | None = None,
        allowed_paths: list[str] | None = None,
        async_patches: bool = False,
    ) -> ApplyPatchCallOutput:
        """Apply one patch operation (in the client's workspace unless another is given)."""
        return super()._apply_patch_operation(
            operation,
            call_id,
            workspace_dir=workspace_dir or self._workspace_dir,
            allowed_paths=allowed_paths if allowed_paths is not None else self._allowed_paths,
            async_patches=async_patches,
        )

    def _execute_shell_operation(
        self,
        action: dict[str, Any],
        call_id: str,
        workspace_dir: str | None = None,
        allowed_paths: list[str] | None = None,
        allowed_commands: list[str] | None = None,
        denied_commands: list[str] | None = None,
        enable_command_filtering: bool | None = None,
        dangerous_patterns: list[tuple[str, str]] | None = None,
    ) -> ShellCallOutput:
        """Run a shell_call's commands (with the client's shell settings unless others are given)."""
        return super()._execute_shell_operation(
            action,
            call_id,
            workspace_dir=workspace_dir or self._workspace_dir,
            allowed_paths=allowed_paths if allowed_paths is not None else self._allowed_paths,
            allowed_commands=allowed_commands if allowed_commands is not None else self._shell_allowed_commands,
            denied_commands=denied_commands if denied_commands is not None else self._shell_denied_commands,
            enable_command_filtering=(
                enable_command_filtering
                if enable_command_filtering is not None
                else self._shell_enable_command_filtering
            ),
            dangerous_patterns=dangerous_patterns if dangerous_patterns is not None else self._shell_dangerous_patterns,
        )

    # ---- costs ----

    def get_image_costs(self) -> float:
        """USD spent on generated images through this client."""
        return self._image_costs

    def reset_image_costs(self) -> None:
        """Forget the image costs counted so far."""
        self.image_costs = 0.0

    def get_token_costs(self) -> float:
        """USD spent on tokens through this client."""
        return self._token_costs

    def reset_token_costs(self) -> None:
        """Forget the token costs and counts so far."""
        self._token_costs = 0.0
        self._total_prompt_tokens = 0
        self._total_completion_tokens = 0

    def get_total_costs(self) -> float:
        """USD spent through this client: tokens plus images."""
        return self._token_costs + self._image_costs

    def reset_all_costs(self) -> None:
        """Forget every cost and token count so far."""
        self.reset_token_costs()
        self.reset_image_costs()

    def get_cumulative_usage(self) -> dict[str, Any]:
        """Tokens and costs of every call through this client."""
        return {
            "prompt_tokens": self._total_prompt_tokens,
            "completion_tokens": self._total_completion_tokens,
            "total_tokens": self._total_prompt_tokens + self._total_completion_tokens,
            "token_cost": self._token_costs,
            "image_cost": self._image_costs,
            "total_cost": self.get_total_costs(),
        }

    def set_custom_price(self, input_price_per_1k: float, output_price_per_1k: float) -> None:
        """Price tokens at these USD per 1K input / output tokens instead of the price table."""
        self._price = (float(input_price_per_1k), float(output_price_per_1k))

    def clear_custom_price(self) -> None:
        """Price tokens by the price table again."""
        self._price = None

    # ---- requests ----

    def _v1_history(self, messages: Any) -> Any:
        """``messages`` with the content parts the v2 client gives agents (images, citations, hosted-tool
        blocks) mapped onto the parts the v1 conversion reads."""
        if not isinstance(messages, list):
            return messages
        out = []
        for message in messages:
            content = message.get("content") if isinstance(message, Mapping) else None
            if isinstance(content, list):
                parts = []
                for part in content:
                    kind = part.get("type") if isinstance(part, Mapping) else None
                    if kind is None or kind in _V1_PARTS:
                        parts.append(part)
                    elif kind == "image" and isinstance(part.get("image_url"), str):
                        parts.append({"type": "image_url", "image_url": {"url": part["image_url"]}})
                message = {**message, "content": parts}
            out.append(message)
        return out

    def _plan(self, params: dict[str, Any], resource: Any) -> tuple[_Request, Any]:
        """The request for ``params`` and its structured-output format."""
        params = dict(params)
        web_search_config = params.pop("web_search_config", None)
        image_generation_config = params.pop("image_generation_config", None)
        params.setdefault("workspace_dir", self._workspace_dir)
        params.setdefault("allowed_paths", self._allowed_paths)
        for key, attribute in _SHELL_KEYS.items():
            if params.get(key) is None and getattr(self, attribute) is not None:
                params[key] = getattr(self, attribute)
        if "messages" in params:
            params["messages"] = self._v1_history(params["messages"])
            if "input" not in params:
                self._continue_from(params, params["messages"])
        response_format = params.get("response_format") or self.response_format
        request = self._prepare(params, resource)
        if request.messages is None and isinstance(params.get("messages"), list) and "input" not in params:
            request.messages = list(params["messages"])  # remembered: a later history may extend it
        tools = request.kwargs.get("tools")
        if tools:
            for i, tool in enumerate(tools):
                if tool.get("type") == "web_search":
                    tools[i] = {**self._build_web_search_tool_config(web_search_config), **tool}
                elif tool.get("type") == "image_generation":
                    tools[i] = {**self._build_image_generation_tool_config(image_generation_config), **tool}
        return request, response_format

    def _unsupported_text_format(self, error: TypeError, request: _Request) -> bool:
        """Whether the SDK refused ``text_format``; if so ``request`` becomes a plain create call."""
        if "text_format" not in str(error) or "unexpected" not in str(error):
            return False
        warnings.warn(
            "Installed openai-python version doesn't support `response_format` for the Responses API. "
            "Falling back to raw text output.",
            UserWarning,
            stacklevel=3,
        )
        request.kwargs.pop("text_format", None)
        request.kwargs.pop("parse_as", None)
        request.method = "create"
        return True

    def create(self, params: dict[str, Any]) -> UnifiedResponse:  # type: ignore[override]
        """Send one request (``responses.create``, or ``responses.parse`` for structured output); the
        answer as a :class:`UnifiedResponse` (with ``cost``). A streamed reply's text is shown as it arrives."""
        resource = self.sdk_client().responses
        request, response_format = self._plan(params, resource)
        method = getattr(resource, request.method)
        try:
            raw = self._call(method, request)
        except TypeError as e:
            if request.method != "parse" or not self._unsupported_text_format(e, request):
                raise
            response_format = None
            raw = self._call(resource.create, request)
        return self._complete(raw, request, response_format)

    def _call(self, method: Any, request: _Request) -> Any:
        kwargs = self._sdk_kwargs(method, request.kwargs)
        if not request.stream:
            return method(**kwargs)
        send = stream_sender()
        final = None
        for event in method(**kwargs, stream=True):
            final = _on_event(event, send) or final
        return _completed(final)

    async def a_create(self, params: dict[str, Any]) -> UnifiedResponse:  # type: ignore[override]
        """Async :meth:`create` (on the loop's AsyncOpenAI client; a client of its own runs in a thread)."""
        if self._oai_client is not None:
            return await asyncio.to_thread(self.create, params)
        resource = self._openai_connection().async_sdk_client().responses
        request, response_format = self._plan(params, resource)
        method = getattr(resource, request.method)
        kwargs = self._sdk_kwargs(method, request.kwargs)
        if not request.stream:
            raw = await method(**kwargs)
        else:
            send = stream_sender()
            final = None
            async for event in await method(**kwargs, stream=True):
                final = _on_event(event, send) or final
            raw = _completed(final)
        return self._complete(raw, request, response_format)

    def _complete(self, raw: Any, request: _Request, response_format: Any) -> UnifiedResponse:
        self._finish(raw, request)  # the conversation state, as the v1 client keeps it
        model = str(getattr(raw, "model", None) or request.kwargs.get("model") or self.model or "unknown")
        return self._transform_response(raw, model, response_format)

    def _add_image_cost(self, response: Any) -> None:
        """Nothing: the v2 client prices generated images as it reads them (:meth:`_transform_response`)."""

    # ---- the unified response ----

    def _transform_response(self, response: Any, model: str, response_format: Any = None) -> UnifiedResponse:
        """A Responses API ``Response`` as a :class:`UnifiedResponse`, costs counted."""
        blocks: list[BaseContent] = []
        parsed = getattr(response, "output_parsed", None)
        if parsed is not None:
            parsed_dict = parsed if isinstance(parsed, dict) else (_dump(parsed) or None)
            blocks.append(
                GenericContent(
                    type="parsed",
                    parsed_object=parsed,
                    parsed_dict=parsed_dict,
                    response_format_type=type(parsed).__name__,
                )
            )
        image_cost = 0.0
        for item in response_items(response):
            new, cost = self._item_blocks(item)
            blocks.extend(new)
            image_cost += cost
        if not blocks:
            blocks.append(TextContent(text=""))

        usage = _dump(getattr(response, "usage", None))
        prompt = int(usage.get("input_tokens") or 0)
        completion = int(usage.get("output_tokens") or 0)
        counts: dict[str, int | float] = {
            "prompt_tokens": prompt,
            "completion_tokens": completion,
            "total_tokens": int(usage.get("total_tokens") or prompt + completion),
        }
        details = usage.get("output_tokens_details") or {}
        reasoning_tokens = _dump(details).get("reasoning_tokens") or 0
        if reasoning_tokens:
            counts["reasoning_tokens"] = int(reasoning_tokens)
        cached = _dump(usage.get("input_tokens_details") or {}).get("cached_tokens") or 0
        if cached:
            counts["cached_tokens"] = int(cached)
        response_model = str(getattr(response, "model", None) or model)
        token_cost = calculate_token_cost(response_model, prompt, completion, self._price)
        if token_cost == 0.0 and prompt and self._price is None and response_model not in _warned_unpriced:
            _warned_unpriced.add(response_model)
            logger.warning(
                "Model %s not found in pricing table. Token cost will be 0. Use set_custom_price() to set custom "
                "pricing.",
                response_model,
            )
        self._token_costs += token_cost
        self._total_prompt_tokens += prompt
        self._total_completion_tokens += completion
        counts["token_cost"] = token_cost
        counts["image_cost"] = image_cost

        status = getattr(response, "status", None)
        if any(isinstance(b, ToolCallContent) for b in blocks):
            finish = "tool_calls"
        elif status == "incomplete":
            finish = "length"
        else:
            finish = "stop"
        unified = UnifiedResponse(
            id=str(getattr(response, "id", None) or ""),
            model=response_model,
            provider="openai_responses",
            messages=[UnifiedMessage(role=UserRoleEnum.ASSISTANT, content=blocks)],
            usage=counts,
            finish_reason=finish,
            status=status if isinstance(status, str) else "completed",
            provider_metadata={
                "created": getattr(response, "created", None) or getattr(response, "created_at", None),
                "token_cost": token_cost,
                "image_cost": image_cost,
                "cumulative_token_cost": self._token_costs,
                "cumulative_image_cost": self._image_costs,
            },
        )
        unified.cost = token_cost + image_cost
        return unified

    def _item_blocks(self, item: dict[str, Any]) -> tuple[list[BaseContent], float]:
        """The blocks of one output item, and the price of the image it generated."""
        kind = item.get("type")
        rest = {k: v for k, v in item.items() if k != "type"}
        if kind == "message":
            return _message_blocks(item), 0.0
        if kind == "reasoning":
            text = item.get("reasoning") if isinstance(item.get("reasoning"), str) else ""
            summary = item.get("summary")
            summary_text = summary if isinstance(summary, str) else _texts(summary)
            text = text or _texts(item.get("content")) or summary_text
            if not text:
                return [], 0.0  # encrypted reasoning: carried by previous_response_id, not shown
            extra = {"id": item["id"]} if item.get("id") else {}
            return [ReasoningContent(reasoning=text, summary=summary_text or None, extra=extra)], 0.0
        if kind == "function_call":
            arguments = item.get("arguments")
            if not item.get("call_id") or not item.get("name"):
                return [GenericContent(type=kind, **rest)], 0.0
            return [
                ToolCallContent(
                    id=str(item["call_id"]),
                    name=str(item["name"]),
                    arguments=arguments if isinstance(arguments, str) else json.dumps(arguments or {}),
                )
            ], 0.0
        if kind == "image_generation_call":
            return self._image_blocks(item, rest)
        if kind in ("web_search", "web_search_result"):
            return _search_blocks(item, rest), 0.0
        if isinstance(kind, str) and kind.endswith("_call") and kind not in _OWN_CALL_BLOCKS:
            rest.setdefault("tool_name", kind[: -len("_call")])
        return [GenericContent(type=kind or "unknown", **rest)], 0.0

    def _image_blocks(self, item: dict[str, Any], rest: dict[str, Any]) -> tuple[list[BaseContent], float]:
        """A generated image as an :class:`ImageContent` (its price added to the image costs)."""
        result = item.get("result")
        if not result:
            return [GenericContent(type="image_generation_call", **rest)], 0.0
        extra = item.get("model_extra") or {}
        size = str(extra.get("size") or item.get("size") or "1024x1536")
        quality = str(extra.get("quality") or item.get("quality") or "high")
        output_format = str(self.image_output_params.get("output_format") or "png")
        image = ImageContent(
            data_uri=f"data:image/{output_format};base64,{result}",
            detail="high",
            extra={"generated": True, "size": size, "quality": quality, "output_format": output_format},
        )
        cost, error = calculate_image_cost("gpt-image-1", size, quality)
        cost = 0.0 if error else cost
        self.image_costs += cost
        return [image], cost

    # ---- ModelClient protocol ----

    def message_retrieval(self, response: Any) -> list[Any]:  # type: ignore[override]
        """Per message: its text (formatted for a ``response_format`` model with ``format()``) when it is
        only text, else ``{"role", "content": [parts], "tool_calls"?}``: text, generated images, citations
        and hosted-tool blocks as parts (the content also reads as its text)."""
        if not isinstance(response, UnifiedResponse):
            return super().message_retrieval(response)
        from ..oai.structured import format_structured_content

        out: list[Any] = []
        for message in response.messages:
            if not any(_is_complex(b) for b in message.content):
                out.append(format_structured_content(self.response_format, _plain_text(message)))
                continue
            item = _complex_message(message)
            if item.get("content") is not None:
                item["content"] = ResponseContent(item["content"])
            out.append(item)
        return out

    def cost(self, response: Any) -> float:  # type: ignore[override]
        """USD cost of ``response`` (tokens and generated images)."""
        if isinstance(response, UnifiedResponse):
            return float(response.cost or 0.0)
        return super().cost(response)

    @staticmethod
    def get_usage(response: Any) -> dict[str, Any]:  # type: ignore[override]
        """Token counts, cost (with its token and image parts) and model of ``response``."""
        if not isinstance(response, UnifiedResponse):
            return OpenAIResponsesClient.get_usage(response)
        usage = response.usage
        out = {
            "prompt_tokens": usage.get("prompt_tokens", 0),
            "completion_tokens": usage.get("completion_tokens", 0),
            "total_tokens": usage.get("total_tokens", 0),
            "cost": response.cost or 0.0,
            "model": response.model,
            "token_cost": usage.get("token_cost", 0.0),
            "image_cost": usage.get("image_cost", 0.0),
        }
        if "reasoning_tokens" in usage:
            out["reasoning_tokens"] = usage["reasoning_tokens"]
        return out

    def _unified_response_to_chat_completion(self, response: UnifiedResponse) -> Any:
        """``response`` flattened to a ChatCompletion (with ``cost``): reasoning, citations, images and
        hosted-tool blocks become bracketed notes in the text."""
        from ..oai._response_cost import store_cost
        from ..oai.oai_models import ChatCompletion

        choices = []
        for index, message in enumerate(response.messages):
            lines = [line for line in (_v1_line(b) for b in message.content) if line is not None]
            calls = [
                {"id": c.id, "type": "function", "function": {"name": c.name, "arguments": c.arguments}}
                for c in message.get_tool_calls()
            ]
            choices.append(
                {
                    "index": index,
                    "message": {"role": "assistant", "content": "\n".join(lines) or None, "tool_calls": calls or None},
                    "finish_reason": "tool_calls" if calls else "stop",
                }
            )
        completion = ChatCompletion.model_validate(
            {
                "id": response.id,
                "model": response.model,
                "created": int(response.provider_metadata.get("created") or 0),
                "object": "chat.completion",
                "choices": choices,
                "usage": {
                    k: int(response.usage.get(k, 0)) for k in ("prompt_tokens", "completion_tokens", "total_tokens")
                },
            }
        )
        store_cost(completion, response.cost or 0.0)
        return completion

    def create_v1_compatible(self, params: dict[str, Any]) -> Any:
        """Send one request; the answer as a ChatCompletion (see :meth:`_unified_response_to_chat_completion`)."""
        return self._unified_response_to_chat_completion(self.create(params))

    @staticmethod
    def unified_response_to_v1_messages(response: UnifiedResponse) -> list[Any]:
        """The messages of ``response`` as :meth:`message_retrieval` gives them (without formatting)."""
        out: list[Any] = []
        for message in response.messages:
            if any(_is_complex(b) for b in message.content):
                out.append(_complex_message(message, mark_generated=False))
            else:
                out.append(_plain_text(message))
        return out

    def is_v1_compatible(self) -> bool:
        """Always True: :meth:`create_v1_compatible` gives the ChatCompletion form."""
        return True

    # ---- reading a unified response (ag2's helpers) ----

    @staticmethod
    def _blocks_of(response: UnifiedResponse, kind: type | str) -> list[Any]:
        return [
            b
            for m in response.messages
            for b in m.content
            if (isinstance(b, kind) if isinstance(kind, type) else isinstance(b, GenericContent) and b.type == kind)
        ]

    @staticmethod
    def get_citations(response: UnifiedResponse) -> list[CitationContent]:
        """The citations of ``response`` (web search sources)."""
        return OpenAIResponsesV2Client._blocks_of(response, CitationContent)

    @staticmethod
    def get_web_search_calls(response: UnifiedResponse) -> list[GenericContent]:
        """The ``web_search_call`` blocks of ``response``."""
        return OpenAIResponsesV2Client._blocks_of(response, "web_search_call")

    @staticmethod
    def get_shell_calls(response: UnifiedResponse) -> list[GenericContent]:
        """The ``shell_call`` blocks of ``response``."""
        return OpenAIResponsesV2Client._blocks_of(response, "shell_call")

    @staticmethod
    def get_apply_patch_calls(response: UnifiedResponse) -> list[GenericContent]:
        """The ``apply_patch_call`` blocks of ``response``."""
        return OpenAIResponsesV2Client._blocks_of(response, "apply_patch_call")

    @staticmethod
    def get_generated_images(response: UnifiedResponse) -> list[ImageContent]:
        """The images of ``response``."""
        return OpenAIResponsesV2Client._blocks_of(response, ImageContent)

    @staticmethod
    def get_all_images(response: UnifiedResponse) -> list[ImageContent]:
        """The images of ``response`` (same as :meth:`get_generated_images`)."""
        return OpenAIResponsesV2Client.get_generated_images(response)

    @staticmethod
    def get_parsed_content(response: UnifiedResponse) -> GenericContent | None:
        """The ``"parsed"`` block of a structured reply (``parsed_object``, ``parsed_dict``), or None."""
        found = OpenAIResponsesV2Client._blocks_of(response, "parsed")
        return found[0] if found else None

    @staticmethod
    def get_parsed_object(response: UnifiedResponse) -> Any:
        """The parsed object of a structured reply (an instance of the ``response_format`` model), or None."""
        parsed = OpenAIResponsesV2Client.get_parsed_content(response)
        return parsed.get("parsed_object") if parsed is not None else None

    @staticmethod
    def create_image_content(image_url: str, detail: str = "auto") -> dict[str, Any]:
        """An ``input_image`` content part for a message (URL or data URI)."""
        return {"type": "input_image", "image_url": image_url, "detail": detail}

    @staticmethod
    def create_multimodal_message(text: str, images: list[str] | None = None, role: str = "user") -> dict[str, Any]:
        """A message of ``text`` and ``images`` (URLs or data URIs) as Responses content parts."""
        content: list[dict[str, Any]] = [{"type": "input_text", "text": text}] if text else []
        content += [OpenAIResponsesV2Client.create_image_content(url) for url in images or []]
        return {"role": role, "content": content}


# ---- helpers -----------------------------------------------------------------------------------------


def _message_blocks(item: Mapping[str, Any]) -> list[BaseContent]:
    """The blocks of a ``message`` output item: its texts, each followed by its annotations, and refusals."""
    blocks: list[BaseContent] = []
    for part in item.get("content") or []:
        if not isinstance(part, Mapping):
            continue
        kind = part.get("type")
        if kind == "output_text":
            text = str(part.get("text") or "")
            if text:
                blocks.append(TextContent(text=text))
            for note in part.get("annotations") or []:
                note = _dump(note)
                if note.get("type") == "url_citation" and note.get("url"):
                    start, end = int(note.get("start_index") or 0), int(note.get("end_index") or 0)
                    blocks.append(
                        CitationContent(
                            url=str(note["url"]),
                            title=str(note.get("title") or note["url"]),
                            snippet=text[start:end] if start < end else "",
                            relevance_score=note.get("relevance_score"),
                        )
                    )
                elif note.get("type"):
                    blocks.append(GenericContent(**note))
        elif kind == "refusal":
            blocks.append(GenericContent(type="refusal", refusal=str(part.get("refusal") or "")))
        elif kind:
            blocks.append(GenericContent(**dict(part)))
    return blocks


def _search_blocks(item: Mapping[str, Any], rest: dict[str, Any]) -> list[BaseContent]:
    """Citations of a ``web_search`` (its annotations) or ``web_search_result`` item."""
    kind = str(item.get("type"))
    sources = item.get("annotations") if kind == "web_search" else [item]
    blocks: list[BaseContent] = []
    for source in sources or []:
        source = _dump(source)
        if source.get("url"):
            snippet = source.get("text") or source.get("snippet") or source.get("description") or source.get("content")
            blocks.append(
                CitationContent(
                    url=str(source["url"]),
                    title=str(source.get("title") or source["url"]),
                    snippet=str(snippet or ""),
                    relevance_score=source.get("relevance_score"),
                )
            )
    return blocks or [GenericContent(type=kind, **rest)]


def _is_complex(block: BaseContent) -> bool:
    if isinstance(block, GenericContent):
        return block.type not in ("parsed", "refusal")
    return isinstance(block, (ImageContent, ToolCallContent, CitationContent))


def _plain_text(message: UnifiedMessage) -> str:
    text = "\n".join(b.text for b in message.content if isinstance(b, TextContent))
    if not text:
        text = " ".join(str(b.get("refusal") or "") for b in message.get_content_by_type("refusal")).strip()
    return text


def _complex_message(message: UnifiedMessage, mark_generated: bool = True) -> dict[str, Any]:
    """A message with tool calls, images, citations or hosted-tool blocks as ag2's message dict."""
    parts: list[dict[str, Any]] = []
    calls: list[dict[str, Any]] = []
    for block in message.content:
        if isinstance(block, TextContent):
            parts.append({"type": "text", "text": block.text})
        elif isinstance(block, ImageContent):
            url = block.data_uri or block.image_url
            if url:
                part: dict[str, Any] = {"type": "image", "image_url": url}
                if mark_generated and block.data_uri:
                    part["generated"] = True
                parts.append(part)
        elif isinstance(block, ToolCallContent):
            calls.append(
                {"id": block.id, "type": "function", "function": {"name": block.name, "arguments": block.arguments}}
            )
        elif isinstance(block, CitationContent):
            parts.append({"type": "citation", "url": block.url, "title": block.title, "snippet": block.snippet})
        elif isinstance(block, GenericContent) and block.type != "parsed":
            parts.append(block.get_all_fields())
    out: dict[str, Any] = {"role": role_name(message.role), "content": parts or None}
    if calls:
        out["tool_calls"] = calls
    return out


def _v1_line(block: BaseContent) -> str | None:
    """A block as a line of the flattened (v1) text; tool calls and the parsed object give none."""
    if isinstance(block, TextContent):
        return block.text
    if isinstance(block, ReasoningContent):
        return f"[Reasoning: {block.reasoning}]"
    if isinstance(block, CitationContent):
        return f"[{block.title}]({block.url})" + (f": {block.snippet}" if block.snippet else "")
    if isinstance(block, ImageContent):
        return f"[Generated image: {block.data_uri[:50]}...]" if block.data_uri else f"[Image: {block.image_url}]"
    if isinstance(block, GenericContent) and block.type != "parsed":
        return f"[{block.type}: {json.dumps(block.data, default=str)}]"
    return None
