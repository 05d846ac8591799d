"""OpenAI-style chat requests to Anthropic Messages requests, and Anthropic replies back to ChatCompletions.

Pure data transforms: no SDK import, no I/O, so they are cheap to test on any history. The rules the
Messages API enforces, and how a chat history is brought to them:

- system messages go to the top-level ``system`` field (joined by blank lines), wherever they stand;
- roles strictly alternate user / assistant, starting and ending with user: consecutive same-role
  messages are merged into one turn (their content blocks concatenated), and a short "Please continue."
  turn is added only where the history starts or ends with the assistant;
- every ``tool_use`` block is answered by a ``tool_result`` with the same id in the very next user
  turn, tool results first in that turn. A call without a result, a result without its call, a repeated
  id, and any tool block in a request that offers no tools become plain text, so nothing said is lost;
- empty or whitespace-only text is dropped (the API rejects it); ``name`` is not an Anthropic field
  and is dropped; ids are reduced to the allowed characters ``[A-Za-z0-9_-]``;
- ``image_url`` parts become ``image`` blocks (base64 for data URLs, ``url`` sources otherwise).
"""

from __future__ import annotations

import copy
import json
import re
import time
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = [
    "CONTINUE_TEXT",
    "DEFAULT_MAX_TOKENS",
    "build_messages_request",
    "convert_tool_choice",
    "convert_tools",
    "image_block",
    "response_to_completion_dict",
    "to_anthropic_messages",
    "usage_parts",
]

CONTINUE_TEXT = "Please continue."
DEFAULT_MAX_TOKENS = 4096  # as ag2: max_tokens is required by the API

_ID_BAD_CHARS = re.compile(r"[^a-zA-Z0-9_-]")
_DATA_URL = re.compile(r"data:(image/[a-zA-Z0-9.+-]+);base64,(.*)", re.DOTALL)
_FINISH = {"end_turn": "stop", "stop_sequence": "stop", "tool_use": "tool_calls", "max_tokens": "length",
           "pause_turn": "stop", "refusal": "content_filter"}  # fmt: skip


def _get(obj: Any, key: str, default: Any = None) -> Any:
    if isinstance(obj, Mapping):
        return obj.get(key, default)
    return getattr(obj, key, default)


def _tool_id(raw: Any, fallback: str) -> str:
    text = _ID_BAD_CHARS.sub("_", str(raw or ""))
    return text or fallback


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    try:
        return json.dumps(value, default=str)
    except (TypeError, ValueError):
        return str(value)


def image_block(url: str) -> dict[str, Any] | None:
    """An Anthropic ``image`` block for an OpenAI image URL (data URL or http(s)); None if neither."""
    match = _DATA_URL.match(url)
    if match:
        return {"type": "image", "source": {"type": "base64", "media_type": match.group(1), "data": match.group(2)}}
    if url.startswith(("http://", "https://")):
        return {"type": "image", "source": {"type": "url", "url": url}}
    return None


def _content_blocks(content: Any) -> list[dict[str, Any]]:
    """Anthropic content blocks for an OpenAI message content (str, list of parts, None or other)."""
    if content is None:
        return []
    if isinstance(content, str):
        return [{"type": "text", "text": content}] if content.strip() else []
    if not isinstance(content, Sequence):
        text = _as_text(content)
        return [{"type": "text", "text": text}] if text.strip() else []
    blocks: list[dict[str, Any]] = []
    for part in content:
        if isinstance(part, str):
            if part.strip():
                blocks.append({"type": "text", "text": part})
            continue
        kind = _get(part, "type")
        if kind == "text":
            text = _get(part, "text") or ""
            if text.strip():
                blocks.append({"type": "text", "text": text})
        elif kind == "image_url":
            image = _get(part, "image_url")
            url = _get(image, "url") if image is not None else None
            block = image_block(url) if isinstance(url, str) else None
            blocks.append(block or {"type": "text", "text": f"(image: {_as_text(url)})"})
        elif kind == "image" and isinstance(part, Mapping):
            blocks.append(dict(part))
        else:
            text = _as_text(part)
            if text.strip():
                blocks.append({"type": "text", "text": text})
    return blocks


def _text_only(content: Any) -> str:
    """The text parts of a content, joined (for the system prompt)."""
    return "\n".join(b["text"] for b in _content_blocks(content) if b["type"] == "text")


def _tool_use_block(call: Any, fallback_id: str) -> dict[str, Any]:
    function = _get(call, "function") or {}
    raw = _get(function, "arguments")
    if raw is None or raw == "":
        arguments: Any = {}
    elif isinstance(raw, str):
        try:
            arguments = json.loads(raw)
        except ValueError:
            # malformed JSON from a model: keep it visible to the model rather than dropping it
            arguments = {"raw_arguments": raw}
    else:
        arguments = raw
    if not isinstance(arguments, dict):
        arguments = {"value": arguments}
    return {
        "type": "tool_use",
        "id": _tool_id(_get(call, "id"), fallback_id),
        "name": str(_get(function, "name") or "unknown_tool"),
        "input": arguments,
    }


def _tool_result_block(result: Mapping[str, Any], fallback_id: str) -> dict[str, Any]:
    block: dict[str, Any] = {"type": "tool_result", "tool_use_id": _tool_id(result.get("tool_call_id"), fallback_id)}
    content = result.get("content")
    if isinstance(content, list):
        parts = _content_blocks(content)
        if parts:
            block["content"] = parts
    else:
        text = _as_text(content)
        if text.strip():
            block["content"] = text
    return block


def _block_as_text(block: dict[str, Any]) -> dict[str, Any]:
    """A tool block that cannot stand as one (unmatched, duplicate, no tools offered) as plain text."""
    if block["type"] == "tool_use":
        args = json.dumps(block["input"], ensure_ascii=False)
        return {"type": "text", "text": f"(called tool {block['name']} with arguments {args}; id {block['id']})"}
    content = block.get("content", "")
    if isinstance(content, list):
        content = " ".join(b.get("text", "") for b in content if b.get("type") == "text")
    return {"type": "text", "text": f"(result of tool call {block['tool_use_id']}: {content or 'no output'})"}


def to_anthropic_messages(
    messages: Sequence[Any], *, with_tools: bool = True
) -> tuple[str | None, list[dict[str, Any]]]:
    """``(system, messages)`` for the Messages API from an OpenAI-style history (see the module doc).

    ``with_tools`` says whether the request offers tools; without them tool calls and results are
    written out as text, because the API refuses tool blocks in a request that defines no tools.
    The input messages are not changed.
    """
    system: list[str] = []
    turns: list[list[Any]] = []  # [role, blocks]
    counter = 0

    def add(role: str, blocks: list[dict[str, Any]]) -> None:
        if not blocks:
            return
        if turns and turns[-1][0] == role:
            turns[-1][1].extend(blocks)
        else:
            turns.append([role, blocks])

    for message in messages:
        if not isinstance(message, Mapping):
            add("user", _content_blocks(message))
            continue
        role = message.get("role") or "user"
        if role in ("system", "developer"):
            text = _text_only(message.get("content"))
            if text.strip():
                system.append(text)
            continue
        if message.get("tool_responses") or role == "tool" or "tool_call_id" in message:
            results = message.get("tool_responses") or [message]
            blocks = []
            for result in results:
                counter += 1
                if isinstance(result, Mapping):
                    blocks.append(_tool_result_block(result, f"toolu_{counter}"))
            add("user", blocks)
            continue
        if role == "function":  # legacy function result
            text = (
                f"(result of function {message.get('name') or ''}: {_as_text(message.get('content')) or 'no output'})"
            )
            add("user", [{"type": "text", "text": text}])
            continue
        blocks = _content_blocks(message.get("content"))
        if role == "assistant":
            for call in message.get("tool_calls") or ():
                counter += 1
                blocks.append(_tool_use_block(call, f"toolu_{counter}"))
            fc = message.get("function_call")
            if fc:
                blocks.append(
                    {"type": "text", "text": f"(called function {_get(fc, 'name')} with {_get(fc, 'arguments')})"}
                )
            add("assistant", blocks)
        else:
            add("user", blocks)

    _pair_tool_blocks(turns, with_tools)

    if not turns or turns[0][0] != "user":
        turns.insert(0, ["user", [{"type": "text", "text": CONTINUE_TEXT}]])
    if turns[-1][0] != "user":
        turns.append(["user", [{"type": "text", "text": CONTINUE_TEXT}]])

    out = []
    for role, blocks in turns:
        if len(blocks) == 1 and blocks[0]["type"] == "text":
            out.append({"role": role, "content": blocks[0]["text"]})
        else:
            out.append({"role": role, "content": blocks})
    return ("\n\n".join(system) if system else None), out


def _pair_tool_blocks(turns: list[list[Any]], with_tools: bool) -> None:
    """Keep only tool_use / tool_result pairs the API accepts (in place); the rest become text."""
    seen_ids: set[str] = set()
    for i, (role, blocks) in enumerate(turns):
        if role != "assistant":
            continue
        following = turns[i + 1][1] if i + 1 < len(turns) else []
        answered = {b["tool_use_id"] for b in following if b["type"] == "tool_result"}
        for k, block in enumerate(blocks):
            if block["type"] != "tool_use":
                continue
            if with_tools and block["id"] in answered and block["id"] not in seen_ids:
                seen_ids.add(block["id"])
            else:
                blocks[k] = _block_as_text(block)
    for i, (role, blocks) in enumerate(turns):
        if role != "user":
            continue
        previous = turns[i - 1][1] if i > 0 else []
        called = {b["id"] for b in previous if b["type"] == "tool_use"}
        used: set[str] = set()
        results, rest = [], []
        for block in blocks:
            if block["type"] != "tool_result":
                rest.append(block)
            elif block["tool_use_id"] in called and block["tool_use_id"] not in used:
                used.add(block["tool_use_id"])
                results.append(block)
            else:
                rest.append(_block_as_text(block))
        # the API wants the tool results first in the turn that answers the calls
        turns[i][1] = results + rest


def convert_tools(tools: Sequence[Any] | None, functions: Sequence[Any] | None = None) -> list[dict[str, Any]]:
    """OpenAI ``tools`` (or legacy ``functions``) as Anthropic tool definitions with ``input_schema``."""
    specs: list[Any] = []
    for tool in tools or ():
        if isinstance(tool, Mapping) and tool.get("type", "function") == "function" and "function" in tool:
            specs.append(tool["function"])
        elif isinstance(tool, Mapping) and "input_schema" in tool:
            specs.append(tool)  # already an Anthropic tool
    specs.extend(functions or ())
    out = []
    for spec in specs:
        if "input_schema" in spec:
            out.append(dict(spec))
            continue
        from ..tools.function_utils import rebase_property_refs

        schema = rebase_property_refs(spec.get("parameters") or {"type": "object", "properties": {}})
        schema.setdefault("type", "object")
        tool = {"name": spec["name"], "input_schema": schema}
        if spec.get("description"):
            tool["description"] = spec["description"]
        if "strict" in spec:
            tool["strict"] = spec["strict"]
            if spec["strict"]:
                tool["input_schema"] = strict_schema(schema)
        out.append(tool)
    return out


def strict_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """A copy of a JSON schema in the subset Anthropic's structured outputs take: numeric, length and item
    count constraints removed, ``additionalProperties: false`` on every object that does not say otherwise."""
    out = copy.deepcopy(schema)

    def walk(obj: Any) -> None:
        if isinstance(obj, dict):
            for key in ("minimum", "maximum", "multipleOf", "minLength", "maxLength", "minItems", "maxItems"):
                obj.pop(key, None)
            if obj.get("type") == "object" and "additionalProperties" not in obj:
                obj["additionalProperties"] = False
            for value in obj.values():
                walk(value)
        elif isinstance(obj, list):
            for item in obj:
                walk(item)

    walk(out)
    return out


def convert_tool_choice(tool_choice: Any, parallel_tool_calls: Any = None) -> dict[str, Any] | None:
    """OpenAI or Anthropic ``tool_choice`` in Anthropic's form; ``parallel_tool_calls=False`` sets
    ``disable_parallel_tool_use``. None when neither says anything."""
    choice: dict[str, Any] | None
    if tool_choice is None:
        choice = None
    elif isinstance(tool_choice, str):
        mapped = {"auto": "auto", "required": "any", "any": "any", "none": "none"}.get(tool_choice)
        if mapped is None:
            raise ValueError(f"tool_choice {tool_choice!r} is not one of 'auto', 'required', 'none'.")
        choice = {"type": mapped}
    elif isinstance(tool_choice, Mapping):
        if tool_choice.get("type") == "function":
            choice = {"type": "tool", "name": (tool_choice.get("function") or {}).get("name")}
        else:
            choice = dict(tool_choice)
    else:
        raise ValueError(f"tool_choice must be a str or a dict, got {type(tool_choice).__name__}.")
    if parallel_tool_calls is False:
        choice = choice or {"type": "auto"}
        if choice.get("type") in ("auto", "any", "tool"):
            choice["disable_parallel_tool_use"] = True
    return choice


# ---- structured output --------------------------------------------------------------------------

# Models that take native structured outputs (output_config json_schema); others get the JSON-mode prompt.
_NATIVE_STRUCTURED = (
    "claude-sonnet-4-5",
    "claude-3-5-sonnet-",
    "claude-3-7-sonnet-",
    "claude-haiku-4-5",
    "claude-opus-4",
)
_NATIVE_EXACT = frozenset({"claude-3-5-sonnet-20241022", "claude-3-7-sonnet-20250219"})


def supports_native_structured_outputs(model: str) -> bool:
    """Whether ``model`` answers Anthropic's native structured outputs (constrained decoding)."""
    name = (model or "").rsplit("/", 1)[-1]
    return name in _NATIVE_EXACT or name.startswith(_NATIVE_STRUCTURED)


def response_schema(response_format: Any) -> dict[str, Any]:
    """The JSON schema of a ``response_format`` (pydantic model class, JSON-schema dict, or an OpenAI
    ``{"type": "json_schema", "json_schema": {"schema": ...}}`` wrapper)."""
    if isinstance(response_format, Mapping):
        if response_format.get("type") == "json_schema" and isinstance(response_format.get("json_schema"), Mapping):
            return dict(response_format["json_schema"].get("schema") or {})
        if response_format.get("type") == "json_object":
            return {"type": "object"}
        return dict(response_format)
    schema = getattr(response_format, "model_json_schema", None)
    if callable(schema):
        return _inline_refs(schema())
    raise ValueError(f"response_format must be a pydantic model class or a JSON-schema dict, got {response_format!r}.")


def _inline_refs(schema: dict[str, Any]) -> dict[str, Any]:
    defs = schema.pop("$defs", None) or {}

    def resolve(obj: Any, depth: int = 0) -> Any:
        if isinstance(obj, dict):
            ref = obj.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/") and depth < 32:
                return resolve(copy.deepcopy(defs.get(ref[8:], {})), depth + 1)
            return {k: resolve(v, depth) for k, v in obj.items()}
        if isinstance(obj, list):
            return [resolve(v, depth) for v in obj]
        return obj

    return resolve(schema)


def json_mode_instructions(schema: dict[str, Any]) -> str:
    """The system-prompt addition that asks an older model for JSON inside ``<json_response>`` tags."""
    return (
        "Answer with one JSON object that conforms to this JSON schema (the data, not the schema itself):\n"
        f"{json.dumps(schema, indent=2)}\n\n"
        "Put the JSON object, and nothing else, between <json_response> and </json_response> tags."
    )


_JSON_TAG = re.compile(r"<json_response>(.*?)</json_response>", re.DOTALL)


def extract_json_text(text: str) -> str:
    """The JSON object in a JSON-mode reply: inside ``<json_response>`` tags, else the outermost braces."""
    match = _JSON_TAG.search(text or "")
    if match:
        return match.group(1).strip()
    start, end = (text or "").find("{"), (text or "").rfind("}")
    if start == -1 or end < start:
        raise ValueError("No valid JSON found in response for Structured Output.")
    return text[start : end + 1]


# ---- request ------------------------------------------------------------------------------------

# Request fields read here; everything else in the params is the wrapper's business or unknown.
_PASSED = ("top_k", "thinking", "metadata", "service_tier")


def build_messages_request(params: Mapping[str, Any], *, mode: str | None = None) -> tuple[dict[str, Any], str]:
    """``(request, mode)``: the Messages API body for OpenAI-style create params, and how a structured
    reply must be read back (``"plain"``, ``"native"`` or ``"json_mode"``). With a ``response_format``
    the mode follows the model unless ``mode`` names one ("plain" ignores the format)."""
    model = params.get("model")
    if not model:
        raise ValueError("Please provide a `model` in the config_list to use the Anthropic API.")
    tools = convert_tools(params.get("tools"), params.get("functions"))
    messages = params.get("messages")
    if messages is None:
        messages = [{"role": "user", "content": params.get("prompt") or ""}]
    system, converted = to_anthropic_messages(messages, with_tools=bool(tools))
    request: dict[str, Any] = {
        "model": model,
        "max_tokens": params.get("max_tokens") or params.get("max_completion_tokens") or DEFAULT_MAX_TOKENS,
        "messages": converted,
    }
    for key in ("temperature", "top_p"):
        if params.get(key) is not None:
            request[key] = params[key]
    for key in _PASSED:
        if params.get(key) is not None:
            request[key] = params[key]
    stop = params.get("stop_sequences") or params.get("stop")
    if stop:
        request["stop_sequences"] = [stop] if isinstance(stop, str) else list(stop)
    if tools:
        request["tools"] = tools
        choice = convert_tool_choice(params.get("tool_choice"), params.get("parallel_tool_calls"))
        if choice is not None:
            request["tool_choice"] = choice
    if params.get("user") and "metadata" not in request:
        request["metadata"] = {"user_id": str(params["user"])}

    response_format = params.get("response_format")
    if response_format is None or mode == "plain":
        mode = "plain"
    else:
        schema = response_schema(response_format)
        if mode is None:
            mode = "native" if supports_native_structured_outputs(str(model)) else "json_mode"
        if mode == "native":
            request["output_config"] = {"format": {"type": "json_schema", "schema": strict_schema(schema)}}
        else:
            note = json_mode_instructions(schema)
            system = f"{system}\n\n{note}" if system else note
    if system:
        request["system"] = system
    return request, mode


# ---- response -----------------------------------------------------------------------------------


def response_to_completion_dict(
    message: Any, model: str, *, mode: str = "plain", created: int | None = None
) -> dict[str, Any]:
    """A ``chat.completion`` dict for an Anthropic ``Message`` (SDK object or dict).

    Text blocks are joined by blank lines; thinking blocks lead as ``[Thinking]`` (as ag2 shows them);
    tool_use blocks become tool calls with JSON arguments. ``model`` is the requested name (prices are
    kept per requested name; the API may answer with a dated one).
    """
    texts: list[str] = []
    thinking: list[str] = []
    calls: list[dict[str, Any]] = []
    for block in _get(message, "content") or ():
        kind = _get(block, "type")
        if kind == "text":
            texts.append(_get(block, "text") or "")
        elif kind == "thinking":
            thinking.append(_get(block, "thinking") or "")
        elif kind == "tool_use":
            calls.append(
                {
                    "id": _get(block, "id"),
                    "type": "function",
                    "function": {"name": _get(block, "name"), "arguments": json.dumps(_get(block, "input") or {})},
                }
            )
    text = "\n\n".join(texts)
    if mode == "json_mode" and text:
        text = extract_json_text(text)
    if thinking:
        text = "[Thinking]\n" + "\n\n".join(thinking) + (f"\n\n{text}" if text else "")
    usage = _get(message, "usage")
    prompt = _usage_prompt_tokens(usage)
    completion = int(_get(usage, "output_tokens", 0) or 0)
    stop_reason = _get(message, "stop_reason")
    finish = _FINISH.get(stop_reason or "end_turn", "stop")
    if calls and finish == "stop":
        finish = "tool_calls"
    result: dict[str, Any] = {
        "id": _get(message, "id") or "",
        "object": "chat.completion",
        "created": created if created is not None else int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "finish_reason": finish,
                "logprobs": None,
                "message": {
                    "role": "assistant",
                    "content": text if (text or not calls) else None,
                    "tool_calls": calls or None,
                    "function_call": None,
                },
            }
        ],
        "usage": {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion},
    }
    cache_read = int(_get(usage, "cache_read_input_tokens", 0) or 0)
    if cache_read:
        result["usage"]["prompt_tokens_details"] = {"cached_tokens": cache_read}
    return result


def usage_parts(usage: Any) -> tuple[int, int, int, int]:
    """``(input, cache_write, cache_read, output)`` tokens of an Anthropic usage (object or dict)."""
    return (
        int(_get(usage, "input_tokens", 0) or 0),
        int(_get(usage, "cache_creation_input_tokens", 0) or 0),
        int(_get(usage, "cache_read_input_tokens", 0) or 0),
        int(_get(usage, "output_tokens", 0) or 0),
    )


def _usage_prompt_tokens(usage: Any) -> int:
    # input_tokens excludes prompt-cache writes and reads; OpenAI's prompt_tokens counts them all
    return sum(int(_get(usage, k, 0) or 0) for k in ("input_tokens", "cache_creation_input_tokens",
                                                      "cache_read_input_tokens"))  # fmt: skip
