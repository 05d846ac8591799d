"""OpenAI-style chat requests as Gemini ``generateContent`` requests, and Gemini responses back as
OpenAI-shaped ChatCompletion dicts.

Everything here works on plain dicts in the ``google-genai`` SDK's snake_case field names (the SDK
accepts dicts wherever it takes its types and writes the camelCase wire form), so this module imports
no SDK and can be tested on its own.

The rules a converted history must meet (from the Gemini API documentation):

- turns have role ``user`` or ``model``; every turn has at least one part; no empty text parts;
- the system prompt travels in ``system_instruction``, not in ``contents``;
- a turn of function calls (role ``model``) is answered by the very next turn, role ``user``, holding
  one ``function_response`` per call, named after the function called;
- function responses appear nowhere else.

A chat can break these (tool results without their call, calls never answered, empty replies,
consecutive same-role messages); such parts are rewritten as text so the request stays valid.
"""

from __future__ import annotations

import base64
import copy
import enum
import json
import mimetypes
import time
import uuid
from collections.abc import Mapping
from typing import Any

from .openai_history import all_text, arguments_dict

__all__ = [
    "build_generate_request",
    "candidate_parts",
    "completion_dict",
    "convert_tools",
    "function_declaration",
    "gemini_schema",
    "has_prebuilt_google_search",
    "message_parts",
    "part_text",
    "part_tool_call",
    "resolve_refs",
    "response_to_completion_dict",
    "safety_settings_list",
    "to_gemini_contents",
    "usage_counts",
]

_FINISH = {"STOP": "stop", "MAX_TOKENS": "length", "SAFETY": "content_filter", "RECITATION": "content_filter",
           "BLOCKLIST": "content_filter", "PROHIBITED_CONTENT": "content_filter", "SPII": "content_filter",
           "IMAGE_SAFETY": "content_filter"}  # fmt: skip
_SCHEMA_KEYS = frozenset({
    "type", "format", "description", "nullable", "enum", "properties", "required", "items", "anyOf",
    "minItems", "maxItems", "minLength", "maxLength", "minimum", "maximum", "pattern", "title",
    "propertyOrdering", "minProperties", "maxProperties", "example", "default",
})  # fmt: skip


# ---- messages -----------------------------------------------------------------------------------


def image_part(url: str) -> dict[str, Any]:
    """An image URL (``data:`` URL or an address) as a Gemini part."""
    if url.startswith("data:"):
        head, _, data = url.partition(",")
        mime = head[5:].split(";")[0] or "image/png"
        if ";base64" not in head:
            from urllib.parse import unquote_to_bytes

            data = base64.b64encode(unquote_to_bytes(data)).decode()
        return {"inline_data": {"mime_type": mime, "data": data}}
    mime = mimetypes.guess_type(url.split("?")[0])[0] or "image/jpeg"
    return {"file_data": {"file_uri": url, "mime_type": mime}}


def _content_parts(content: Any) -> list[dict[str, Any]]:
    if isinstance(content, list):
        parts: list[dict[str, Any]] = []
        for item in content:
            if isinstance(item, dict) and item.get("type") == "image_url":
                image = item.get("image_url")
                url = image.get("url") if isinstance(image, dict) else image
                if url:
                    parts.append(image_part(str(url)))
            else:
                text = all_text([item])
                if text.strip():
                    parts.append({"text": text})
        return parts
    text = all_text(content)
    return [{"text": text}] if text.strip() else []


def _json_or_text(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def _call_text(call: dict[str, Any]) -> str:
    return f"(called tool {call['name']} with {json.dumps(call.get('args', {}))})"


def _response_text(response: dict[str, Any]) -> str:
    result = response.get("response", {}).get("result")
    return f"(result of tool {response['name']}: {result if isinstance(result, str) else json.dumps(result)})"


def _signature(value: Any) -> bytes | None:
    """A thought signature as bytes (it travels base64-encoded on a tool call dict)."""
    if isinstance(value, bytes):
        return value or None
    if isinstance(value, str) and value:
        try:
            return base64.b64decode(value)
        except ValueError:
            return None
    return None


def message_parts(
    message: dict[str, Any], names: dict[str, str], signatures: Mapping[str, bytes] | None = None
) -> tuple[list[dict[str, Any]], str]:
    """``(parts, kind)`` of one OpenAI-style message; kind is "text", "image", "tool_call" (function
    calls, role model) or "tool" (function responses, role user). ``names`` maps tool call ids to
    function names: calls add to it, results read it. A function call carries its thought signature
    (from the tool call dict, else ``signatures``) as Gemini 3 models require. Blank text is "empty"
    (the API refuses empty parts) and a message without content is shown as its JSON."""
    role = message.get("role", "user")
    content = message.get("content")
    if role in ("tool", "function"):
        result = {"response": {"result": _json_or_text(all_text(content))}}
        name = message.get("name", "") if role == "function" else names.get(str(message.get("tool_call_id")))
        if name:
            return [{"function_response": {"name": name, **result}}], "tool"
        return [{"text": f"(tool result: {all_text(content)})"}], "text"  # a result without its call
    calls = message.get("tool_calls") or []
    legacy = message.get("function_call")
    if calls or legacy:
        parts = _content_parts(content)
        for call in calls:
            fn = call.get("function") or {}
            call_id = str(call.get("id"))
            names[call_id] = fn.get("name", "")
            part: dict[str, Any] = {
                "function_call": {"name": fn.get("name", ""), "args": arguments_dict(fn.get("arguments"))}
            }
            signature = _signature(call.get("thought_signature")) or (signatures or {}).get(call_id)
            if signature:
                part["thought_signature"] = signature
            parts.append(part)
        if legacy:
            parts.append(
                {"function_call": {"name": legacy.get("name", ""), "args": arguments_dict(legacy.get("arguments"))}}
            )
        return parts, "tool_call"
    if "content" not in message:
        rest = {k: v for k, v in message.items() if k != "role"}
        return [{"text": json.dumps(rest, default=str) if rest else "empty"}], "text"
    parts = _content_parts(content)
    kind = "image" if any("inline_data" in p or "file_data" in p for p in parts) else "text"
    return parts or [{"text": "empty"}], kind


def to_gemini_contents(
    messages: list[dict[str, Any]],
    *,
    extract_system: bool = True,
    names: dict[str, str] | None = None,
    signatures: Mapping[str, bytes] | None = None,
) -> tuple[str | None, list[dict[str, Any]]]:
    """``(system_instruction, contents)`` for an OpenAI-style message list.

    The leading system message(s) become the system instruction (with ``extract_system``); a later
    one is a user turn, as ag2 sends it. Messages keep their own turns except where the API needs
    them together: parallel function responses in one user turn, function calls in one model turn.
    """
    names = {} if names is None else names
    system: list[str] = []
    turns: list[dict[str, Any]] = []
    leading = extract_system
    for message in messages:
        role = message.get("role", "user")
        if leading and role in ("system", "developer"):
            text = all_text(message.get("content")).strip()
            if text:
                system.append(text)
            continue
        leading = False
        parts, kind = message_parts(message, names, signatures)
        model = kind == "tool_call" or (kind != "tool" and role in ("assistant", "model"))
        turns.append({"role": "model" if model else "user", "parts": parts})

    turns = _pair_calls(_merge(turns))
    if not turns or turns[0]["role"] != "user":
        turns.insert(0, {"role": "user", "parts": [{"text": "start chat"}]})
    if turns[-1]["role"] != "user":
        turns.append({"role": "user", "parts": [{"text": "continue"}]})
    return ("\n\n".join(system) or None), turns


def _has(turn: dict[str, Any], key: str) -> bool:
    return any(key in part for part in turn["parts"])


def _merge(turns: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Function responses following each other in one user turn, and a model turn with function calls
    together with the model turns next to it (the API wants calls right after a user turn)."""
    out: list[dict[str, Any]] = []
    for turn in turns:
        prev = out[-1] if out else None
        together = (
            prev is not None
            and prev["role"] == turn["role"]
            and (
                (turn["role"] == "user" and _has(prev, "function_response") and _has(turn, "function_response"))
                or (turn["role"] == "model" and (_has(prev, "function_call") or _has(turn, "function_call")))
            )
        )
        if together:
            out[-1] = {"role": turn["role"], "parts": prev["parts"] + turn["parts"]}
        else:
            out.append({"role": turn["role"], "parts": list(turn["parts"])})
    return out


def _pair_calls(turns: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Function calls kept only when the next turn answers each of them, and responses only right after
    their calls; anything else becomes text."""
    for i, turn in enumerate(turns):
        calls = [p for p in turn["parts"] if "function_call" in p]
        if turn["role"] == "model" and calls:
            nxt = turns[i + 1] if i + 1 < len(turns) else None
            answers = [p for p in nxt["parts"] if "function_response" in p] if nxt else []
            if sorted(c["function_call"]["name"] for c in calls) != sorted(
                a["function_response"]["name"] for a in answers
            ):
                turn["parts"] = [{"text": _call_text(p["function_call"])} if "function_call" in p else p
                                 for p in turn["parts"]]  # fmt: skip
        if turn["role"] == "user":
            previous = turns[i - 1] if i > 0 else None
            answered = previous is not None and any("function_call" in p for p in previous["parts"])
            if not answered:
                turn["parts"] = [
                    {"text": _response_text(p["function_response"])} if "function_response" in p else p
                    for p in turn["parts"]
                ]
    return turns


# ---- tools --------------------------------------------------------------------------------------


def gemini_schema(schema: Any, defs: dict[str, Any] | None = None) -> Any:
    """A JSON schema reduced to Gemini's OpenAPI subset: ``$ref``s inlined, ``null`` alternatives as
    ``nullable``, unknown keywords dropped."""
    if not isinstance(schema, dict):
        return schema
    defs = {**(defs or {}), **schema.get("$defs", {}), **schema.get("definitions", {})}
    ref = schema.get("$ref")
    if isinstance(ref, str):
        target = defs.get(ref.rsplit("/", 1)[-1])
        if target is not None:
            merged = {**target, **{k: v for k, v in schema.items() if k != "$ref"}}
            return gemini_schema(merged, defs)
    out: dict[str, Any] = {}
    kind = schema.get("type")
    if isinstance(kind, list):
        non_null = [t for t in kind if t != "null"]
        if len(non_null) < len(kind):
            out["nullable"] = True
        kind = non_null[0] if non_null else "string"
    if kind is not None:
        out["type"] = kind
    for key, value in schema.items():
        if key not in _SCHEMA_KEYS or key == "type":
            continue
        if key == "properties" and isinstance(value, dict):
            out[key] = {name: gemini_schema(sub, defs) for name, sub in value.items()}
        elif key == "items":
            out[key] = gemini_schema(value, defs)
        elif key == "anyOf" and isinstance(value, list):
            options = [v for v in value if not (isinstance(v, dict) and v.get("type") == "null")]
            if len(options) < len(value):
                out["nullable"] = True
            if len(options) == 1:
                out.update({k: v for k, v in gemini_schema(options[0], defs).items() if k not in out})
            else:
                out[key] = [gemini_schema(v, defs) for v in options]
        elif key == "enum":
            out[key] = [str(v) for v in value]
        elif key == "default":
            continue
        else:
            out[key] = value
    if "enum" in out and "type" not in out:
        out["type"] = "string"
    return out


GOOGLE_SEARCH_TOOL = "prebuilt_google_search"


def has_prebuilt_google_search(tools: list[Any] | None) -> bool:
    """Whether ``tools`` asks for Gemini's built-in Google Search (a function named
    ``prebuilt_google_search``), which must then be the only tool."""
    tools = list(tools or ())
    found = any(_spec(t).get("name") == GOOGLE_SEARCH_TOOL for t in tools)
    if found and len(tools) > 1:
        raise ValueError(
            "Google Search tool can be used only by itself. Please remove other tools from the tools list."
        )
    return found


def _spec(tool: Any) -> dict[str, Any]:
    return (tool.get("function") or tool) if isinstance(tool, dict) else {}


def function_declaration(spec: dict[str, Any]) -> dict[str, Any]:
    """One OpenAI function spec as a Gemini function declaration (parameters only when there are any)."""
    declaration: dict[str, Any] = {"name": spec["name"]}
    if spec.get("description"):
        declaration["description"] = spec["description"]
    params = spec.get("parameters")
    if params and (params.get("properties") or params.get("type") != "object"):
        declaration["parameters"] = gemini_schema(params)
    return declaration


def convert_tools(tools: list[Any] | None, functions: list[Any] | None = None) -> list[dict[str, Any]]:
    """OpenAI ``tools`` (and legacy ``functions``) as Gemini tools: one tool of function declarations,
    or the built-in Google Search for ``prebuilt_google_search``."""
    if has_prebuilt_google_search(tools):
        return [{"google_search": {}}]
    specs = [
        t.get("function", t) for t in tools or () if isinstance(t, dict) and t.get("type", "function") == "function"
    ]
    specs += [f for f in functions or () if isinstance(f, dict)]
    declarations = [function_declaration(spec) for spec in specs]
    return [{"function_declarations": declarations}] if declarations else []


def resolve_refs(schema: Any, defs: Mapping[str, Any] | None = None, depth: int = 0) -> Any:
    """``schema`` with every ``$ref`` to its ``$defs`` / ``definitions`` written out (those removed)."""
    if isinstance(schema, list):
        return [resolve_refs(item, defs, depth) for item in schema]
    if not isinstance(schema, dict):
        return schema
    defs = {**(defs or {}), **schema.get("$defs", {}), **schema.get("definitions", {})}
    ref = schema.get("$ref")
    if isinstance(ref, str) and depth < 32:
        target = defs.get(ref.rsplit("/", 1)[-1])
        if target is not None:
            merged = {**copy.deepcopy(target), **{k: v for k, v in schema.items() if k != "$ref"}}
            return resolve_refs(merged, defs, depth + 1)
    return {k: resolve_refs(v, defs, depth) for k, v in schema.items() if k not in ("$defs", "definitions")}


def safety_settings_list(settings: Any) -> list[Any] | None:
    """Safety settings as the API's list: a ``{category: threshold}`` mapping or one setting dict is
    turned into a list; a list is kept."""
    if not settings:
        return None
    if isinstance(settings, Mapping):
        if "category" in settings:
            return [dict(settings)]
        return [{"category": _enum_value(k), "threshold": _enum_value(v)} for k, v in settings.items()]
    return list(settings)


def _enum_value(value: Any) -> Any:
    return getattr(value, "name", value) if not isinstance(value, str) else value


def _tool_config(choice: Any) -> dict[str, Any] | None:
    if choice is None:
        return None
    if isinstance(choice, str):
        mode = {"auto": "AUTO", "required": "ANY", "none": "NONE", "any": "ANY"}.get(choice)
        return {"function_calling_config": {"mode": mode}} if mode else None
    if isinstance(choice, dict):
        name = (choice.get("function") or {}).get("name") or choice.get("name")
        if name:
            return {"function_calling_config": {"mode": "ANY", "allowed_function_names": [name]}}
    return None


# ---- the request --------------------------------------------------------------------------------

_GENERATION_KEYS = {"temperature": "temperature", "top_p": "top_p", "top_k": "top_k", "seed": "seed",
                    "max_tokens": "max_output_tokens", "max_output_tokens": "max_output_tokens",
                    "max_completion_tokens": "max_output_tokens", "stop_sequences": "stop_sequences",
                    "presence_penalty": "presence_penalty", "frequency_penalty": "frequency_penalty"}  # fmt: skip


def response_schema_of(response_format: Any) -> dict[str, Any]:
    """The JSON schema of a ``response_format`` (pydantic model class, schema dict, or OpenAI's
    ``{"type": "json_schema", "json_schema": {"schema": ...}}``), references written out."""
    schema = response_format if isinstance(response_format, dict) else response_format.model_json_schema()
    if schema.get("type") == "json_schema" and isinstance(schema.get("json_schema"), dict):
        schema = schema["json_schema"].get("schema", {})
    return resolve_refs(schema)


def build_generate_request(
    params: dict[str, Any],
    *,
    vertexai: bool = False,
    names: dict[str, str] | None = None,
    signatures: Mapping[str, bytes] | None = None,
) -> tuple[str, list[dict[str, Any]], dict[str, Any]]:
    """``(model, contents, config)`` for ``models.generate_content`` from OpenAI-style ``params``.

    A ``response_format`` goes out as ``response_json_schema`` (full JSON schema) on the Gemini API
    and as ``response_schema`` (Gemini's OpenAPI subset) on Vertex AI, as ag2 sends it."""
    model = params.get("model")
    if not model:
        raise ValueError("Please provide a `model` in the config_list to use the Gemini API.")
    system, contents = to_gemini_contents(params.get("messages") or [], names=names, signatures=signatures)
    config: dict[str, Any] = {}
    if system:
        config["system_instruction"] = system
    for key, target in _GENERATION_KEYS.items():
        if params.get(key) is not None:
            config[target] = params[key]
    stop = params.get("stop")
    if stop and "stop_sequences" not in config:
        config["stop_sequences"] = [stop] if isinstance(stop, str) else list(stop)
    tools = convert_tools(params.get("tools"), params.get("functions"))
    if tools:
        config["tools"] = tools
        tool_config = params.get("tool_config") or _tool_config(params.get("tool_choice"))
        if tool_config:
            config["tool_config"] = tool_config
    safety = safety_settings_list(params.get("safety_settings"))
    if safety:
        config["safety_settings"] = safety
    thinking = {
        k: params[k] for k in ("include_thoughts", "thinking_budget", "thinking_level") if params.get(k) is not None
    }
    if thinking:
        config["thinking_config"] = thinking
    fmt = params.get("response_format")
    if fmt is not None:
        schema = response_schema_of(fmt)
        config["response_mime_type"] = "application/json"
        if vertexai:
            config["response_schema"] = gemini_schema(schema)
        else:
            config["response_json_schema"] = schema
    return model, contents, config


# ---- the response -------------------------------------------------------------------------------
# These read SDK objects and their dict forms (snake_case or the wire's camelCase) alike, and take a
# value only when it has the expected type, so partial or stand-in objects read as "absent".


def _get(obj: Any, *names: str) -> Any:
    # an object has the snake_case attribute (the first name); a dict may use either spelling
    if not isinstance(obj, dict):
        return getattr(obj, names[0], None)
    for name in names:
        value = obj.get(name)
        if value is not None:
            return value
    return None


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def usage_counts(response: Any) -> tuple[int, int]:
    """(prompt tokens, completion tokens incl. thinking) of a response."""
    usage = _get(response, "usage_metadata", "usageMetadata")
    if usage is None:
        return 0, 0
    prompt = _int(_get(usage, "prompt_token_count", "promptTokenCount"))
    output = _int(_get(usage, "candidates_token_count", "candidatesTokenCount"))
    return prompt, output + _int(_get(usage, "thoughts_token_count", "thoughtsTokenCount"))


def candidate_parts(response: Any) -> tuple[list[Any], str | None]:
    """``(parts, finish reason)`` of a response's first candidate; the reason in OpenAI's words, None
    while a stream goes on. A recitation stop drops the (copied) text."""
    candidates = _get(response, "candidates")
    if not isinstance(candidates, (list, tuple)) or not candidates:
        return [], None
    candidate = candidates[0]
    finish = _get(candidate, "finish_reason", "finishReason")
    finish = finish.value if isinstance(finish, enum.Enum) else finish
    reason = _FINISH.get(finish, "stop") if isinstance(finish, str) else None
    if finish == "RECITATION":
        return [], reason
    content = _get(candidate, "content")
    parts = _get(content, "parts") if content is not None else None
    return (list(parts) if isinstance(parts, (list, tuple)) else []), reason


def part_text(part: Any) -> str:
    """The answer text of a part ("" for thoughts, calls and other data)."""
    if _get(part, "thought") is True:
        return ""
    text = _get(part, "text")
    return text if isinstance(text, str) else ""


def part_signature(part: Any) -> bytes | None:
    """A part's thought signature; Vertex parts may only show it in ``to_dict()``."""
    signature = _signature(_get(part, "thought_signature", "thoughtSignature"))
    if signature is None and not isinstance(part, dict) and callable(getattr(part, "to_dict", None)):
        raw = part.to_dict()
        if isinstance(raw, dict):
            signature = _signature(raw.get("thought_signature") or raw.get("thoughtSignature"))
    return signature


def part_tool_call(part: Any) -> dict[str, Any] | None:
    """An OpenAI tool call dict for a function-call part (None for other parts). The thought signature,
    if any, rides along base64-encoded as ``thought_signature`` so another agent can replay it."""
    call = _get(part, "function_call", "functionCall")
    if not call:
        return None
    args = _get(call, "args")
    if isinstance(args, Mapping):
        args = dict(args)
    elif args is not None and callable(getattr(args, "items", None)):
        args = dict(args.items())
    else:
        args = {}
    call_id = _get(call, "id")
    name = _get(call, "name")
    out: dict[str, Any] = {
        "id": call_id if isinstance(call_id, str) and call_id else f"call_{uuid.uuid4().hex[:24]}",
        "type": "function",
        "function": {"name": name if isinstance(name, str) else "", "arguments": json.dumps(args)},
    }
    signature = part_signature(part)
    if signature:
        out["thought_signature"] = base64.b64encode(signature).decode("ascii")
    return out


def completion_dict(
    text: str, tool_calls: list[dict[str, Any]], finish: str | None, prompt: int, output: int, model: str,
    response_id: Any = None,
) -> dict[str, Any]:  # fmt: skip
    """The ChatCompletion dict of one Gemini answer (content is "" rather than None, as ag2 gives it)."""
    return {
        "id": response_id if isinstance(response_id, str) and response_id else f"gemini-{uuid.uuid4().hex}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "finish_reason": "tool_calls" if tool_calls else (finish or "stop"),
                "message": {"role": "assistant", "content": text, "tool_calls": tool_calls or None},
            }
        ],
        "usage": {"prompt_tokens": prompt, "completion_tokens": output, "total_tokens": prompt + output},
    }


def response_to_completion_dict(response: Any, model: str) -> dict[str, Any]:
    """A ChatCompletion dict for a ``GenerateContentResponse`` (an SDK object or its dict form)."""
    parts, finish = candidate_parts(response)
    calls = [call for call in map(part_tool_call, parts) if call is not None]
    text = "".join(part_text(p) for p in parts if not _get(p, "function_call", "functionCall"))
    prompt, output = usage_counts(response)
    return completion_dict(text, calls, finish, prompt, output, model, _get(response, "response_id", "responseId"))
