"""OpenAI-style chat histories, tidied for providers whose APIs take the same message shapes but
check them strictly (Mistral, Cohere, ...).

:func:`paired_history` returns a new list (the caller's messages are never changed) in which

- every message has one of the roles ``system``, ``user``, ``assistant``, ``tool`` (``developer`` is
  ``system``; a message without a role is ``user``; legacy ``function_call`` / ``function`` messages are
  tool calls and tool results);
- an ag2 ``tool_responses`` message is one ``tool`` message per response;
- every assistant message with ``tool_calls`` is followed directly by exactly one ``tool`` message per
  call, in call order, each carrying the function ``name``; a call never answered is dropped from the
  calls and told as text in the assistant's content; a result without its call becomes a user message;
- a tool call id used again in a later turn is renamed (``<id>#2``) in that turn, call and result alike,
  so ids are unique in the request.

Provider converters then apply their own rules (id formats, role order, content shapes) on top.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

__all__ = ["all_text", "arguments_dict", "arguments_json", "content_text", "paired_history"]


def content_text(content: Any) -> str:
    """The text of a message content: a str, or the text parts of a list of parts (joined by newlines)."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        texts = []
        for part in content:
            if isinstance(part, Mapping):
                if part.get("type", "text") == "text" and part.get("text") is not None:
                    texts.append(str(part["text"]))
            elif isinstance(part, str):
                texts.append(part)
        return "\n".join(t for t in texts if t)
    return str(content)


def all_text(content: Any) -> str:
    """Every text part of a message content joined by newlines, empty ones and plain (non-dict) parts kept."""
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


def arguments_dict(raw: Any) -> dict[str, Any]:
    """Tool call arguments as the object a provider's request carries: a mapping as is, empty -> ``{}``;
    malformed JSON or a JSON value that is not an object is wrapped (``{"raw_arguments": ...}`` /
    ``{"value": ...}``) so nothing the model sent is lost."""
    if isinstance(raw, dict):
        return raw
    if not raw:
        return {}
    try:
        value = json.loads(raw)
    except ValueError:
        return {"raw_arguments": raw}
    return value if isinstance(value, dict) else {"value": value}


def arguments_json(raw: Any) -> str:
    """Tool call arguments as a JSON object string: empty -> ``{}``; not a JSON object -> wrapped
    (``{"raw_arguments": ...}`` / ``{"value": ...}``) so the provider accepts it and nothing is lost."""
    if isinstance(raw, Mapping):
        return json.dumps(dict(raw))
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return "{}"
    try:
        value = json.loads(raw)
    except (TypeError, ValueError):
        return json.dumps({"raw_arguments": str(raw)})
    return raw if isinstance(value, dict) else json.dumps({"value": value})


def _call_text(call: dict[str, Any]) -> str:
    fn = call["function"]
    return f"(called tool {fn['name']} with {fn['arguments']})"


def _result_text(message: Mapping[str, Any]) -> str:
    return f"(tool result: {content_text(message.get('content'))})"


def _flatten(messages: list[Any]) -> list[dict[str, Any]]:
    """One plain dict per message, roles normalized, legacy function calls as tool calls."""
    out: list[dict[str, Any]] = []
    legacy: dict[str, list[str]] = {}  # function name -> ids of legacy calls waiting for their result
    for index, raw in enumerate(messages):
        message = dict(raw) if isinstance(raw, Mapping) else {"role": "user", "content": str(raw)}
        role = message.get("role") or "user"
        if role == "developer":
            role = "system"
        if message.get("tool_responses") and role in ("tool", "user", "function"):
            for response in message["tool_responses"]:
                out.append(
                    {
                        "role": "tool",
                        "tool_call_id": str(response.get("tool_call_id")),
                        "content": response.get("content"),
                    }
                )
            continue
        if role == "tool":
            out.append(
                {"role": "tool", "tool_call_id": str(message.get("tool_call_id")), "content": message.get("content")}
            )
        elif role == "function":
            waiting = legacy.get(str(message.get("name")), [])
            call_id = waiting.pop(0) if waiting else f"function-result-{index}"
            out.append({"role": "tool", "tool_call_id": call_id, "content": message.get("content")})
        elif role == "assistant":
            calls = []
            for call in message.get("tool_calls") or []:
                if not isinstance(call, Mapping):
                    continue
                fn = call.get("function") or {}
                calls.append(
                    {
                        "id": str(call.get("id") or f"call-{index}-{len(calls)}"),
                        "type": "function",
                        "function": {
                            "name": str(fn.get("name") or ""),
                            "arguments": arguments_json(fn.get("arguments")),
                        },
                    }
                )
            fc = message.get("function_call")
            if isinstance(fc, Mapping) and fc.get("name"):
                call_id = f"function-call-{index}"
                legacy.setdefault(str(fc["name"]), []).append(call_id)
                calls.append(
                    {
                        "id": call_id,
                        "type": "function",
                        "function": {"name": str(fc["name"]), "arguments": arguments_json(fc.get("arguments"))},
                    }
                )
            entry: dict[str, Any] = {"role": "assistant", "content": message.get("content")}
            if calls:
                entry["tool_calls"] = calls
            if message.get("name"):
                entry["name"] = str(message["name"])
            out.append(entry)
        else:
            entry = {"role": role if role == "system" else "user", "content": message.get("content")}
            if message.get("name"):
                entry["name"] = str(message["name"])
            out.append(entry)
    return out


def paired_history(messages: list[Any]) -> list[dict[str, Any]]:
    """``messages`` with every tool call answered right after it and no result without its call
    (see the module docstring)."""
    flat = _flatten(messages)
    out: list[dict[str, Any]] = []
    seen_ids: dict[str, int] = {}
    i = 0
    while i < len(flat):
        message = flat[i]
        i += 1
        if message["role"] == "tool":
            out.append({"role": "user", "content": _result_text(message)})  # a result without its call
            continue
        calls = message.get("tool_calls")
        if message["role"] != "assistant" or not calls:
            out.append(message)
            continue
        results: list[dict[str, Any]] = []
        while i < len(flat) and flat[i]["role"] == "tool":
            results.append(flat[i])
            i += 1
        by_id: dict[str, dict[str, Any]] = {}
        orphans = []
        wanted = {c["id"] for c in calls}
        for result in results:
            if result["tool_call_id"] in wanted and result["tool_call_id"] not in by_id:
                by_id[result["tool_call_id"]] = result
            else:
                orphans.append(result)
        kept, told = [], []
        for call in calls:
            if call["id"] in by_id and call["id"] not in {k["id"] for k in kept}:
                kept.append(call)
            else:
                told.append(_call_text(call))
        assistant = {k: v for k, v in message.items() if k != "tool_calls"}
        if told:
            text = content_text(message.get("content"))
            assistant["content"] = "\n".join([text, *told]) if text.strip() else "\n".join(told)
        renamed = []
        for call in kept:
            n = seen_ids.get(call["id"], 0) + 1
            seen_ids[call["id"]] = n
            new_id = call["id"] if n == 1 else f"{call['id']}#{n}"
            renamed.append((call, {**call, "id": new_id}))
        if renamed:
            assistant["tool_calls"] = [new for _, new in renamed]
        out.append(assistant)
        for call, new in renamed:
            result = by_id[call["id"]]
            out.append(
                {
                    "role": "tool",
                    "tool_call_id": new["id"],
                    "name": call["function"]["name"],
                    "content": content_text(result.get("content")),
                }
            )
        out.extend({"role": "user", "content": _result_text(r)} for r in orphans)
    return out
