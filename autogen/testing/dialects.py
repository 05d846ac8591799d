"""Wire formats the fake LLM server speaks: one :class:`Dialect` per provider API.

A dialect says which path the model call is posted to, how a request is checked, how a scripted reply
is written (whole and as server-sent events), how errors look, and what config entry points a client
at the server. The script, faults, delays and request log are shared by every dialect. Adding a
provider (Gemini, Bedrock, ...) is adding a ``Dialect`` to :data:`DIALECTS`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from . import (
    anthropic_wire,
    bedrock_wire,
    cohere_wire,
    compatible_wire,
    gemini_wire,
    mistral_wire,
    ollama_wire,
    responses_wire,
)
from .completion import build_completion, stream_chunks
from .http11 import error_body as openai_error_body
from .replies import FakeReply

__all__ = ["DIALECTS", "Dialect"]


def _dumps(obj: Any) -> bytes:
    return json.dumps(obj, separators=(",", ":")).encode()


@dataclass(frozen=True)
class Dialect:
    """One provider's wire format."""

    name: str
    """The name given to ``FakeLLMServer(dialect=...)``."""
    route: str
    """Path suffix of the model call, e.g. "/chat/completions"."""
    api_path: str
    """What ``base_url`` adds to the server root ("/v1" for OpenAI, "" for Anthropic, whose SDK adds it)."""
    check: Callable[[Any], tuple[Any, ...] | None]
    """(message, param) of a request the API would refuse with 400, else None; a dialect may add the
    status and error code: (message, param, status, code)."""
    answer: Callable[[dict[str, Any], FakeReply, str], dict[str, Any]]
    """The JSON answer to a request body for a scripted reply and the server's model name."""
    stream: Callable[[dict[str, Any], dict[str, Any]], list[bytes]]
    """The server-sent events (already framed) for a request body and its answer."""
    error_body: Callable[..., bytes]
    """``error_body(status, message, *, code=None, param=None)``: the provider's error JSON."""
    entry: Callable[[Any], dict[str, Any]]
    """The config entry pointing a client at a running server."""
    stream_route: str = ""
    """Path suffix of the streaming model call when it has its own path (Gemini), else ""."""
    stream_content_type: str = "text/event-stream; charset=utf-8"
    """Content type of a streamed answer (SSE; NDJSON for Ollama; the AWS event stream for Bedrock)."""
    stream_by_default: bool = False
    """Whether a request without ``"stream"`` is streamed (Ollama's default)."""
    malformed_stream: Callable[[bytes], list[bytes]] = lambda raw: [b"data: " + raw + b"\n\n", b"data: [DONE]\n\n"]
    """The framed stream of a malformed-JSON fault, from the broken payload."""
    per_server: Callable[[], Dialect] | None = None
    """For a stateful API: makes the dialect one server uses (with its own state), else None."""
    headers: Callable[[int, bytes], dict[str, str]] | None = None
    """``headers(status, body)``: extra headers of every answer (AWS request ids and error types)."""
    other_routes: tuple[str, ...] = ()
    """Further path suffixes of the same call on another platform (Claude on Vertex AI: ":rawPredict")."""
    adapt: Callable[[str, Any], Any] | None = None
    """For a request on ``other_routes``: ``adapt(path, body)`` is the body in the main route's form
    (what ``check`` reads), or a string saying why the platform would refuse it with 400."""


def _openai_check(body: Any) -> tuple[str, str | None] | None:
    if not isinstance(body, dict):
        return "The request body must be a JSON object.", None
    if not isinstance(body.get("messages"), list):
        return "Missing required parameter: 'messages' (a list of messages).", "messages"
    return None


def _openai_stream(body: dict[str, Any], completion: dict[str, Any]) -> list[bytes]:
    options = body.get("stream_options") or {}
    include_usage = bool(options.get("include_usage")) if isinstance(options, dict) else False
    events = [b"data: " + _dumps(chunk) + b"\n\n" for chunk in stream_chunks(completion, include_usage)]
    events.append(b"data: [DONE]\n\n")
    return events


def _anthropic_check(body: Any) -> tuple[str, str | None] | None:
    if not isinstance(body, dict):
        return "The request body must be a JSON object.", None
    problem = anthropic_wire.check_request(body)
    return (problem, None) if problem else None


def _problem(check: Callable[[Any], str | None]) -> Callable[[Any], tuple[str, str | None] | None]:
    def run(body: Any) -> tuple[str, str | None] | None:
        problem = check(body)
        return (problem, None) if problem else None

    return run


def _anthropic_vertex_body(path: str, body: Any) -> Any:
    # Vertex AI takes the model from the path (.../publishers/anthropic/models/{model}:rawPredict) and
    # the API version from the body
    if not isinstance(body, dict):
        return "The request body must be a JSON object."
    if not isinstance(body.get("anthropic_version"), str) or not body["anthropic_version"]:
        return "anthropic_version: Field required"
    if "model" in body:
        return "model: Extra inputs are not permitted"
    if "/publishers/anthropic/models/" not in path:
        return f"Unknown publisher model path {path}"
    model = path.rsplit("/models/", 1)[1].rsplit(":", 1)[0]
    return {**{k: v for k, v in body.items() if k != "anthropic_version"}, "model": model}


def _entry(api_type: str, **credentials: Any) -> Callable[[Any], dict[str, Any]]:
    """The config entry of a dialect: ``api_type``, the server's model and URL, and the (fake) credentials."""
    return lambda server: {"api_type": api_type, "model": server.model, **credentials, "base_url": server.base_url}


OPENAI = Dialect(
    name="openai",
    route="/chat/completions",
    api_path="/v1",
    check=_openai_check,
    answer=build_completion,
    stream=_openai_stream,
    error_body=openai_error_body,
    entry=lambda server: {"model": server.model, "api_key": "sk-fake", "base_url": server.base_url},
)

ANTHROPIC = Dialect(
    name="anthropic",
    route="/v1/messages",
    api_path="",
    check=_anthropic_check,
    answer=anthropic_wire.message_body,
    stream=lambda body, message: anthropic_wire.stream_events(message),
    error_body=anthropic_wire.error_body,
    other_routes=(":rawPredict", ":streamRawPredict"),
    adapt=_anthropic_vertex_body,
    entry=_entry("anthropic", api_key="sk-ant-fake"),
)

GEMINI = Dialect(
    name="gemini",
    route=":generateContent",
    stream_route=":streamGenerateContent",
    api_path="",
    check=_problem(gemini_wire.check_request),
    answer=gemini_wire.response_body,
    stream=lambda body, response: gemini_wire.stream_events(response),
    error_body=gemini_wire.error_body,
    entry=_entry("google", api_key="fake-gemini-key"),
)


OLLAMA = Dialect(
    name="ollama",
    route="/api/chat",
    api_path="",
    check=_problem(ollama_wire.check_request),
    answer=ollama_wire.response_body,
    stream=lambda body, response: ollama_wire.stream_lines(response),
    error_body=ollama_wire.error_body,
    entry=lambda server: {"api_type": "ollama", "model": server.model, "client_host": server.url},
    stream_content_type="application/x-ndjson",
    stream_by_default=True,
    malformed_stream=lambda raw: [raw + b"\n"],
)

MISTRAL = Dialect(
    name="mistral",
    route="/v1/chat/completions",
    api_path="",
    check=_problem(mistral_wire.check_request),
    answer=mistral_wire.completion_body,
    stream=lambda body, completion: mistral_wire.stream_events(completion),
    error_body=mistral_wire.error_body,
    entry=_entry("mistral", api_key="fake-mistral-key"),
)

COHERE = Dialect(
    name="cohere",
    route="/v2/chat",
    api_path="",
    check=_problem(cohere_wire.check_request),
    answer=cohere_wire.chat_body,
    stream=lambda body, response: cohere_wire.stream_events(response),
    error_body=cohere_wire.error_body,
    entry=_entry("cohere", api_key="fake-cohere-key"),
)


def _responses_dialect() -> Dialect:
    """The Responses dialect of one server: checks and answers share that server's response store."""
    store = responses_wire.ResponseStore()
    return Dialect(
        name="responses",
        route="/responses",
        api_path="/v1",
        check=lambda body: responses_wire.check_request(body, store),
        answer=lambda body, reply, model: responses_wire.response_body(body, reply, model, store),
        stream=lambda body, response: responses_wire.stream_events(response),
        error_body=openai_error_body,
        entry=_entry("responses", api_key="sk-fake"),
    )


def _compatible(name: str, api_path: str, check: Any, *, usage_field: str = "usage", error: Any = None) -> Dialect:
    """An OpenAI-compatible provider's dialect: OpenAI's bodies at ``<api_path>/chat/completions``, the
    provider's own request checks, stream usage placement and error body, and an entry with its api_type."""
    return Dialect(
        name=name,
        route=api_path + "/chat/completions",
        api_path=api_path,
        check=check,
        answer=build_completion,
        stream=lambda body, completion: compatible_wire.stream_events(body, completion, usage_field=usage_field),
        error_body=error or openai_error_body,
        entry=_entry(name, api_key=f"fake-{name}-key"),
    )


RESPONSES = replace(_responses_dialect(), per_server=_responses_dialect)

# Groq's SDK posts to /openai/v1/chat/completions, Cerebras' and Together's (3.x) to /v1/chat/completions;
# the entry's base_url is the provider's OpenAI-compatible URL (the client cuts the SDK's own prefix off).
GROQ = _compatible("groq", "/openai/v1", compatible_wire.check_groq, usage_field="x_groq")
CEREBRAS = _compatible("cerebras", "/v1", compatible_wire.check_cerebras, error=compatible_wire.cerebras_error_body)
TOGETHER = _compatible("together", "/v1", compatible_wire.check_together)


# dummy AWS credentials: the SDKs sign every request (SigV4), the fake server does not check signatures
_AWS = {"aws_region": "us-east-1", "aws_access_key": "AKIAFAKEFAKEFAKEFAKE", "aws_secret_key": "fake-aws-secret-key"}

BEDROCK = Dialect(
    name="bedrock",
    route="/converse",
    api_path="",
    check=_problem(bedrock_wire.check_converse),
    answer=bedrock_wire.converse_body,
    stream=lambda body, response: [],  # Converse streaming is not spoken (the ag2 client does not stream)
    error_body=bedrock_wire.error_body,
    headers=bedrock_wire.response_headers,
    entry=_entry("bedrock", **_AWS),
)

ANTHROPIC_BEDROCK = Dialect(
    name="anthropic_bedrock",
    route="/invoke",
    stream_route="/invoke-with-response-stream",
    api_path="",
    check=_problem(bedrock_wire.check_invoke),
    answer=anthropic_wire.message_body,
    stream=lambda body, message: bedrock_wire.invoke_stream_events(message),
    error_body=bedrock_wire.error_body,
    stream_content_type="application/vnd.amazon.eventstream",
    headers=bedrock_wire.response_headers,
    entry=_entry("anthropic", **_AWS),
)


def _gemini_vertex_entry(server: Any) -> dict[str, Any]:
    # dummy credentials with a token: the SDK sends it as is (no metadata server or ADC lookup)
    from google.oauth2.credentials import Credentials

    return {
        "api_type": "google",
        "model": server.model,
        "project_id": "fake-project",
        "location": "us-central1",
        "credentials": Credentials(token="fake-token"),
        "base_url": server.base_url,
    }


# The same wire formats reached the Vertex AI way (paths under /projects/{p}/locations/{l}/publishers/...)
GEMINI_VERTEX = replace(GEMINI, name="gemini-vertex", entry=_gemini_vertex_entry)
ANTHROPIC_VERTEX = replace(
    ANTHROPIC,
    name="anthropic-vertex",
    entry=lambda server: {
        "api_type": "anthropic",
        "model": server.model,
        "gcp_project_id": "fake-project",
        "gcp_region": "us-east5",
        "gcp_auth_token": "fake-token",
        "base_url": server.base_url + "/v1",
    },
)

DIALECTS: dict[str, Dialect] = {
    d.name: d
    for d in (
        OPENAI,
        ANTHROPIC,
        GEMINI,
        OLLAMA,
        MISTRAL,
        COHERE,
        RESPONSES,
        GROQ,
        CEREBRAS,
        TOGETHER,
        BEDROCK,
        ANTHROPIC_BEDROCK,
        GEMINI_VERTEX,
        ANTHROPIC_VERTEX,
    )
}
