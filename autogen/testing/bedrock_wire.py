"""The Amazon Bedrock Runtime wire formats for the fake LLM: the Converse API
(``POST /model/{modelId}/converse``) and Anthropic models behind InvokeModel
(``POST /model/{modelId}/invoke`` and ``/invoke-with-response-stream``), with AWS error responses and
the AWS event-stream binary framing (``application/vnd.amazon.eventstream``).

The Converse checks are rules the real API enforces and a converted chat history can break (written
from the API reference, independently of the client's converter): messages present, roles ``user`` /
``assistant`` alternating from ``user``, no empty content, exactly one member per content block, no
blank text, ``toolUse`` only from the assistant and answered by ``toolResult`` blocks in the very next
message, no result without its call, tool-use ids and tool names of the allowed characters and length,
unique ids, a ``toolConfig`` whenever tool blocks are present, well-formed tools, ``toolChoice`` and
``inferenceConfig``, known image formats. A broken request gets the API's 400 ``ValidationException``
and uses no scripted reply.

Usage is estimated like the OpenAI dialect's (:mod:`autogen.testing.completion`): 4 characters a token;
input = 3 + system + sum over messages of (3 + text of its blocks) + the JSON of the tools.
"""

from __future__ import annotations

import base64
import json
import re
import struct
import uuid
import zlib
from typing import Any

from . import anthropic_wire
from .completion import text_tokens
from .replies import FakeReply

__all__ = [
    "check_converse",
    "check_invoke",
    "converse_body",
    "error_body",
    "error_code",
    "event_message",
    "invoke_stream_events",
    "response_headers",
]

_TOOL_USE_ID = re.compile(r"^[a-zA-Z0-9_.:-]{1,64}$")
_TOOL_NAME = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")
_BLOCK_KINDS = ("text", "image", "document", "video", "audio", "toolUse", "toolResult", "guardContent",
                "cachePoint", "reasoningContent", "citationsContent", "searchResult")  # fmt: skip
_RESULT_KINDS = ("json", "text", "image", "document", "video", "searchResult")
_IMAGE_FORMATS = ("png", "jpeg", "gif", "webp")
_STOP = {"stop": "end_turn", "tool_calls": "tool_use", "function_call": "tool_use", "length": "max_tokens",
         "content_filter": "content_filtered"}  # fmt: skip
_ERROR_CODES = {400: "ValidationException", 401: "UnrecognizedClientException", 403: "AccessDeniedException",
                404: "ResourceNotFoundException", 408: "ModelTimeoutException", 424: "ModelErrorException",
                429: "ThrottlingException", 500: "InternalServerException", 503: "ServiceUnavailableException"}  # fmt: skip


# ---- errors ---------------------------------------------------------------------------------------


def error_code(status: int, code: str | None = None) -> str:
    """The AWS error code of an HTTP status (a given code that looks like one is kept)."""
    if code and code.endswith("Exception"):
        return code
    return _ERROR_CODES.get(status, "InternalServerException" if status >= 500 else "ValidationException")


def error_body(status: int, message: str, *, code: str | None = None, param: str | None = None) -> bytes:
    """An AWS JSON error body: ``{"message": ...}`` (the code also in ``__type``; the header carries it too)."""
    return json.dumps({"__type": error_code(status, code), "message": message}).encode()


def response_headers(status: int, body: bytes) -> dict[str, str]:
    """The AWS headers of a response: a request id, and the error code of an error."""
    headers = {"x-amzn-requestid": str(uuid.uuid4())}
    if status >= 400:
        try:
            code = json.loads(body).get("__type") or error_code(status)
        except (ValueError, AttributeError):
            code = error_code(status)
        headers["x-amzn-errortype"] = f"{code}:http://internal.amazon.com/coral/com.amazon.bedrock/"
    return headers


# ---- the event-stream framing ---------------------------------------------------------------------


def event_message(headers: dict[str, str], payload: bytes) -> bytes:
    """One AWS event-stream message: prelude (total and header lengths, CRC32), string headers, payload,
    and the CRC32 of all that."""
    encoded = b""
    for name, value in headers.items():
        raw_name, raw_value = name.encode(), value.encode()
        encoded += struct.pack(">B", len(raw_name)) + raw_name + b"\x07" + struct.pack(">H", len(raw_value)) + raw_value
    prelude = struct.pack(">II", 12 + len(encoded) + len(payload) + 4, len(encoded))
    message = prelude + struct.pack(">I", zlib.crc32(prelude)) + encoded + payload
    return message + struct.pack(">I", zlib.crc32(message))


def _chunk(event: dict[str, Any]) -> bytes:
    raw = json.dumps(event, separators=(",", ":")).encode()
    payload = json.dumps(
        {"bytes": base64.b64encode(raw).decode(), "p": "abcdefghijklmnopqrstuvwxyzABCDEF"[: len(raw) % 32]}
    )
    headers = {":event-type": "chunk", ":content-type": "application/json", ":message-type": "event"}
    return event_message(headers, payload.encode())


# ---- Converse -------------------------------------------------------------------------------------


def _block_kind(block: Any, kinds: tuple[str, ...]) -> str | None:
    if not isinstance(block, dict):
        return None
    present = [k for k in kinds if k in block]
    return present[0] if len(present) == 1 and len(block) == 1 else None


def _check_tool_config(config: Any) -> str | None:
    if not isinstance(config, dict) or not isinstance(config.get("tools"), list) or not config["tools"]:
        return "The toolConfig.tools field must list at least one tool."
    names: set[str] = set()
    for j, tool in enumerate(config["tools"]):
        spec = tool.get("toolSpec") if isinstance(tool, dict) else None
        if not isinstance(spec, dict):
            return f"toolConfig.tools.{j}: only toolSpec tools are supported"
        name = str(spec.get("name", ""))
        if not _TOOL_NAME.match(name):
            return (
                f"1 validation error detected: Value '{name}' at 'toolConfig.tools.{j}.member.toolSpec.name' failed "
                "to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_-]+"
            )
        if name in names:
            return f"The toolConfig.tools field contains the tool name {name} more than once."
        names.add(name)
        if "description" in spec and not str(spec["description"]):
            return f"toolConfig.tools.{j}.toolSpec.description must not be empty"
        schema = (spec.get("inputSchema") or {}).get("json") if isinstance(spec.get("inputSchema"), dict) else None
        if not isinstance(schema, dict) or schema.get("type", "object") != "object":
            return f"The value at toolConfig.tools.{j}.toolSpec.inputSchema.json.type must be object"
    choice = config.get("toolChoice")
    if choice is not None:
        kind = _block_kind(choice, ("auto", "any", "tool"))
        if kind is None:
            return "toolConfig.toolChoice must set exactly one of auto, any or tool"
        if kind == "tool" and choice["tool"].get("name") not in names:
            return "The tool named in toolConfig.toolChoice is not in toolConfig.tools."
    return None


def _check_inference(config: Any) -> str | None:
    if not isinstance(config, dict):
        return "inferenceConfig must be an object"
    max_tokens = config.get("maxTokens")
    if max_tokens is not None and (not isinstance(max_tokens, int) or max_tokens < 1):
        return "The maximum tokens you requested must be at least 1."
    for key in ("temperature", "topP"):
        value = config.get(key)
        if value is not None and not (isinstance(value, (int, float)) and 0 <= value <= 1):
            return f"The value of inferenceConfig.{key} must be between 0 and 1."
    return None


def _check_block(block: Any, role: str, where: str, has_tools: bool, seen: set[str]) -> str | None:
    kind = _block_kind(block, _BLOCK_KINDS)
    if kind is None:
        return f"The ContentBlock object at {where} must set exactly one of its members."
    if kind == "text":
        if not isinstance(block["text"], str) or not block["text"].strip():
            return f"The text field in the ContentBlock object at {where} is blank. Add text to the text field, and try again."
    elif kind == "image":
        image = block["image"]
        if not isinstance(image, dict) or image.get("format") not in _IMAGE_FORMATS:
            return f"The format of the image at {where} must be one of: {', '.join(_IMAGE_FORMATS)}."
        source = image.get("source")
        if not isinstance(source, dict) or not isinstance(source.get("bytes"), str) or not source["bytes"]:
            return f"The image at {where} has no bytes."
    elif kind == "toolUse":
        use = block["toolUse"]
        if role != "assistant":
            return f"toolUse blocks at {where} are only allowed in assistant messages."
        tid = str(use.get("toolUseId", "")) if isinstance(use, dict) else ""
        if not _TOOL_USE_ID.match(tid):
            return (
                f"1 validation error detected: Value '{tid}' at '{where}.member.toolUse.toolUseId' failed to satisfy "
                "constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.:-]+"
            )
        if tid in seen:
            return f"The toolUseId {tid} at {where} is used more than once in the conversation."
        seen.add(tid)
        if not _TOOL_NAME.match(str(use.get("name", ""))):
            return f"The tool name at {where}.toolUse.name must satisfy regular expression pattern: [a-zA-Z0-9_-]+"
        if "input" not in use:
            return f"The toolUse block at {where} has no input."
        if not has_tools:
            return "The toolConfig field must be defined when using toolUse and toolResult content blocks."
    elif kind == "toolResult":
        result = block["toolResult"]
        if role != "user":
            return f"toolResult blocks at {where} are only allowed in user messages."
        if not has_tools:
            return "The toolConfig field must be defined when using toolUse and toolResult content blocks."
        content = result.get("content") if isinstance(result, dict) else None
        if not isinstance(content, list):
            return f"The toolResult block at {where} has no content list."
        for k, part in enumerate(content):
            part_kind = _block_kind(part, _RESULT_KINDS)
            if part_kind is None:
                return (
                    f"The ToolResultContentBlock at {where}.toolResult.content.{k} must set exactly one of its members."
                )
            if part_kind == "text" and not str(part["text"]).strip():
                return f"The text field in the ToolResultContentBlock at {where}.toolResult.content.{k} is blank."
        if result.get("status") not in (None, "success", "error"):
            return f"The status of the toolResult at {where} must be success or error."
    return None


def check_converse(body: Any) -> str | None:
    """What is wrong with a Converse request, as the API would say it; None when it is valid."""
    if not isinstance(body, dict):
        return "The request body must be a JSON object."
    has_tools = "toolConfig" in body
    if has_tools:
        problem = _check_tool_config(body["toolConfig"])
        if problem:
            return problem
    if "inferenceConfig" in body:
        problem = _check_inference(body["inferenceConfig"])
        if problem:
            return problem
    system = body.get("system")
    if system is not None:
        if not isinstance(system, list):
            return "system must be a list of SystemContentBlock objects"
        for k, block in enumerate(system):
            kind = _block_kind(block, ("text", "guardContent", "cachePoint"))
            if kind is None:
                return f"The SystemContentBlock at system.{k} must set exactly one of its members."
            if kind == "text" and not str(block["text"]).strip():
                return f"The text field in the SystemContentBlock object at system.{k} is blank."
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        return "A conversation must start with a user message. Try again with a conversation that starts with a user message."
    seen: set[str] = set()
    for i, message in enumerate(messages):
        role = message.get("role") if isinstance(message, dict) else None
        if role not in ("user", "assistant"):
            return f"1 validation error detected: Value '{role}' at 'messages.{i + 1}.member.role' failed to satisfy constraint: Member must satisfy enum value set: [user, assistant]"
        if i == 0 and role != "user":
            return "A conversation must start with a user message. Try again with a conversation that starts with a user message."
        if i > 0 and messages[i - 1].get("role") == role:
            return "A conversation must alternate between user and assistant roles. Make sure the conversation alternates between user and assistant roles and try again."
        content = message.get("content")
        if not isinstance(content, list) or not content:
            return f"The content field in the Message object at messages.{i} is empty. Add a ContentBlock object to the content field and try again."
        for k, block in enumerate(content):
            problem = _check_block(block, role, f"messages.{i}.content.{k}", has_tools, seen)
            if problem:
                return problem
        problem = _check_pairing(messages, i)
        if problem:
            return problem
    return None


def _ids(content: Any, kind: str) -> list[str]:
    return [b[kind]["toolUseId"] for b in content or [] if isinstance(b, dict) and isinstance(b.get(kind), dict)]


def _check_pairing(messages: list[Any], i: int) -> str | None:
    content = messages[i]["content"]
    if messages[i]["role"] == "assistant":
        calls = _ids(content, "toolUse")
        if calls:
            answered = set(_ids(messages[i + 1].get("content"), "toolResult")) if i + 1 < len(messages) else set()
            missing = [c for c in calls if c not in answered]
            if missing:
                return f"Expected toolResult blocks at messages.{i + 1}.content for the following Ids: {', '.join(missing)}"
        return None
    results = _ids(content, "toolResult")
    if results:
        previous = set(_ids(messages[i - 1].get("content"), "toolUse")) if i > 0 else set()
        if len(results) > len(previous):
            return (
                f"The number of toolResult blocks at messages.{i}.content exceeds the number of toolUse blocks "
                "of previous turn."
            )
        unknown = [r for r in results if r not in previous]
        if unknown or len(set(results)) != len(results):
            return (
                f"The toolResult blocks at messages.{i}.content contain the Ids {', '.join(unknown or results)} "
                "that do not match a toolUse block of the previous turn."
            )
    return None


def _block_text(block: Any) -> str:
    if not isinstance(block, dict):
        return str(block)
    if isinstance(block.get("text"), str):
        return block["text"]
    if isinstance(block.get("toolUse"), dict):
        return str(block["toolUse"].get("name", "")) + json.dumps(block["toolUse"].get("input", {}))
    if isinstance(block.get("toolResult"), dict):
        return "".join(_block_text(b) for b in block["toolResult"].get("content") or [])
    if isinstance(block.get("json"), (dict, list)):
        return json.dumps(block["json"])
    return json.dumps(block, default=str)


def converse_body(body: dict[str, Any], reply: FakeReply, model: str) -> dict[str, Any]:
    """A Converse response answering ``body`` with ``reply``."""
    content: list[dict[str, Any]] = []
    if reply.reasoning:  # Claude / DeepSeek reasoning on Bedrock: a signed reasoningContent block first
        text = {"text": reply.reasoning, "signature": "fake-signature"}
        content.append({"reasoningContent": {"reasoningText": text}})
    if reply.content:
        content.append({"text": reply.content})
    calls = list(reply.tool_calls or [])
    if reply.function_call:
        calls.append({"id": f"tooluse_{uuid.uuid4().hex[:22]}", "function": reply.function_call})
    output = text_tokens(reply.content or "") + text_tokens(reply.reasoning or "")
    for call in calls:
        try:
            arguments = json.loads(call["function"]["arguments"] or "{}")
        except ValueError:
            arguments = {"raw_arguments": call["function"]["arguments"]}
        if not isinstance(arguments, dict):
            arguments = {"value": arguments}
        content.append({"toolUse": {"toolUseId": call["id"], "name": call["function"]["name"], "input": arguments}})
        output += text_tokens(call["function"]["name"] + call["function"]["arguments"])
    prompt = 3 + text_tokens("".join(_block_text(b) for b in body.get("system") or []))
    for message in body.get("messages") or []:
        prompt += 3 + text_tokens("".join(_block_text(b) for b in (message.get("content") or [])))
    if body.get("toolConfig"):
        prompt += text_tokens(json.dumps(body["toolConfig"].get("tools"), default=str))
    output = max(1, output)
    if reply.usage:
        prompt = int(reply.usage.get("prompt_tokens", prompt))
        output = int(reply.usage.get("completion_tokens", output))
    finish = reply.resolved_finish_reason
    return {
        "output": {"message": {"role": "assistant", "content": content}},
        "stopReason": _STOP.get(finish, finish),
        "usage": {"inputTokens": prompt, "outputTokens": output, "totalTokens": prompt + output},
        "metrics": {"latencyMs": 1},
    }


# ---- Anthropic models through InvokeModel ---------------------------------------------------------


def check_invoke(body: Any) -> str | None:
    """What is wrong with an Anthropic InvokeModel body (the Messages API body with ``anthropic_version``
    instead of ``model``, no ``stream``; SDKs send "bedrock-2023-05-31" or their API version), as Bedrock
    would say it; None when valid."""
    if not isinstance(body, dict):
        return "Malformed input request, please reformat your input and try again."
    for key in ("model", "stream"):
        if key in body:
            return f"Malformed input request: #: extraneous key [{key}] is not permitted, please reformat your input and try again."
    if not isinstance(body.get("anthropic_version"), str) or not body["anthropic_version"]:
        return "Malformed input request: #: required key [anthropic_version] not found, please reformat your input and try again."
    return anthropic_wire.check_request({**body, "model": "bedrock"})


def invoke_stream_events(message: dict[str, Any]) -> list[bytes]:
    """The event-stream messages of ``invoke-with-response-stream`` for an Anthropic ``message``: each
    Messages streaming event as a ``chunk`` (base64 JSON), the last carrying Bedrock's invocation metrics."""
    events = anthropic_wire.stream_event_dicts(message)
    usage = message["usage"]
    events[-1] = {**events[-1], "amazon-bedrock-invocationMetrics": {
        "inputTokenCount": usage["input_tokens"], "outputTokenCount": usage["output_tokens"],
        "invocationLatency": 1, "firstByteLatency": 1}}  # fmt: skip
    return [_chunk(event) for event in events]
