"""OpenAI-style chat requests as Bedrock Runtime ``Converse`` requests, and Converse responses back as
OpenAI-shaped ChatCompletion dicts.

Everything works on the plain dicts boto3 takes and returns (image bytes are ``bytes``; boto3 writes
the base64 wire form), so this module imports no SDK and can be tested on its own.

The rules a converted history must meet (from the Converse API documentation):

- messages alternate ``user`` / ``assistant``, starting with ``user``; every message has content;
  text blocks are not blank; system prompts travel in ``system``;
- a ``toolUse`` block (assistant) is answered by a ``toolResult`` block with its ``toolUseId`` in the
  very next message (user); results appear nowhere else; tool-use ids match ``[a-zA-Z0-9_.:-]+``
  (at most 64 characters) and are unique;
- ``toolUse`` / ``toolResult`` blocks need a ``toolConfig`` in the request.

A chat can break these (tool results without their call, calls never answered, empty replies,
consecutive same-role messages, ids from other providers); such parts are rewritten so the request
stays valid: unpaired tool blocks become text, and a "Please continue." message of the missing role
keeps the roles alternating (ag2's filler).
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import warnings
from typing import Any, Literal

from .openai_history import all_text, arguments_dict

__all__ = [
    "FILLER_TEXT",
    "STRUCTURED_OUTPUT_TOOL",
    "convert_stop_reason_to_finish_reason",
    "extract_system_messages",
    "format_tool_calls",
    "format_tools",
    "normalize_schema",
    "oai_messages_to_bedrock_messages",
    "parse_content_parts",
    "parse_image",
    "response_to_completion_dict",
    "to_bedrock_messages",
    "tool_choice",
]

FILLER_TEXT = "Please continue."
STRUCTURED_OUTPUT_TOOL = "__structured_output"
_ID_CHARS = re.compile(r"[^a-zA-Z0-9_-]")
_IMAGE_FORMATS = {"png": "png", "jpeg": "jpeg", "jpg": "jpeg", "gif": "gif", "webp": "webp"}
_DATA_URL = re.compile(r"^data:(image/[a-zA-Z0-9.+-]*)(;[^,]*)?,\s*", re.DOTALL)


# ---- content --------------------------------------------------------------------------------------


def parse_image(image_url: str) -> tuple[bytes, str]:
    """``(image bytes, content type)`` of an image URL: a ``data:`` URL is decoded, any other URL is
    downloaded (ag2's helper; raises RuntimeError when the address cannot be read)."""
    match = _DATA_URL.match(image_url)
    if match:
        data = image_url[match.end() :]
        if match.group(2) and "base64" in match.group(2):
            return base64.b64decode(data), match.group(1)
        from urllib.parse import unquote_to_bytes

        return unquote_to_bytes(data), match.group(1)
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(image_url, timeout=30) as response:
            content_type = response.headers.get("Content-Type", "") or ""
            data = response.read()
    except (urllib.error.URLError, ValueError, OSError) as e:
        raise RuntimeError("Unable to access the image url") from e
    content_type = content_type.split(";")[0].strip()
    if not content_type.startswith("image"):
        content_type = "image/jpeg"
    return data, content_type


def _image_block(url: str) -> dict[str, Any]:
    data, content_type = parse_image(url)
    kind = _IMAGE_FORMATS.get(content_type.partition("/")[2].lower())
    if kind is None:  # Converse takes png, jpeg, gif and webp only
        return {"text": f"(an image of type {content_type} was left out)"}
    return {"image": {"format": kind, "source": {"bytes": data}}}


def parse_content_parts(message: dict[str, Any]) -> list[dict[str, Any]]:
    """The Converse content blocks of a message's ``content`` (text and images; blank text left out)."""
    content = message.get("content")
    if not isinstance(content, list):
        text = all_text(content)
        return [{"text": text}] if text.strip() else []
    blocks: list[dict[str, Any]] = []
    for part in content:
        if isinstance(part, str):
            part = {"type": "text", "text": part}
        if not isinstance(part, dict):
            continue
        if part.get("type") == "image_url" or ("image_url" in part and "type" not in part):
            image = part.get("image_url")
            url = image.get("url") if isinstance(image, dict) else image
            if url:
                blocks.append(_image_block(str(url)))
        elif isinstance(part.get("text"), str) and part["text"].strip():
            blocks.append({"text": part["text"]})
    return blocks


# ---- tool ids -------------------------------------------------------------------------------------


class _ToolIds:
    """Tool-call ids as Converse accepts them: valid characters, at most 64 long, unique in a request.

    A result is matched to the latest call that carried its id (chats may reuse ids)."""

    def __init__(self) -> None:
        self._latest: dict[str, str] = {}
        self._used: set[str] = set()
        self._count = 0

    @staticmethod
    def _clean(raw: str) -> str:
        clean = _ID_CHARS.sub("_", raw)
        if len(clean) > 64:
            clean = clean[:55] + "_" + hashlib.sha1(raw.encode()).hexdigest()[:8]
        return clean

    def for_call(self, raw: Any) -> str:
        self._count += 1
        key = str(raw) if raw else f"tooluse_{self._count}"
        clean = self._clean(key) or f"tooluse_{self._count}"
        base, n = clean, 1
        while clean in self._used:
            n += 1
            clean = f"{base[:58]}_{n}"
        self._used.add(clean)
        self._latest[key] = clean
        return clean

    def for_result(self, raw: Any) -> str:
        key = str(raw) if raw else ""
        return self._latest.get(key) or self._clean(key) or "tooluse_unknown"


# ---- messages -------------------------------------------------------------------------------------


def extract_system_messages(messages: list[dict[str, Any]]) -> list[dict[str, str]]:
    """The system prompts of ``messages`` as Converse ``system`` blocks (blank ones left out)."""
    out = []
    for message in messages:
        if message.get("role") in ("system", "developer"):
            text = all_text(message.get("content"))
            if text.strip():
                out.append({"text": text})
    return out


def _filler(role: str) -> dict[str, Any]:
    return {"role": role, "content": [{"text": FILLER_TEXT}]}


def _call_text(block: dict[str, Any]) -> dict[str, str]:
    use = block["toolUse"]
    return {"text": f"(called tool {use['name']} with {json.dumps(use['input'])})"}


def _result_text(block: dict[str, Any]) -> dict[str, str]:
    text = "".join(part.get("text", "") for part in block["toolResult"]["content"])
    return {"text": f"Running the function returned: {text}"}


def _is_results_turn(turn: dict[str, Any]) -> bool:
    return turn["role"] == "user" and bool(turn["content"]) and all("toolResult" in b for b in turn["content"])


def _turns(messages: list[dict[str, Any]], has_tools: bool, supports_system_prompts: bool) -> list[dict[str, Any]]:
    """One turn per non-empty message (consecutive tool results share one turn)."""
    turns: list[dict[str, Any]] = []
    ids = _ToolIds()
    for message in messages:
        role = message.get("role") or "user"
        if role in ("system", "developer"):
            if supports_system_prompts:
                continue
            role = "user"
        if role == "assistant":
            blocks = parse_content_parts(message)
            calls = [c for c in message.get("tool_calls") or [] if isinstance(c, dict)]
            names = [str((c.get("function") or {}).get("name", "")) for c in calls]
            legacy = message.get("function_call")
            if isinstance(legacy, dict):
                names.append(str(legacy.get("name", "")))
            if has_tools:
                for call in calls:
                    fn = call.get("function") or {}
                    use = {"toolUseId": ids.for_call(call.get("id")), "name": str(fn.get("name", "")),
                           "input": arguments_dict(fn.get("arguments"))}  # fmt: skip
                    blocks.append({"toolUse": use})
                if isinstance(legacy, dict):  # a legacy function call has no id: it stays text
                    blocks.append({"text": f"Some internal function(s) that could be used: [{legacy.get('name', '')}]"})
            elif names:
                blocks.append({"text": f"Some internal function(s) that could be used: [{', '.join(names)}]"})
            if blocks:
                turns.append({"role": "assistant", "content": blocks})
        elif role == "tool" and has_tools:
            text = all_text(message.get("content"))
            result = {"toolUseId": ids.for_result(message.get("tool_call_id")),
                      "content": [{"text": text if text.strip() else "(no output)"}]}  # fmt: skip
            if turns and _is_results_turn(turns[-1]):
                turns[-1]["content"].append({"toolResult": result})
            else:
                turns.append({"role": "user", "content": [{"toolResult": result}]})
        elif role in ("tool", "function"):
            turns.append(
                {
                    "role": "user",
                    "content": [{"text": f"Running the function returned: {all_text(message.get('content'))}"}],
                }
            )
        else:
            blocks = parse_content_parts(message)
            if blocks:
                turns.append({"role": "user", "content": blocks})
    return turns


def _pair_tool_blocks(turns: list[dict[str, Any]]) -> None:
    """Keep a toolUse only when the next turn answers it, and a toolResult only right after its call;
    the others become text."""
    for i, turn in enumerate(turns):
        if turn["role"] != "assistant":
            continue
        nxt = turns[i + 1] if i + 1 < len(turns) else None
        answered = (
            {b["toolResult"]["toolUseId"] for b in nxt["content"] if "toolResult" in b}
            if nxt and nxt["role"] == "user"
            else set()
        )
        turn["content"] = [
            _call_text(b) if "toolUse" in b and b["toolUse"]["toolUseId"] not in answered else b
            for b in turn["content"]
        ]
    for i, turn in enumerate(turns):
        if turn["role"] != "user" or not any("toolResult" in b for b in turn["content"]):
            continue
        previous = turns[i - 1] if i > 0 and turns[i - 1]["role"] == "assistant" else None
        open_ids = {b["toolUse"]["toolUseId"] for b in previous["content"] if "toolUse" in b} if previous else set()
        results, texts = [], []
        for block in turn["content"]:
            if "toolResult" not in block:
                texts.append(block)
            elif block["toolResult"]["toolUseId"] in open_ids:
                open_ids.discard(block["toolResult"]["toolUseId"])
                results.append(block)
            else:
                texts.append(_result_text(block))
        turn["content"] = results + texts


def to_bedrock_messages(
    messages: list[dict[str, Any]], *, has_tools: bool, supports_system_prompts: bool = True
) -> tuple[list[dict[str, str]], list[dict[str, Any]]]:
    """``(system, messages)`` of a Converse request for an OpenAI-style message list.

    Without ``has_tools`` (the request defines no tools) tool calls and results are sent as text.
    Without ``supports_system_prompts`` system messages stay in the conversation as user messages.
    """
    system = extract_system_messages(messages) if supports_system_prompts else []
    turns = _turns(messages, has_tools, supports_system_prompts)
    _pair_tool_blocks(turns)
    out: list[dict[str, Any]] = []
    for turn in turns:
        expected = "user" if len(out) % 2 == 0 else "assistant"
        if turn["role"] != expected:
            out.append(_filler(expected))
        out.append(turn)
    if not out or out[-1]["role"] != "user":
        out.append(_filler("user"))
    return system, out


def oai_messages_to_bedrock_messages(
    messages: list[dict[str, Any]], has_tools: bool, supports_system_prompts: bool
) -> list[dict[str, Any]]:
    """ag2's conversion entry point: the Converse ``messages`` (system prompts are left out when the model
    takes them separately, see :func:`extract_system_messages`)."""
    return to_bedrock_messages(messages, has_tools=has_tools, supports_system_prompts=supports_system_prompts)[1]


# ---- tools ----------------------------------------------------------------------------------------


def normalize_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` with every ``#/$defs/...`` reference replaced by its definition and ``$defs`` removed.

    Raises ValueError for another kind of reference or a missing definition. A recursive definition
    cannot be inlined: it is left as a reference (and ``$defs`` kept).
    """
    defs = dict(schema.get("$defs") or {})
    recursive: list[bool] = []

    def resolve(node: Any, active: tuple[str, ...]) -> Any:
        if isinstance(node, list):
            return [resolve(item, active) for item in node]
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref")
        if isinstance(ref, str):
            if not ref.startswith("#/$defs/"):
                raise ValueError(f"Unsupported $ref format: {ref}. Only '#/$defs/...' is supported.")
            name = ref.rsplit("/", 1)[-1]
            if name not in defs:
                raise ValueError(f"Definition '{name}' not found in $defs")
            if name in active:
                recursive.append(True)
                return dict(node)
            merged = {**defs[name], **{k: v for k, v in node.items() if k != "$ref"}}
            return resolve(merged, (*active, name))
        return {k: resolve(v, active) for k, v in node.items() if k != "$defs"}

    out = resolve(schema, ())
    if recursive:
        out["$defs"] = defs
    return out


def _self_contained(schema: dict[str, Any]) -> dict[str, Any]:
    if not schema.get("$defs"):
        return schema
    try:
        return normalize_schema(schema)
    except ValueError:
        return schema  # sent as given: the model may still understand it


def _input_schema(parameters: Any) -> dict[str, Any]:
    schema = _self_contained(dict(parameters) if isinstance(parameters, dict) else {})
    properties = schema.get("properties")
    if isinstance(properties, dict):  # a pydantic-model parameter carries its own "$defs" (ag2's tool schemas)
        schema["properties"] = {k: _self_contained(v) if isinstance(v, dict) else v for k, v in properties.items()}
    schema.setdefault("type", "object")
    schema.setdefault("properties", {})
    schema.setdefault("required", [])
    return schema


def format_tools(tools: list[dict[str, Any]] | None) -> dict[Literal["tools"], list[dict[str, Any]]]:
    """OpenAI ``tools`` (or bare function specs) as a Converse ``toolConfig`` (``{"tools": [...]}``)."""
    converted: list[dict[str, Any]] = []
    for tool in tools or []:
        if not isinstance(tool, dict):
            continue
        if tool.get("type", "function") != "function":
            continue
        spec = tool.get("function", tool)
        tool_spec: dict[str, Any] = {"name": spec["name"]}
        if spec.get("description"):
            tool_spec["description"] = spec["description"]
        tool_spec["inputSchema"] = {"json": _input_schema(spec.get("parameters"))}
        converted.append({"toolSpec": tool_spec})
    return {"tools": converted}


def tool_choice(choice: Any, tool_names: list[str]) -> dict[str, Any] | None:
    """The Converse ``toolChoice`` for an OpenAI ``tool_choice`` (None: leave it to the model)."""
    if isinstance(choice, str):
        return {"any": {}} if choice in ("required", "any") else ({"auto": {}} if choice == "auto" else None)
    if isinstance(choice, dict):
        name = (choice.get("function") or {}).get("name") or choice.get("name")
        if name and name in tool_names:
            return {"tool": {"name": name}}
    return None


# ---- the response ---------------------------------------------------------------------------------


def format_tool_calls(content: list[dict[str, Any]]) -> list[Any]:
    """The ``toolUse`` blocks of a Converse message as OpenAI tool calls (ag2's helper)."""
    from .oai_models import ChatCompletionMessageToolCall

    return [
        ChatCompletionMessageToolCall(
            id=block["toolUse"]["toolUseId"],
            type="function",
            function={"name": block["toolUse"]["name"], "arguments": json.dumps(block["toolUse"].get("input", {}))},
        )
        for block in content
        if "toolUse" in block
    ]


_FINISH = {
    "tool_use": "tool_calls",
    "finished": "stop",
    "end_turn": "stop",
    "max_tokens": "length",
    "stop_sequence": "stop",
    "complete": "stop",
    "content_filtered": "content_filter",
    "guardrail_intervened": "content_filter",
    "model_context_window_exceeded": "length",
}


_OPENAI_FINISH = frozenset({"stop", "length", "tool_calls", "content_filter"})


def convert_stop_reason_to_finish_reason(stop_reason: str | None) -> Any:
    """The OpenAI ``finish_reason`` for a Bedrock ``stopReason`` (unknown ones are passed on lower-cased)."""
    if not stop_reason:
        warnings.warn(f"Unsupported stop reason: {stop_reason}", UserWarning, stacklevel=2)
        return None
    return _FINISH.get(stop_reason.lower(), stop_reason.lower())


def response_to_completion_dict(
    response: dict[str, Any], model: str, *, structured_text: str | None = None
) -> dict[str, Any]:
    """A ChatCompletion dict for a Converse response (``structured_text``: the content to report instead
    of the model's text, for a structured-output tool call)."""
    import time
    import uuid

    message = (response.get("output") or {}).get("message") or {}
    content = message.get("content") or []
    finish = convert_stop_reason_to_finish_reason(response.get("stopReason"))
    calls = [
        {
            "id": b["toolUse"]["toolUseId"],
            "type": "function",
            "function": {"name": b["toolUse"]["name"], "arguments": json.dumps(b["toolUse"].get("input", {}))},
        }
        for b in content
        if "toolUse" in b
    ]
    if finish != "tool_calls":
        calls = []
    text = "".join(b["text"] for b in content if isinstance(b.get("text"), str))
    if structured_text is not None:
        text = structured_text
    usage = response.get("usage") or {}
    prompt, output = int(usage.get("inputTokens", 0) or 0), int(usage.get("outputTokens", 0) or 0)
    request_id = (response.get("ResponseMetadata") or {}).get("RequestId") or f"bedrock-{uuid.uuid4().hex}"
    return {
        "id": request_id,
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "finish_reason": finish if finish in _OPENAI_FINISH else "stop",
                "message": {
                    "role": "assistant",
                    "content": None if calls and not text else text,
                    "tool_calls": calls or None,
                },
            }
        ],
        "usage": {
            "prompt_tokens": prompt,
            "completion_tokens": output,
            "total_tokens": int(usage.get("totalTokens", prompt + output) or prompt + output),
        },
    }
