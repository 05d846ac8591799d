"""OpenAI-style chat requests as Ollama ``/api/chat`` requests, and Ollama replies back as OpenAI-shaped
ChatCompletion dicts. Pure data transforms: no SDK import, no I/O.

How a chat history is brought to Ollama (as ag2 does it):

- ``name`` is dropped (Ollama messages have none); a trailing ``system`` message (e.g. the
  reflection-summary prompt) becomes ``user``, which local models follow better;
- tool calls and tool results are flattened to text: the assistant turn that made the calls is left
  out and each result becomes a ``user`` message "The following function was run: ..." naming its call
  when the call is in the history (a result without its call is kept as well). Legacy ``function``
  messages are treated the same way;
- the request ends with a ``user`` (or ``system``) message: "Please continue." is added otherwise;
- text parts of a multimodal message are joined; ``data:`` image URLs go to ``images`` (base64), other
  image addresses are mentioned in the text (Ollama takes no image URLs);
- manual tool calling (``native_tool_calls=False``): the functions and a two-step protocol are put into
  the system message (answer with a JSON list of calls, then summarise the results), the current step
  is appended to the last user message, and the JSON in the model's answer is read back as tool calls
  by :func:`response_to_tool_call`.
"""

from __future__ import annotations

import ast
import base64
import json
import re
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = [
    "CONTINUE_TEXT",
    "FUNCTION_RUN_PREFIX",
    "TOOL_CALL_MANUAL_INSTRUCTION",
    "TOOL_CALL_MANUAL_STEP1",
    "TOOL_CALL_MANUAL_STEP2",
    "build_options",
    "completion_dict",
    "is_valid_tool_call_item",
    "ollama_format",
    "response_to_tool_call",
    "to_ollama_messages",
]

CONTINUE_TEXT = "Please continue."
FUNCTION_RUN_PREFIX = "The following function was run: "

# The manual tool-calling protocol. "[FUNCTIONS_LIST]" is replaced by the offered functions, one per line.
TOOL_CALL_MANUAL_INSTRUCTION = (
    "\n\nYou can call functions. Work in two steps, one step per turn, and tell from the conversation "
    "which step you are in; never do step 2 before you have been given the function results. "
    "Step 1: choose the function or functions that serve the request and reply with ONLY a JSON list "
    'of calls and no other text, in exactly this form: [{"name": "function_name", "arguments": '
    '{"argument_name": "argument_value"}}, {"name": "other_function", "arguments": {}}]. '
    'Use the keys "name" and "arguments" exactly; write numbers as numbers, not as quoted strings. '
    "Step 2: once the results are given to you, answer with plain TEXT only, summarising them, with no "
    "JSON, Python or Markdown. If a reply of yours is not in the right form, try again. "
    "The functions you can call are:[FUNCTIONS_LIST]"
)
TOOL_CALL_MANUAL_STEP1 = " (now do step 1)"
TOOL_CALL_MANUAL_STEP2 = " (now do step 2)"

# Ollama model options the client validates, with ag2's fallback for an invalid value.
_OPTIONS: tuple[tuple[str, Any, Any], ...] = (
    ("num_predict", int, 128),
    ("num_ctx", int, 2048),
    ("repeat_penalty", (int, float), 1.1),
    ("seed", int, 42),
    ("temperature", (int, float), 0.8),
    ("top_k", int, 40),
    ("top_p", (int, float), 0.9),
)
# OpenAI request fields that have an Ollama option of their own.
_EXTRA_OPTIONS = ("presence_penalty", "frequency_penalty", "min_p")


# ---- request ------------------------------------------------------------------------------------


def ollama_format(response_format: Any) -> Any:
    """The ``format`` of an Ollama request for a ``response_format``: a pydantic model's JSON schema, a
    JSON-schema dict as is (OpenAI's ``json_schema`` / ``json_object`` wrappers unwrapped), else None."""
    if response_format is None:
        return None
    schema = getattr(response_format, "model_json_schema", None)
    if isinstance(response_format, type) and callable(schema):
        return schema()
    if isinstance(response_format, Mapping):
        kind = response_format.get("type")
        if kind == "json_schema" and isinstance(response_format.get("json_schema"), Mapping):
            return dict(response_format["json_schema"].get("schema") or {})
        if kind == "json_object":
            return "json"
        if kind == "text":
            return None
        return dict(response_format)
    return response_format


def build_options(params: Mapping[str, Any]) -> dict[str, Any]:
    """The Ollama ``options`` for ``params``: only what was given, an invalid value replaced by ag2's default
    (with a warning). ``max_tokens`` stands in for ``num_predict``; ``stop`` becomes a list."""
    from .client_utils import validate_parameter

    options: dict[str, Any] = {}
    for name, types, fallback in _OPTIONS:
        if name in params:
            options[name] = validate_parameter(params, name, types, False, fallback, None, None)
    if "num_predict" not in options and isinstance(params.get("max_tokens"), int) and params["max_tokens"] > 0:
        options["num_predict"] = params["max_tokens"]
    for name in _EXTRA_OPTIONS:
        value = params.get(name)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            options[name] = value
    stop = params.get("stop")
    if stop:
        options["stop"] = [stop] if isinstance(stop, str) else [str(s) for s in stop]
    return options


def _image_data(url: str) -> str | None:
    """Base64 data of a ``data:`` image URL (None for any other address)."""
    if not url.startswith("data:"):
        return None
    head, _, data = url.partition(",")
    if ";base64" in head:
        return data
    from urllib.parse import unquote_to_bytes

    return base64.b64encode(unquote_to_bytes(data)).decode()


def _text_and_images(content: Any) -> tuple[str, list[str]]:
    if content is None:
        return "", []
    if isinstance(content, str):
        return content, []
    if not isinstance(content, list):
        return str(content), []
    texts: list[str] = []
    images: list[str] = []
    for part in content:
        if not isinstance(part, Mapping):
            texts.append(str(part))
        elif part.get("type") == "image_url":
            image = part.get("image_url")
            url = str(image.get("url", "") if isinstance(image, Mapping) else image or "")
            data = _image_data(url)
            if data is not None:
                images.append(data)
            elif url:
                texts.append(f"(image: {url})")
        elif part.get("type", "text") == "text":
            texts.append(str(part.get("text") or ""))
        else:
            texts.append(json.dumps(part, default=str))
    return "\n".join(t for t in texts if t), images


def _call_text(call: Mapping[str, Any]) -> str:
    function = call.get("function") or {}
    arguments = function.get("arguments")
    if not isinstance(arguments, str):
        arguments = json.dumps(arguments if arguments is not None else {})
    return f"{function.get('name', '')} with arguments {arguments}"


def _functions_list(tools: Sequence[Any]) -> str:
    lines = []
    for tool in tools:
        spec = tool.get("function", tool) if isinstance(tool, Mapping) else tool
        lines.append(json.dumps(spec, default=str))
    return "".join(f"\n{line}\n" for line in lines)


def to_ollama_messages(
    messages: Sequence[Mapping[str, Any]],
    *,
    manual_tools: Sequence[Any] | None = None,
    instruction: str = TOOL_CALL_MANUAL_INSTRUCTION,
    step1: str = TOOL_CALL_MANUAL_STEP1,
    step2: str = TOOL_CALL_MANUAL_STEP2,
) -> list[dict[str, Any]]:
    """The Ollama messages for an OpenAI-style history (see the module docstring for the rules).

    ``manual_tools``: the tools of a manual tool-calling request (None: no manual tool calling); then
    ``instruction`` (with its ``[FUNCTIONS_LIST]`` placeholder) extends the first system message and
    ``step1`` / ``step2`` is appended to the last user message.
    """
    history = [dict(m) for m in messages if isinstance(m, Mapping)]
    if len(history) > 1 and history[-1].get("role") == "system":
        history[-1]["role"] = "user"

    calls = [m for m in history if m.get("tool_calls") or m.get("function_call")]
    results = [i for i, m in enumerate(history) if _is_result(m)]

    calls_by_id: dict[Any, str] = {}
    for message in calls:
        for call in message.get("tool_calls") or []:
            if isinstance(call, Mapping):
                calls_by_id[call.get("id")] = _call_text(call)

    out: list[dict[str, Any]] = []
    for message in history:
        if message.get("tool_calls") or message.get("function_call"):
            continue  # the model sees the results, which name their calls
        if _is_result(message):
            out.append({"role": "user", "content": _result_text(message, calls_by_id)})
            continue
        text, images = _text_and_images(message.get("content"))
        converted: dict[str, Any] = {"role": str(message.get("role") or "user"), "content": text}
        if images:
            converted["images"] = images
        out.append(converted)

    if manual_tools is not None:
        if not out or out[0]["role"] != "system":
            out.insert(0, {"role": "system", "content": ""})
        listed = instruction.replace("[FUNCTIONS_LIST]", _functions_list(manual_tools))
        out[0]["content"] = (out[0]["content"] + listed).strip()
        if not calls or (results and results[-1] == len(history) - 1):
            step = step2 if results else step1
            if step:
                if out[-1]["role"] == "user":
                    out[-1]["content"] += step
                else:
                    out.append({"role": "user", "content": step})

    if not out or out[-1]["role"] not in ("user", "system"):
        out.append({"role": "user", "content": CONTINUE_TEXT})
    return out


def _is_result(message: Mapping[str, Any]) -> bool:
    return "tool_call_id" in message or message.get("role") in ("tool", "function")


def _result_text(message: Mapping[str, Any], calls_by_id: Mapping[Any, str]) -> str:
    result, _ = _text_and_images(message.get("content"))
    call = calls_by_id.get(message.get("tool_call_id"))
    if call is None and message.get("role") == "function":
        call = str(message.get("name") or "")
    head = f"{call} (call id {message.get('tool_call_id')})" if call else f"call id {message.get('tool_call_id')}"
    if message.get("tool_call_id") is None:
        head = call or "a function"
    return f"{FUNCTION_RUN_PREFIX}{head}. Result: {result}"


# ---- manual tool calls in the answer ------------------------------------------------------------


def is_valid_tool_call_item(call_item: Any) -> bool:
    """Whether ``call_item`` reads as one manual tool call: a dict with a str ``name``, optionally
    ``arguments``, and nothing else."""
    return (
        isinstance(call_item, dict)
        and isinstance(call_item.get("name"), str)
        and not set(call_item) - {"name", "arguments"}
    )


def _as_tool_calls(value: Any) -> list[dict[str, Any]] | None:
    if isinstance(value, dict):
        value = [value]
    if not isinstance(value, list) or not value:
        return None
    items: list[Any] = []
    for item in value:
        if isinstance(item, str):  # a list of dicts written as strings
            try:
                item = ast.literal_eval(item)
            except (ValueError, SyntaxError):
                return None
        if not is_valid_tool_call_item(item):
            return None
        items.append(item)
    return items


def _decode_candidates(text: str) -> list[Any]:
    """Every JSON value that starts at a ``[`` or ``{`` of ``text``, in order (nested ones included)."""
    decoder = json.JSONDecoder()
    found: list[Any] = []
    for match in re.finditer(r"[\[{]", text):
        try:
            value, _ = decoder.raw_decode(text, match.start())
        except ValueError:
            continue
        found.append(value)
    return found


def _repair(snippet: str) -> Any:
    """A best-effort reading of almost-JSON (Python literals, single quotes, escaped underscores)."""
    cleaned = snippet.replace("\\_", "_")
    try:
        return json.loads(cleaned)
    except ValueError:
        pass
    try:
        return ast.literal_eval(re.sub(r"\btrue\b|\bfalse\b|\bnull\b", _py_literal, cleaned))
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        pass
    try:
        from fix_busted_json import repair_json  # optional, in the "ollama" extra as in ag2
    except ImportError:
        return None
    try:
        return json.loads(repair_json("{'wrapped': " + cleaned + "}"))["wrapped"]
    except Exception:  # noqa: BLE001 - any failure means "not a tool call"
        return None


def _py_literal(match: re.Match[str]) -> str:
    return {"true": "True", "false": "False", "null": "None"}[match.group(0)]


def response_to_tool_call(response_string: str) -> list[dict[str, Any]] | None:
    """The manual tool calls in a model's answer, ``[{"name": ..., "arguments": {...}}, ...]``, or None.

    The calls may be surrounded by other text; a single call may be given without the list brackets;
    slightly broken JSON is repaired where possible.
    """
    text = (response_string or "").strip()
    if not text or ("[" not in text and "{" not in text):
        return None
    for value in _decode_candidates(text):
        calls = _as_tool_calls(value)
        if calls is not None:
            return calls
    for pattern in (r"\[[\s\S]*?\]", r"\{[\s\S]*\}"):
        for snippet in re.findall(pattern, text):
            calls = _as_tool_calls(_repair(snippet.strip()))
            if calls is not None:
                return calls
    return None


def _arguments_json(arguments: Any) -> str:
    if arguments is None:
        return "{}"
    if isinstance(arguments, str):
        try:
            json.loads(arguments)
        except ValueError:
            return json.dumps({"raw_arguments": arguments})
        return arguments
    return json.dumps(arguments)


# ---- response -----------------------------------------------------------------------------------


def completion_dict(
    *,
    model: str,
    content: str | None,
    calls: Sequence[Mapping[str, Any]],
    prompt_tokens: int,
    completion_tokens: int,
    done_reason: str | None,
    response_id: str | None,
    id_prefix: str = "ollama_func_",
) -> dict[str, Any]:
    """A ChatCompletion dict for an Ollama answer: its text, its tool calls (``{"name", "arguments"}``
    each; unique ids are made up, as Ollama's SDK gives none) and token counts."""
    tool_calls = [
        {
            "id": f"{id_prefix}{uuid.uuid4().hex[:12]}",
            "type": "function",
            "function": {"name": str(call.get("name") or ""), "arguments": _arguments_json(call.get("arguments"))},
        }
        for call in calls
    ]
    if tool_calls:
        finish = "tool_calls"
    else:
        finish = "length" if done_reason == "length" else "stop"
    return {
        "id": response_id or f"ollama-{uuid.uuid4().hex}",
        "object": "chat.completion",
        "created": 0,
        "model": model,
        "choices": [
            {
                "index": 0,
                "finish_reason": finish,
                "message": {"role": "assistant", "content": content, "tool_calls": tool_calls or None},
            }
        ],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
    }
