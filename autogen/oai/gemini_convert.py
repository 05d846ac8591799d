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
import json
import mimetypes
import uuid
from typing import Any

__all__ = [
    "build_generate_request",
    "convert_tools",
    "gemini_schema",
    "response_to_completion_dict",
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


def _text_of(content: Any) -> str:
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "\n".join(
            str(p.get("text", "")) if isinstance(p, dict) else str(p)
            for p in content
            if not isinstance(p, dict) or p.get("type", "text") == "text"
        )
    return str(content)


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
                text = _text_of([item])
                if text.strip():
                    parts.append({"text": text})
        return parts
    text = _text_of(content)
    return [{"text": text}] if text.strip() else []


def _json_or_text(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def _arguments(raw: Any) -> dict[str, Any]:
    if isinstance(raw, dict):
        return raw
    if not raw:
        return {}
    try:
        value = json.loads(raw)
    except ValueError:
        return {"raw_arguments": raw}
    return value if isinstance(value, dict) else {"value": value}


def _call_text(call: dict[str, Any]) -> str:
    return f"(called tool {call['name']} with {json.dumps(call.get('args', {}))})"


def _response_text(response: dict[str, Any]) -> str:
    result = response.get("response", {}).get("result")
    return f"(result of tool {response['name']}: {result if isinstance(result, str) else json.dumps(result)})"


def to_gemini_contents(messages: list[dict[str, Any]]) -> tuple[str | None, list[dict[str, Any]]]:
    """``(system_instruction, contents)`` for an OpenAI-style message list."""
    system: list[str] = []
    turns: list[dict[str, Any]] = []
    names: dict[str, str] = {}  # tool_call_id -> function name

    def add(role: str, parts: list[dict[str, Any]]) -> None:
        if parts:
            turns.append({"role": role, "parts": parts})

    for message in messages:
        role = message.get("role", "user")
        if role == "system" or role == "developer":
            text = _text_of(message.get("content"))
            if text.strip():
                system.append(text)
        elif role == "assistant":
            parts = _content_parts(message.get("content"))
            for call in message.get("tool_calls") or []:
                fn = call.get("function") or {}
                names[str(call.get("id"))] = fn.get("name", "")
                parts.append({"function_call": {"name": fn.get("name", ""), "args": _arguments(fn.get("arguments"))}})
            legacy = message.get("function_call")
            if legacy:
                parts.append(
                    {"function_call": {"name": legacy.get("name", ""), "args": _arguments(legacy.get("arguments"))}}
                )
            add("model", parts)
        elif role == "tool":
            name = names.get(str(message.get("tool_call_id")))
            result = {"result": _json_or_text(_text_of(message.get("content")))}
            if name:
                add("user", [{"function_response": {"name": name, "response": result}}])
            else:  # a result without its call: text
                add("user", [{"text": f"(tool result: {_text_of(message.get('content'))})"}])
        elif role == "function":
            result = {"result": _json_or_text(_text_of(message.get("content")))}
            add("user", [{"function_response": {"name": message.get("name", ""), "response": result}}])
        else:
            add("user", _content_parts(message.get("content")))

    turns = _merge(_pair_calls(_merge(turns)))
    if not turns or turns[0]["role"] != "user":
        turns.insert(0, {"role": "user", "parts": [{"text": "start chat"}]})
    if turns[-1]["role"] != "user":
        turns.append({"role": "user", "parts": [{"text": "continue"}]})
    return ("\n\n".join(system) or None), turns


def _merge(turns: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Consecutive same-role turns as one (function responses first in a user turn)."""
    out: list[dict[str, Any]] = []
    for turn in turns:
        if out and out[-1]["role"] == turn["role"]:
            out[-1] = {"role": turn["role"], "parts": out[-1]["parts"] + turn["parts"]}
        else:
            out.append({"role": turn["role"], "parts": list(turn["parts"])})
    for turn in out:
        if turn["role"] == "user":
            turn["parts"].sort(key=lambda p: "function_response" not in p)
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


def convert_tools(tools: list[Any] | None, functions: list[Any] | None = None) -> list[dict[str, Any]]:
    """OpenAI ``tools`` (and legacy ``functions``) as one Gemini tool of function declarations."""
    specs = [
        t.get("function", t) for t in tools or () if isinstance(t, dict) and t.get("type", "function") == "function"
    ]
    specs += [f for f in functions or () if isinstance(f, dict)]
    declarations = []
    for spec in specs:
        declaration: dict[str, Any] = {"name": spec["name"]}
        if spec.get("description"):
            declaration["description"] = spec["description"]
        params = spec.get("parameters")
        if params and (params.get("properties") or params.get("type") != "object"):
            declaration["parameters"] = gemini_schema(params)
        declarations.append(declaration)
    return [{"function_declarations": declarations}] if declarations else []


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


def build_generate_request(params: dict[str, Any]) -> tuple[str, list[dict[str, Any]], dict[str, Any]]:
    """``(model, contents, config)`` for ``models.generate_content`` from OpenAI-style ``params``."""
    model = params.get("model")
    if not model:
        raise ValueError("Please provide a `model` in the config_list to use the Gemini API.")
    system, contents = to_gemini_contents(params.get("messages") or [])
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
    if params.get("safety_settings"):
        settings = params["safety_settings"]
        config["safety_settings"] = [settings] if isinstance(settings, dict) else settings
    thinking = {k: params[k] for k in ("include_thoughts", "thinking_budget") if params.get(k) is not None}
    if thinking:
        config["thinking_config"] = thinking
    fmt = params.get("response_format")
    if fmt is not None:
        schema = fmt if isinstance(fmt, dict) else fmt.model_json_schema()
        if isinstance(schema, dict) and schema.get("type") == "json_schema":  # OpenAI's wrapper form
            schema = (schema.get("json_schema") or {}).get("schema", {})
        config["response_mime_type"] = "application/json"
        config["response_schema"] = gemini_schema(schema)
    return model, contents, config


# ---- the response -------------------------------------------------------------------------------


def _get(obj: Any, *names: str) -> Any:
    for name in names:
        value = obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)
        if value is not None:
            return value
    return None


def usage_counts(response: Any) -> tuple[int, int]:
    """(prompt tokens, completion tokens incl. thinking) of a response."""
    usage = _get(response, "usage_metadata", "usageMetadata")
    if usage is None:
        return 0, 0
    prompt = _get(usage, "prompt_token_count", "promptTokenCount") or 0
    output = (_get(usage, "candidates_token_count", "candidatesTokenCount") or 0) + (
        _get(usage, "thoughts_token_count", "thoughtsTokenCount") or 0
    )
    return int(prompt), int(output)


def response_to_completion_dict(response: Any, model: str) -> dict[str, Any]:
    """A ChatCompletion dict for a ``GenerateContentResponse`` (an SDK object or its dict form)."""
    text: list[str] = []
    tool_calls: list[dict[str, Any]] = []
    candidates = _get(response, "candidates") or []
    finish = None
    if candidates:
        candidate = candidates[0]
        finish = _get(candidate, "finish_reason", "finishReason")
        finish = getattr(finish, "value", finish)
        content = _get(candidate, "content")
        for part in (_get(content, "parts") if content is not None else None) or []:
            if _get(part, "thought"):
                continue
            call = _get(part, "function_call", "functionCall")
            if call is not None:
                tool_calls.append({
                    "id": _get(call, "id") or f"call_{uuid.uuid4().hex[:24]}",
                    "type": "function",
                    "function": {"name": _get(call, "name") or "", "arguments": json.dumps(_get(call, "args") or {})},
                })  # fmt: skip
                continue
            piece = _get(part, "text")
            if piece:
                text.append(piece)
    if tool_calls:
        reason = "tool_calls"
    else:
        reason = _FINISH.get(str(finish), "stop") if finish else "stop"
    prompt, output = usage_counts(response)
    return {
        "id": _get(response, "response_id", "responseId") or f"gemini-{uuid.uuid4().hex}",
        "object": "chat.completion",
        "created": 0,
        "model": _get(response, "model_version", "modelVersion") or model,
        "choices": [
            {
                "index": 0,
                "finish_reason": reason,
                "message": {"role": "assistant", "content": "".join(text) or None, "tool_calls": tool_calls or None},
            }
        ],
        "usage": {"prompt_tokens": prompt, "completion_tokens": output, "total_tokens": prompt + output},
    }
