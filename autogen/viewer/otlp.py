"""Reader of OTLP/JSON trace files (``ExportTraceServiceRequest``: resourceSpans / scopeSpans / spans).

A file may hold one request, a list of them, or one request per line (what the OpenTelemetry
Collector's file exporter writes). Every trace becomes a run; the spans are read through the GenAI
semantic conventions (``gen_ai.operation.name``, ``gen_ai.agent.name``, ``gen_ai.usage.*``,
``gen_ai.tool.*``, ``gen_ai.input.messages`` ...) and AG2's own ``ag2.*`` attributes. Spans of other
kinds are listed as events, so a trace from any instrumentation still shows something.
"""

from __future__ import annotations

import datetime
import json
from typing import Any

from .model import failure_item, finish_run, selection_item, text_of

__all__ = ["attribute_value", "is_otlp", "parse_otlp", "read_otlp"]


def attribute_value(value: Any) -> Any:
    """The Python value of an OTLP ``AnyValue`` (``{"stringValue": ...}``, ``{"intValue": "3"}`` ...)."""
    if not isinstance(value, dict):
        return value
    if "stringValue" in value:
        return value["stringValue"]
    if "intValue" in value:
        try:
            return int(value["intValue"])
        except (TypeError, ValueError):
            return value["intValue"]
    if "doubleValue" in value:
        return float(value["doubleValue"])
    if "boolValue" in value:
        return bool(value["boolValue"])
    if "arrayValue" in value:
        return [attribute_value(v) for v in (value["arrayValue"] or {}).get("values", [])]
    if "kvlistValue" in value:
        return attributes((value["kvlistValue"] or {}).get("values", []))
    if "bytesValue" in value:
        return value["bytesValue"]
    return None


def attributes(pairs: Any) -> dict[str, Any]:
    """OTLP ``[{"key", "value"}]`` as a dict."""
    out: dict[str, Any] = {}
    for pair in pairs or []:
        if isinstance(pair, dict) and "key" in pair:
            out[str(pair["key"])] = attribute_value(pair.get("value"))
    return out


def _requests(data: Any) -> list[dict[str, Any]]:
    if isinstance(data, list):
        return [r for r in data if isinstance(r, dict)]
    return [data] if isinstance(data, dict) else []


def is_otlp(text: str) -> bool:
    """Whether ``text`` (the start of a file) looks like OTLP/JSON traces."""
    head = text.lstrip()[:4096]
    return head[:1] in "[{" and ('"resourceSpans"' in head or '"resource_spans"' in head)


def _load(text: str) -> list[dict[str, Any]]:
    try:
        return _requests(json.loads(text))
    except ValueError:
        out = []
        for line in text.splitlines():
            if line.strip():
                out += _requests(json.loads(line))
        return out


def _nanos(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _iso(nanos: int) -> str:
    if not nanos:
        return ""
    stamp = datetime.datetime.fromtimestamp(nanos / 1e9, tz=datetime.timezone.utc)
    return stamp.strftime("%Y-%m-%d %H:%M:%S.%f")


def _spans(requests: list[dict[str, Any]]) -> list[dict[str, Any]]:
    spans = []
    for request in requests:
        for rs in request.get("resourceSpans") or request.get("resource_spans") or []:
            resource = attributes((rs.get("resource") or {}).get("attributes"))
            for ss in rs.get("scopeSpans") or rs.get("scope_spans") or []:
                for span in ss.get("spans") or []:
                    start = _nanos(span.get("startTimeUnixNano"))
                    end = _nanos(span.get("endTimeUnixNano"))
                    spans.append(
                        {
                            "trace": str(span.get("traceId") or ""),
                            "id": str(span.get("spanId") or ""),
                            "parent": str(span.get("parentSpanId") or ""),
                            "name": str(span.get("name") or ""),
                            "start": start,
                            "end": end,
                            "attrs": attributes(span.get("attributes")),
                            "events": [
                                {
                                    "name": e.get("name"),
                                    "ts": _nanos(e.get("timeUnixNano")),
                                    **attributes(e.get("attributes")),
                                }
                                for e in span.get("events") or []
                            ],
                            "status": span.get("status") or {},
                            "resource": resource,
                        }
                    )
    return spans


def _json_attr(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _from_otel_message(message: Any) -> dict[str, Any]:
    """A GenAI-convention message (``{"role", "parts"}``) as an openai-style message."""
    if not isinstance(message, dict):
        return {"role": "user", "content": text_of(message)}
    if "parts" not in message:
        return message
    out: dict[str, Any] = {"role": message.get("role", "user")}
    texts, calls = [], []
    for part in message.get("parts") or []:
        kind = part.get("type") if isinstance(part, dict) else None
        if kind == "text":
            texts.append(str(part.get("content", "")))
        elif kind == "tool_call":
            arguments = part.get("arguments")
            calls.append(
                {
                    "id": part.get("id"),
                    "type": "function",
                    "function": {
                        "name": part.get("name"),
                        "arguments": arguments if isinstance(arguments, str) else json.dumps(arguments, default=str),
                    },
                }
            )
        elif kind == "tool_call_response":
            out["role"] = "tool"
            out["tool_call_id"] = part.get("id")
            texts.append(text_of(part.get("response")))
        else:
            texts.append(json.dumps(part, default=str))
    out["content"] = "\n".join(texts)
    if calls:
        out["tool_calls"] = calls
    if message.get("name"):
        out["name"] = message["name"]
    return out


def _messages(value: Any) -> list[dict[str, Any]]:
    data = _json_attr(value)
    if isinstance(data, dict):
        data = [data]
    return [_from_otel_message(m) for m in data] if isinstance(data, list) else []


def _operation(span: dict[str, Any]) -> str:
    a = span["attrs"]
    op = a.get("gen_ai.operation.name") or a.get("ag2.span.type") or ""
    return str(op)


def _error(span: dict[str, Any]) -> str | None:
    status = span["status"]
    code = status.get("code")
    if code in (2, "STATUS_CODE_ERROR", "ERROR") or span["attrs"].get("error.type"):
        return str(status.get("message") or span["attrs"].get("error.type") or "error")
    return None


def _llm_call(span: dict[str, Any]) -> dict[str, Any]:
    a = span["attrs"]
    params = {k[len("gen_ai.request.") :]: v for k, v in a.items() if k.startswith("gen_ai.request.")}
    usage: dict[str, int] = {}
    if isinstance(a.get("gen_ai.usage.input_tokens"), int):
        usage["prompt"] = a["gen_ai.usage.input_tokens"]
    if isinstance(a.get("gen_ai.usage.output_tokens"), int):
        usage["completion"] = a["gen_ai.usage.output_tokens"]
    if usage:
        usage["total"] = usage.get("prompt", 0) + usage.get("completion", 0)
    messages = _messages(a.get("gen_ai.input.messages"))
    system = _json_attr(a.get("gen_ai.system_instructions"))
    if system:
        messages.insert(0, {"role": "system", "content": text_of(system)})
    tools = _json_attr(a.get("gen_ai.tool.definitions")) or []
    call: dict[str, Any] = {
        "ts": _iso(span["end"] or span["start"]),
        "start": _iso(span["start"]),
        "agent": a.get("gen_ai.agent.name") or "",
        "model": a.get("gen_ai.response.model") or a.get("gen_ai.request.model"),
        "client": a.get("gen_ai.provider.name") or a.get("gen_ai.system"),
        "cached": False,
        "cost": a.get("gen_ai.usage.cost"),
        "latency": (span["end"] - span["start"]) / 1e9 if span["end"] and span["start"] else None,
        "usage": usage,
        "request": {"messages": messages, "tools": tools if isinstance(tools, list) else [tools], "params": params},
        "reply": _messages(a.get("gen_ai.output.messages")),
        "response": {"span": span["name"], "attributes": a},
    }
    if not messages:
        call["notes"] = "the request messages were not recorded (capture_messages off)"
    error = _error(span)
    if error:
        call["error"] = error
    return call


#: The event the LLM-wrapper instrumentation adds to a ``chat`` span for each failed attempt.
_FAILED_ATTEMPT = "ag2.llm.attempt_failed"
_FAILURE_PREFIX = "ag2.llm.failure."


def _failure(event: dict[str, Any], span: dict[str, Any], call: dict[str, Any]) -> dict[str, Any]:
    """One failed attempt of ``call`` (an event of its span) as the runtime log reader's item."""
    record = {k[len(_FAILURE_PREFIX) :]: v for k, v in event.items() if k.startswith(_FAILURE_PREFIX)}
    record["error_type"] = event.get("error.type")
    record["timestamp"] = _iso(event.get("ts") or 0)
    record["source_name"] = call["agent"]
    item = failure_item(record)
    item["call"] = call["i"]
    return item


def _span_items(span: dict[str, Any], calls: list[dict[str, Any]]) -> list[dict[str, Any]]:
    a = span["attrs"]
    op = _operation(span)
    ts = _iso(span["end"] or span["start"])
    agent = str(a.get("gen_ai.agent.name") or "")
    base = {"ts": ts, "agent": agent, "name": span["name"]}
    error = _error(span)
    if error:
        base["error"] = error
    if op in ("chat", "llm", "text_completion", "generate_content"):
        call = _llm_call(span)
        call["i"] = len(calls)
        calls.append(call)
        failures = [_failure(event, span, call) for event in span["events"] if event.get("name") == _FAILED_ATTEMPT]
        if failures:
            call["failures"] = [{k: v for k, v in f.items() if k != "kind"} for f in failures]
        return [*failures, {"kind": "llm_call", "ts": call["ts"], "agent": call["agent"], "call": call["i"]}]
    if op in ("execute_tool", "tool"):
        return [
            {
                **base,
                "kind": "tool",
                "name": a.get("gen_ai.tool.name") or span["name"],
                "id": a.get("gen_ai.tool.call.id"),
                "arguments": _json_attr(a.get("gen_ai.tool.call.arguments")),
                "result": text_of(_json_attr(a.get("gen_ai.tool.call.result"))),
            }
        ]
    if op in ("execute_code", "code_execution"):
        return [
            {
                **base,
                "kind": "code",
                "exit_code": a.get("ag2.code_execution.exit_code"),
                "output": text_of(a.get("ag2.code_execution.output")),
            }
        ]
    if op in ("speaker_selection",):
        return [
            {
                **base,
                "kind": "speaker",
                "selected": a.get("ag2.speaker_selection.selected"),
                "candidates": _json_attr(a.get("ag2.speaker_selection.candidates")),
            }
        ]
    if op in ("handoff",):
        return [{**base, "kind": "handoff", "target": a.get("ag2.handoff.target") or a.get("gen_ai.agent.name")}]
    if op in ("await_human_input", "human_input"):
        return [{**base, "kind": "human_input", "content": text_of(a.get("ag2.human_input.response"))}]
    if op in ("invoke_agent", "agent"):
        out = []
        for message in _messages(a.get("gen_ai.output.messages")):
            item = {**base, "kind": "message", "role": message.get("role")}
            item.update(_message_fields(message))
            out.append(item)
        return out
    if op in ("conversation", "multi_conversation", "create_agent"):
        return []  # the conversation span frames the run (title, termination)
    return [{**base, "kind": "event", "data": a}]


_SELECTION_EVENT = "ag2.speaker_selection"


def _event_item(event: dict[str, Any], agent: str) -> dict[str, Any] | None:
    """The timeline item of a span event worth showing: a speaker selection or handoff, a termination,
    an exception (None for other events, and for failed attempts: their call lists them)."""
    name = str(event.get("name") or "")
    if name == _SELECTION_EVENT:
        record = _json_attr(event.get("ag2.speaker_selection.record"))
        if not isinstance(record, dict):
            record = {k.rsplit(".", 1)[-1]: v for k, v in event.items() if k.startswith("ag2.speaker_selection.")}
            record["chosen"] = record.pop("selected", None)
        record["source_name"] = agent
        record["timestamp"] = _iso(event.get("ts") or 0)
        return selection_item(record)
    if name == "exception" or "terminat" in name.lower():
        return {
            "kind": "termination" if "terminat" in name.lower() else "event",
            "ts": _iso(event.get("ts") or 0),
            "agent": agent,
            "name": name,
            "data": {k: v for k, v in event.items() if k not in ("name", "ts")},
            "reason": text_of(event.get("reason") or event.get("exception.message") or ""),
        }
    return None


def _message_fields(message: dict[str, Any]) -> dict[str, Any]:
    from .model import message_item

    item = message_item(message)
    return {k: v for k, v in item.items() if k not in ("kind", "ts", "agent", "recipient", "role")}


def _termination(spans: list[dict[str, Any]], conversation: dict[str, Any] | None) -> str | None:
    """Why the run ended: the conversation span's ``ag2.termination.reason`` (what the instrumentation
    records), else the first termination-looking attribute or event of any span."""
    if conversation is not None:
        attrs = conversation["attrs"]
        reason = attrs.get("ag2.termination.reason") or attrs.get("ag2.termination.code")
        if reason:
            return text_of(reason)
    for span in spans:
        for key, value in span["attrs"].items():
            if "termination" in key and value not in (None, ""):
                return text_of(value)
        for event in span["events"]:
            if "terminat" in str(event.get("name", "")).lower():
                return text_of(event.get("reason") or event.get("ag2.termination.reason") or event.get("name"))
    return None


def _run(trace: str, spans: list[dict[str, Any]]) -> dict[str, Any]:
    spans.sort(key=lambda s: (s["start"], s["end"]))
    by_id = {s["id"]: s for s in spans}
    items: list[dict[str, Any]] = []
    calls: list[dict[str, Any]] = []
    roots = [s for s in spans if not s["parent"] or s["parent"] not in by_id]
    conversation = next((s for s in spans if _operation(s) in ("conversation", "multi_conversation")), None)
    if conversation is not None:
        first = _messages(conversation["attrs"].get("gen_ai.input.messages"))
        starter = str(conversation["attrs"].get("gen_ai.agent.name") or "")
        for message in first[:1]:
            item = {"kind": "message", "ts": _iso(conversation["start"]), "agent": starter, "role": message.get("role")}
            item.update(_message_fields(message))
            items.append(item)
    # A span is placed when it ends (a reply comes after the LLM calls and tools inside it); an event
    # of a span (a speaker selection inside the manager's long reply) when it happened.
    placed: list[tuple[int, int, list[dict[str, Any]]]] = []
    for span in sorted(spans, key=lambda s: (s["end"] or s["start"], s["start"])):
        placed.append((span["end"] or span["start"], len(placed), _span_items(span, calls)))
        agent = str(span["attrs"].get("gen_ai.agent.name") or "")
        for event in span["events"]:
            item = _event_item(event, agent)
            if item is not None:
                placed.append((event.get("ts") or span["end"] or span["start"], len(placed), [item]))
    for _, _, placed_items in sorted(placed, key=lambda p: (p[0], p[1])):
        items.extend(placed_items)
    agents = sorted({str(s["attrs"]["gen_ai.agent.name"]) for s in spans if s["attrs"].get("gen_ai.agent.name")})
    root = conversation or (roots[0] if roots else None)
    run = {
        "id": trace,
        "title": root["name"] if root is not None else trace,
        "start": _iso(min((s["start"] for s in spans if s["start"]), default=0)),
        "end": _iso(max((s["end"] for s in spans if s["end"]), default=0)),
        "agents": [{"name": n, "class": ""} for n in agents],
        "items": items,
        "calls": calls,
        "termination": _termination(spans, conversation),
        "notes": [],
    }
    if conversation is not None and conversation["attrs"].get("ag2.termination.code"):
        run["termination_code"] = conversation["attrs"]["ag2.termination.code"]
    if not any(c["request"]["messages"] for c in calls) and calls:
        run["notes"].append("LLM request messages were not recorded (tracing ran without capture_messages)")
    return finish_run(run)


def parse_otlp(text: str) -> list[dict[str, Any]]:
    """The runs (one per trace, oldest first) of OTLP/JSON text."""
    traces: dict[str, list[dict[str, Any]]] = {}
    for span in _spans(_load(text)):
        traces.setdefault(span["trace"], []).append(span)
    runs = [_run(trace, spans) for trace, spans in traces.items()]
    return sorted(runs, key=lambda r: r["start"])


def read_otlp(path: str) -> list[dict[str, Any]]:
    """The runs of an OTLP/JSON trace file."""
    with open(path, encoding="utf-8") as f:
        return parse_otlp(f.read())
