"""Chat-completions histories as OpenAI Responses API ``input`` items, and Responses output back as
the assistant message an agent stores.

Plain dicts only, no SDK import, so the functions can be tested (and reused by other Responses
clients) on their own. The rules a request must meet (from the Responses API reference):

- an input message has ``role`` user / assistant / system / developer and ``content`` (a string or
  a list of parts) and nothing else (no ``name``); user-side parts are ``input_text`` /
  ``input_image`` / ``input_file``, assistant parts ``output_text`` / ``refusal``; texts are strings;
- a tool call is a ``function_call`` item (``call_id``, ``name``, JSON ``arguments`` string) and its
  result a ``function_call_output`` item with the same ``call_id``; an output needs its call earlier in
  the input or in the response named by ``previous_response_id``, and every call needs an output;
- function tools are flat: ``{"type": "function", "name", "description", "parameters", "strict"}``.

A chat can break these (tool results without a call, calls never answered, agent names, empty
content); :func:`repair_input` rewrites such items so the request stays valid.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

__all__ = [
    "IMAGE_OUTPUT_PARAMS",
    "ResponseContent",
    "convert_tool_choice",
    "convert_tools",
    "message_to_input",
    "messages_to_input",
    "repair_input",
    "response_items",
    "response_to_message",
    "text_format_param",
    "usage_dict",
]

# Settings of the image_generation tool a message may carry in an ``image_params`` part (value: default).
IMAGE_OUTPUT_PARAMS: dict[str, Any] = {
    "quality": None,
    "background": None,
    "size": None,
    "output_format": "png",
    "output_compression": None,
}
_INPUT_ROLES = frozenset({"user", "assistant", "system", "developer"})
_TEXT_PARTS = frozenset({"text", "input_text", "output_text"})
_SKIPPED_PARTS = frozenset({"apply_patch_call", "shell_call"})  # executed by the client, not resent
_NO_RESULT = "No result: the tool call was not executed."


def _text(content: Any) -> str:
    """Any content as plain text (text parts joined; None is empty)."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = []
        for part in content:
            if isinstance(part, Mapping):
                if part.get("type") in _TEXT_PARTS or "text" in part:
                    parts.append(str(part.get("text") or ""))
            else:
                parts.append(str(part))
        return "\n".join(parts)
    return str(content)


def _image_url(part: Mapping[str, Any]) -> str | None:
    url = part.get("image_url")
    if isinstance(url, Mapping):
        url = url.get("url")
    return url if isinstance(url, str) and url else None


def _image_part(part: Mapping[str, Any], url: str) -> dict[str, Any]:
    detail = part.get("detail")
    if detail is None and isinstance(part.get("image_url"), Mapping):
        detail = part["image_url"].get("detail")
    return {"type": "input_image", "image_url": url, "detail": detail or "auto"}


def _parts(role: str, content: list[Any], image_params: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The Responses content parts of a chat content list for a message of ``role``."""
    assistant = role == "assistant"
    text_type = "output_text" if assistant else "input_text"
    blocks: list[dict[str, Any]] = []
    for part in content:
        if isinstance(part, str):
            blocks.append({"type": text_type, "text": part})
            continue
        kind = part.get("type") if isinstance(part, Mapping) else None
        if kind in _TEXT_PARTS:
            blocks.append({"type": text_type, "text": str(part.get("text") or "")})
        elif kind in ("input_image", "image_url"):
            url = _image_url(part)
            if url is None and kind == "input_image" and part.get("file_id"):
                if not assistant:
                    blocks.append(
                        {"type": "input_image", "file_id": part["file_id"], "detail": part.get("detail") or "auto"}
                    )
            elif url is not None:
                # the API takes images from the user side only
                blocks.append({"type": "output_text", "text": "(image)"} if assistant else _image_part(part, url))
        elif kind == "image_params":
            if image_params is not None:
                for key, value in (part.get("image_params") or {}).items():
                    if key in IMAGE_OUTPUT_PARAMS:
                        image_params[key] = value
        elif kind == "tool_call":
            # a hosted tool's call reported by message_retrieval: a generated image goes back as input
            url = part.get("image_url")
            if not assistant and part.get("name") == "image_generation" and isinstance(url, str) and url:
                blocks.append({"type": "input_image", "image_url": url, "detail": "auto"})
        elif kind == "refusal":
            text = str(part.get("refusal") or "")
            blocks.append({"type": "refusal", "refusal": text} if assistant else {"type": "input_text", "text": text})
        elif kind in ("input_file", "file"):
            if not assistant:
                data = part.get("file") if isinstance(part.get("file"), Mapping) else part
                blocks.append({"type": "input_file", **{k: v for k, v in data.items() if k != "type"}})
        elif kind in _SKIPPED_PARTS:
            continue
        else:
            raise ValueError(f"Invalid content type: {kind}")
    return blocks


def _arguments(raw: Any) -> str:
    if isinstance(raw, str):
        return raw
    return json.dumps(raw if raw is not None else {})


def _function_call_items(message: Mapping[str, Any], skip: set[str] | frozenset[str]) -> list[dict[str, Any]]:
    items = []
    for call in message.get("tool_calls") or []:
        if not isinstance(call, Mapping) or call.get("type") in _SKIPPED_PARTS:
            continue
        fn = call.get("function") or {}
        call_id = call.get("id") or call.get("call_id")
        if not call_id or call_id in skip or not fn.get("name"):
            continue
        items.append(
            {
                "type": "function_call",
                "call_id": str(call_id),
                "name": str(fn["name"]),
                "arguments": _arguments(fn.get("arguments")),
            }
        )
    return items


def _output_item(call_id: Any, content: Any) -> dict[str, Any]:
    if isinstance(content, (str, list)) or content is None:
        output = _text(content)
    else:  # a raw tool result (dict, number ...) as JSON
        output = json.dumps(content, default=str)
    return {"type": "function_call_output", "call_id": call_id, "output": output}


def message_to_input(
    message: Mapping[str, Any],
    *,
    image_params: dict[str, Any] | None = None,
    skip_call_ids: set[str] | frozenset[str] = frozenset(),
) -> list[dict[str, Any]]:
    """The input items of one chat message, in order (a message with tool calls gives its text
    message, possibly empty, then one ``function_call`` per call).

    Results and calls whose id is in ``skip_call_ids`` are left out; ``image_params`` collects the
    image-generation settings of ``image_params`` parts. Raises ValueError for an unknown part type.
    """
    role = message.get("role") or "user"
    content = message.get("content")
    if role == "tool":
        responses = message.get("tool_responses")
        results = responses if responses else [message]
        return [
            _output_item(r.get("tool_call_id"), r.get("content"))
            for r in results
            if isinstance(r, Mapping) and r.get("tool_call_id") not in skip_call_ids
        ]
    if role == "function":
        name = message.get("name") or "function"
        return [{"role": "user", "content": [{"type": "input_text", "text": f"Result of {name}: {_text(content)}"}]}]
    if role not in _INPUT_ROLES:
        role = "user"
    items: list[dict[str, Any]] = []
    if isinstance(content, list):
        blocks = _parts(role, content, image_params)
    else:
        text = content if isinstance(content, str) else _text(content)
        blocks = [{"type": "output_text" if role == "assistant" else "input_text", "text": text}]
    legacy = message.get("function_call")
    if role == "assistant" and isinstance(legacy, Mapping) and legacy.get("name"):
        blocks.append(
            {"type": "output_text", "text": f"(called {legacy['name']}({_arguments(legacy.get('arguments'))}))"}
        )
    if blocks:
        items.append({"role": role, "content": blocks})
    if role == "assistant":
        items.extend(_function_call_items(message, skip_call_ids))
    return items


def messages_to_input(
    messages: Iterable[Mapping[str, Any]],
    *,
    image_params: dict[str, Any] | None = None,
    skip_call_ids: set[str] | frozenset[str] = frozenset(),
) -> list[dict[str, Any]]:
    """The input items of a chat history, oldest first (see :func:`message_to_input`)."""
    items: list[dict[str, Any]] = []
    for message in messages:
        items.extend(message_to_input(message, image_params=image_params, skip_call_ids=skip_call_ids))
    return items


def repair_input(items: list[dict[str, Any]], known_call_ids: Iterable[str] = ()) -> list[dict[str, Any]]:
    """``items`` made acceptable to the API.

    ``known_call_ids`` are the calls of the response named by ``previous_response_id``. A
    ``function_call`` repeating a known or earlier call is dropped; a ``function_call_output`` without
    its call (or answering it twice) becomes a user message carrying the result as text; a call left
    unanswered gets an output saying it was not executed, right after its group of calls.
    """
    known = set(known_call_ids)
    answered_later = {
        item.get("call_id")
        for item in items
        if isinstance(item, Mapping) and item.get("type") == "function_call_output"
    }
    out: list[dict[str, Any]] = []
    calls: set[Any] = set(known)
    answered: set[Any] = set()
    pending: list[Any] = []  # calls of the current group that nothing answers

    def close_group() -> None:
        for call_id in pending:
            out.append({"type": "function_call_output", "call_id": call_id, "output": _NO_RESULT})
            answered.add(call_id)
        pending.clear()

    for item in items:
        kind = item.get("type") if isinstance(item, Mapping) else None
        if kind == "function_call":
            call_id = item.get("call_id")
            if call_id in calls:
                continue
            calls.add(call_id)
            out.append(item)
            if call_id not in answered_later:
                pending.append(call_id)
            continue
        close_group()
        if kind == "function_call_output":
            call_id = item.get("call_id")
            if call_id is None or call_id not in calls or call_id in answered:
                text = f"Tool result ({call_id or 'unknown call'}): {_text(item.get('output'))}"
                out.append({"role": "user", "content": [{"type": "input_text", "text": text}]})
                continue
            answered.add(call_id)
        out.append(item)
    close_group()
    return out


# ---- tools and structured output ----------------------------------------------------------------


def convert_tools(tools: Iterable[Any] | None, functions: Iterable[Any] | None = None) -> list[dict[str, Any]]:
    """Chat-completions tools (and legacy ``functions``) in the Responses form: function tools
    flattened, hosted tools (``{"type": "web_search"}`` ...) passed through."""
    out: list[dict[str, Any]] = []
    specs: list[Any] = [{"type": "function", "function": f} for f in functions or []]
    for tool in [*(tools or []), *specs]:
        if not isinstance(tool, Mapping):
            continue
        fn = tool.get("function")
        if tool.get("type", "function") == "function" and isinstance(fn, Mapping):
            flat: dict[str, Any] = {"type": "function", "name": fn.get("name")}
            if fn.get("description"):
                flat["description"] = fn["description"]
            flat["parameters"] = fn.get("parameters") or {"type": "object", "properties": {}}
            if fn.get("strict") is not None:
                flat["strict"] = fn["strict"]
            out.append(flat)
        else:
            out.append(dict(tool))
    return out


def convert_tool_choice(choice: Any) -> Any:
    """A chat-completions ``tool_choice`` in the Responses form (``{"type": "function", "name"}``)."""
    if isinstance(choice, Mapping) and choice.get("type") == "function" and isinstance(choice.get("function"), Mapping):
        return {"type": "function", "name": choice["function"].get("name")}
    return choice


def text_format_param(chat_format: Mapping[str, Any]) -> dict[str, Any]:
    """A chat-completions ``response_format`` as the Responses ``text.format`` (json_schema flattened)."""
    if chat_format.get("type") == "json_schema" and isinstance(chat_format.get("json_schema"), Mapping):
        spec = chat_format["json_schema"]
        out = {"type": "json_schema", "name": spec.get("name") or "response", "schema": spec.get("schema") or {}}
        if spec.get("strict") is not None:
            out["strict"] = spec["strict"]
        if spec.get("description"):
            out["description"] = spec["description"]
        return out
    return dict(chat_format)


# ---- responses ----------------------------------------------------------------------------------


def response_items(response: Any) -> list[dict[str, Any]]:
    """The output items of a response as dicts."""
    items = []
    for item in getattr(response, "output", None) or []:
        if hasattr(item, "model_dump"):
            item = item.model_dump()
        if isinstance(item, Mapping):
            items.append(dict(item))
    return items


class ResponseContent(list):  # type: ignore[type-arg]
    """The content blocks of a Responses reply (a list, as ag2 returns it) that also reads as its text.

    Code written for text content keeps working: ``"TERMINATE" in content``, ``content == "done"``,
    ``str(content)`` and str methods (``content.rstrip().endswith(...)``) use :attr:`text`, the text
    blocks joined by newlines; indexing, iteration, ``len`` and JSON see the blocks.
    """

    __slots__ = ()

    @property
    def text(self) -> str:
        """The text blocks' texts, joined by newlines."""
        return "\n".join(str(b.get("text") or "") for b in self if isinstance(b, Mapping) and b.get("type") == "text")

    def __eq__(self, other: object) -> bool:
        if isinstance(other, str):
            return self.text == other
        return list.__eq__(self, other)  # type: ignore[arg-type]

    def __ne__(self, other: object) -> bool:
        return not self == other

    __hash__ = None  # type: ignore[assignment]

    def __contains__(self, item: object) -> bool:
        if isinstance(item, str):
            return item in self.text
        return list.__contains__(self, item)

    def __str__(self) -> str:
        return self.text

    def __getattr__(self, name: str) -> Any:
        if not name.startswith("_") and hasattr(str, name):
            return getattr(self.text, name)
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")


def response_to_message(
    response: Any, *, image_output_params: Mapping[str, Any] | None = None, text_formatter: Any = None
) -> dict[str, Any]:
    """The assistant message of a response, in the shape the Responses client has always returned:
    ``{"role": "assistant", "id": <response id>, "content": [blocks] or None, "tool_calls": [...]}``.

    Text messages become ``{"type": "text", "role": "assistant", "text"}`` blocks (a message's parts
    joined by spaces, passed through ``text_formatter`` when given); function calls become OpenAI
    tool calls; hosted tool calls become ``tool_call`` blocks (an image generation's with the image
    as base64 ``content`` and a data URL); reasoning items are left out; anything else is kept raw.
    """
    params = dict(IMAGE_OUTPUT_PARAMS if image_output_params is None else image_output_params)
    content: list[dict[str, Any]] = []
    tool_calls: list[dict[str, Any]] = []
    for item in response_items(response):
        kind = item.get("type")
        if kind == "reasoning":
            continue
        if kind == "message":
            texts = [str(b.get("text") or "") for b in item.get("content") or [] if b.get("type") == "output_text"]
            text = " ".join(texts)
            if text_formatter is not None:
                text = text_formatter(text)
            content.append({"type": "text", "role": "assistant", "text": text})
        elif kind == "function_call":
            tool_calls.append(
                {
                    "id": item.get("call_id"),
                    "function": {"name": item.get("name"), "arguments": item.get("arguments")},
                    "type": "function",
                }
            )
        elif kind in ("apply_patch_call", "shell_call"):
            block = {"id": item.get("id"), "role": "tool_calls", "type": kind, "call_id": item.get("call_id")}
            block["status"] = item.get("status", "in_progress")
            key = "operation" if kind == "apply_patch_call" else "action"
            block[key] = item.get(key, {})
            content.append(block)
        elif isinstance(kind, str) and kind.endswith("_call"):
            name = kind[: -len("_call")]
            block = {"id": item.get("id"), "role": "tool_calls", "type": "tool_call", "name": name}
            if name == "image_generation":
                for key in IMAGE_OUTPUT_PARAMS:
                    if key in item:
                        block[key] = item[key]
                encoded = item.get("result") or ""
                block["content"] = encoded
                block["image_url"] = f"data:image/{params.get('output_format') or 'png'};base64,{encoded}"
            content.append(block)
        else:
            content.append(item)
    return {
        "role": "assistant",
        "id": getattr(response, "id", None),
        "content": ResponseContent(content) if content else None,
        "tool_calls": tool_calls,
    }


def usage_dict(response: Any) -> dict[str, Any]:
    """The ModelClient usage keys of a response (input/output tokens as prompt/completion tokens)."""
    usage = getattr(response, "usage", None) or {}
    if hasattr(usage, "model_dump"):
        usage = usage.model_dump()
    if not isinstance(usage, Mapping):
        usage = {}
    details = usage.get("output_tokens_details") or {}
    prompt = usage.get("input_tokens") or 0
    completion = usage.get("output_tokens") or 0
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": usage.get("total_tokens") or 0,
        "cost": getattr(response, "cost", 0),
        "model": getattr(response, "model", ""),
        "reasoning_tokens": details.get("reasoning_tokens", 0) if isinstance(details, Mapping) else 0,
    }
