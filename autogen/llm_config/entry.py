"""Config entries: one validated model endpoint (model name, credentials, provider options) per entry.

Every entry is a pydantic model with a ``api_type`` that says which provider client the ``autogen.oai``
layer builds for it. Unknown keys are kept (they are passed on to the provider), so entries from old
``OAI_CONFIG_LIST`` files never lose information. Nothing here contacts a provider: a missing API key
only fails at the first model call.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_serializer, field_validator

__all__ = [
    "AnthropicLLMConfigEntry",
    "AnthropicV2LLMConfigEntry",
    "AzureOpenAILLMConfigEntry",
    "BedrockLLMConfigEntry",
    "BedrockV2LLMConfigEntry",
    "CerebrasLLMConfigEntry",
    "CohereLLMConfigEntry",
    "DeepSeekLLMConfigEntry",
    "GeminiLLMConfigEntry",
    "GeminiVertexLLMConfigEntry",
    "GroqLLMConfigEntry",
    "LLMConfigEntry",
    "MistralLLMConfigEntry",
    "OllamaLLMConfigEntry",
    "OpenAILLMConfigEntry",
    "OpenAIResponsesLLMConfigEntry",
    "OpenAIResponsesV2LLMConfigEntry",
    "OpenAIV2LLMConfigEntry",
    "TogetherLLMConfigEntry",
    "entry_class_for",
    "known_api_types",
    "mask_secrets",
    "register_llm_config_entry",
]

_MASK = "**********"


def _is_secret_name(name: object) -> bool:
    return isinstance(name, str) and name.lower().endswith(("key", "token"))


def mask_secrets(value: Any) -> Any:
    """Return a copy of ``value`` (dicts/lists nested) with values of ``*key``/``*token`` keys hidden."""
    if isinstance(value, Mapping):
        return {
            k: (_MASK if _is_secret_name(k) and isinstance(v, (str, SecretStr)) else mask_secrets(v))
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [mask_secrets(v) for v in value]
    return value


def normalize_base_url(value: Any) -> str | None:
    """Give ``base_url`` a scheme (``http://`` when missing) and a ``/`` path when it has none."""
    if value is None:
        return None
    url = str(value).strip()
    if not url:
        return None
    if "://" not in url:
        url = "http://" + url
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise ValueError(f"base_url {value!r} is not an http(s) URL; expected e.g. 'http://localhost:8000/v1'")
    if not parts.path:
        url += "/"
    return url


class LLMConfigEntry(BaseModel):
    """One model endpoint: the fields every provider shares, plus any extra keys the provider accepts.

    Supports read access like a dict (``entry["model"]``, ``entry.get("api_key")`` give plain values)
    so code written for 0.2's plain-dict config lists keeps working.
    """

    model_config = ConfigDict(extra="allow", arbitrary_types_allowed=True, protected_namespaces=())

    api_type: str = "openai"
    """Provider discriminator; decides which client the oai layer builds."""
    model: str = Field(default=None, validate_default=True)  # type: ignore[assignment]
    """Model (or Azure deployment) name; required and non-empty."""
    api_key: SecretStr | None = None
    """Secret key; kept hidden in repr, given as plain text by ``model_dump``/``entry["api_key"]``."""
    api_version: str | None = None
    base_url: str | None = None
    """Endpoint URL; ``http://`` is prepended when the scheme is missing."""
    http_client: Any = None
    voice: str | None = None
    model_client_cls: str | None = None
    """Name of a custom ``ModelClient`` class registered later with ``register_model_client``."""
    response_format: Any = None
    default_headers: dict[str, Any] | None = None
    tags: list[str] = Field(default_factory=list)
    max_tokens: int | None = Field(default=None, ge=0)
    temperature: float | None = Field(default=None, ge=0, le=1)
    top_p: float | None = Field(default=None, ge=0, le=1)

    @field_validator("model", mode="before")
    @classmethod
    def _check_model(cls, v: Any) -> Any:
        if v is None or (isinstance(v, str) and not v.strip()):
            raise ValueError("no 'model' given: every config entry needs a non-empty model name, e.g. 'gpt-4o-mini'")
        return v

    @field_validator("base_url", mode="before")
    @classmethod
    def _check_base_url(cls, v: Any) -> Any:
        return normalize_base_url(v)

    @field_serializer("api_key", when_used="unless-none")
    def _dump_api_key(self, v: SecretStr) -> str:
        # Dumps feed the HTTP client, which needs the real key.
        return v.get_secret_value()

    def model_dump(self, *args: Any, exclude_none: bool = True, **kwargs: Any) -> dict[str, Any]:
        """Dump to a plain dict (``None`` values left out by default, ``api_key`` as plain text)."""
        return super().model_dump(*args, exclude_none=exclude_none, **kwargs)

    def model_dump_json(self, *args: Any, exclude_none: bool = True, **kwargs: Any) -> str:
        """Dump to JSON (``None`` values left out by default)."""
        return super().model_dump_json(*args, exclude_none=exclude_none, **kwargs)

    # ---- dict-style access, for code written against 0.2 plain-dict configs ----
    def get(self, key: str, default: Any = None) -> Any:
        """Value of field or extra key ``key`` (secrets as plain text), or ``default`` when unset."""
        value = getattr(self, key, None)
        if value is None:
            return default
        return value.get_secret_value() if isinstance(value, SecretStr) else value

    def __getitem__(self, key: str) -> Any:
        try:
            value = getattr(self, key)
        except AttributeError:
            raise KeyError(f"Key '{key}' not found in {type(self).__name__}") from None
        return value.get_secret_value() if isinstance(value, SecretStr) else value

    def __setitem__(self, key: str, value: Any) -> None:
        setattr(self, key, value)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and getattr(self, key, None) is not None

    def keys(self) -> Any:
        """Keys of ``model_dump()``."""
        return self.model_dump().keys()

    def values(self) -> Any:
        """Values of ``model_dump()``."""
        return self.model_dump().values()

    def items(self) -> Any:
        """Items of ``model_dump()``."""
        return self.model_dump().items()

    def __repr__(self) -> str:
        shown = mask_secrets(self.model_dump())
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in shown.items())})"

    __str__ = __repr__


class _OpenAIFamilyEntry(LLMConfigEntry):
    """Fields shared by the OpenAI-compatible providers."""

    price: list[float] | float | None = None
    """Cost per 1K tokens as [prompt, completion] (a single number is used for both)."""
    tool_choice: Any = None
    user: str | None = None
    stream: bool = False
    """Stream the answer. Left at its default it does not switch off ``create(stream=True)``."""
    verbosity: Literal["low", "medium", "high"] | None = None
    extra_body: dict[str, Any] | None = None
    extra_headers: dict[str, Any] | None = None
    reasoning_effort: str | None = None
    max_completion_tokens: int | None = Field(default=None, ge=0)


class OpenAILLMConfigEntry(_OpenAIFamilyEntry):
    """OpenAI chat completions (also any OpenAI-compatible server via ``base_url``)."""

    api_type: Literal["openai"] = "openai"


class AzureOpenAILLMConfigEntry(_OpenAIFamilyEntry):
    """Azure OpenAI: ``model`` is the deployment name, ``base_url`` the Azure endpoint."""

    api_type: Literal["azure"] = "azure"
    azure_ad_token_provider: Any = None
    """A token-provider callable, or the string ``"DEFAULT"`` for azure-identity default credentials."""
    azure_endpoint: str | None = None
    azure_deployment: str | None = None


class OpenAIResponsesLLMConfigEntry(_OpenAIFamilyEntry):
    """OpenAI Responses API."""

    api_type: Literal["responses"] = "responses"
    tool_choice: Literal["none", "auto", "required"] | None = "auto"
    built_in_tools: (
        list[Literal["web_search", "image_generation", "apply_patch", "apply_patch_async", "shell"]] | None
    ) = None
    """Hosted tools to enable (``apply_patch_async`` runs the file edits with the editor's async methods)."""
    workspace_dir: str | None = None
    """Directory the ``apply_patch`` and ``shell`` tools work in."""
    allowed_paths: list[str] | None = None
    """Glob patterns (relative to ``workspace_dir``) that ``apply_patch`` / ``shell`` may touch."""
    allowed_commands: list[str] | None = None
    """Commands the ``shell`` tool may run (None: any not denied)."""
    denied_commands: list[str] | None = None
    """Commands the ``shell`` tool refuses."""
    enable_command_filtering: bool = True
    """Refuse shell commands matching the dangerous patterns."""
    dangerous_patterns: list[tuple[str, str]] | None = None
    """``(regex, message)`` pairs of shell commands to refuse (None: the executor's defaults)."""


class OpenAIV2LLMConfigEntry(_OpenAIFamilyEntry):
    """OpenAI chat completions through the new-style client."""

    api_type: Literal["openai_v2"] = "openai_v2"


class OpenAIResponsesV2LLMConfigEntry(OpenAIResponsesLLMConfigEntry):
    """OpenAI Responses API through the new-style client."""

    api_type: Literal["responses_v2"] = "responses_v2"  # type: ignore[assignment]

    def create_client(self) -> Any:
        """Not available: ``OpenAIWrapper`` builds the Responses v2 client for this entry (as in ag2)."""
        raise NotImplementedError("OpenAIResponsesV2Client is built by OpenAIWrapper for api_type 'responses_v2'.")


class DeepSeekLLMConfigEntry(_OpenAIFamilyEntry):
    """DeepSeek (OpenAI-compatible API)."""

    api_type: Literal["deepseek"] = "deepseek"
    base_url: str | None = "https://api.deepseek.com/v1"
    max_tokens: int | None = Field(default=8192, ge=1, le=8192)


class _ProviderEntry(LLMConfigEntry):
    """Fields most non-OpenAI providers accept."""

    price: list[float] | float | None = None
    tool_choice: Any = None
    seed: int | None = None
    hide_tools: Literal["if_all_run", "if_any_run", "never"] | None = None
    """When to stop offering tools: once all / any of them ran, or never."""


class _StreamingProviderEntry(_ProviderEntry):
    stream: bool = False


class AnthropicLLMConfigEntry(_StreamingProviderEntry):
    """Anthropic Claude (direct, or through AWS Bedrock / Vertex credentials)."""

    api_type: Literal["anthropic"] = "anthropic"
    max_tokens: int | None = Field(default=4096, ge=1)
    timeout: int | None = Field(default=None, ge=1)
    top_k: int | None = None
    stop_sequences: list[str] | None = None
    thinking: dict[str, Any] | None = None
    aws_access_key: str | None = None
    aws_secret_key: str | None = None
    aws_session_token: str | None = None
    aws_region: str | None = None
    gcp_project_id: str | None = None
    gcp_region: str | None = None
    gcp_auth_token: str | None = None


class AnthropicV2LLMConfigEntry(AnthropicLLMConfigEntry):
    """Anthropic through the new-style client."""

    api_type: Literal["anthropic_v2"] = "anthropic_v2"  # type: ignore[assignment]


class BedrockLLMConfigEntry(_ProviderEntry):
    """Amazon Bedrock (the Converse API). The AWS keys are secrets: hidden in repr, plain in dumps."""

    api_type: Literal["bedrock"] = "bedrock"
    aws_region: str | None = None
    aws_access_key: SecretStr | None = None
    aws_secret_key: SecretStr | None = None
    aws_session_token: SecretStr | None = None
    aws_profile_name: str | None = None
    price: list[float] | None = Field(default=None, min_length=2, max_length=2)  # type: ignore[assignment]
    """Cost per 1K tokens as [prompt, completion]."""
    top_k: int | None = None
    supports_system_prompts: bool = True
    additional_model_request_fields: dict[str, Any] | None = None
    k: int | None = None
    cache_seed: int | None = None
    timeout: int | None = None
    total_max_attempts: int | None = 5
    max_attempts: int | None = 5
    mode: Literal["standard", "adaptive", "legacy"] = "standard"
    """botocore retry mode (kept for ag2 compatibility; the wrapper does the retrying)."""

    @field_serializer("aws_access_key", "aws_secret_key", "aws_session_token", when_used="unless-none")
    def _dump_aws_secret(self, v: SecretStr) -> str:
        return v.get_secret_value()


class BedrockV2LLMConfigEntry(BedrockLLMConfigEntry):
    """AWS Bedrock through the new-style client."""

    api_type: Literal["bedrock_v2"] = "bedrock_v2"  # type: ignore[assignment]

    def create_client(self) -> Any:
        """A :class:`~autogen.llm_clients.bedrock_v2.BedrockV2Client` built directly from this entry."""
        from ..llm_clients.bedrock_v2 import BedrockV2Client

        return BedrockV2Client(**self.model_dump(exclude_none=True, exclude={"api_type"}))


class GeminiLLMConfigEntry(_StreamingProviderEntry):
    """Google Gemini: the Gemini API with an api key, else (or with ``api_type="google_vertex"``) Vertex AI."""

    api_type: Literal["google", "google_vertex"] = "google"
    project_id: str | None = None
    location: str | None = None
    google_application_credentials: str | None = None
    credentials: Any = None
    safety_settings: Any = None
    tool_config: Any = None
    proxy: str | None = None
    include_thoughts: bool | None = None
    thinking_budget: int | None = None
    thinking_level: str | None = None


class GeminiVertexLLMConfigEntry(GeminiLLMConfigEntry):
    """Google Gemini on Vertex AI."""

    api_type: Literal["google_vertex"] = "google_vertex"  # type: ignore[assignment]


class MistralLLMConfigEntry(_StreamingProviderEntry):
    """Mistral AI."""

    api_type: Literal["mistral"] = "mistral"
    safe_prompt: bool = False
    random_seed: int | None = None
    hide_tools: Literal["if_all_run", "if_any_run", "never"] | None = "never"
    tool_choice: Literal["none", "auto", "any"] | None = None


class TogetherLLMConfigEntry(_StreamingProviderEntry):
    """Together.AI."""

    api_type: Literal["together"] = "together"
    max_tokens: int | None = Field(default=512, ge=0)
    hide_tools: Literal["if_all_run", "if_any_run", "never"] | None = "never"
    top_k: int | None = None
    repetition_penalty: float | None = None
    presence_penalty: float | None = Field(default=None, ge=-2, le=2)
    frequency_penalty: float | None = Field(default=None, ge=-2, le=2)
    min_p: float | None = Field(default=None, ge=0, le=1)
    safety_model: str | None = None
    tool_choice: str | dict[str, Any] | None = None
    """A mode ("auto", "none", "required") or the tool to call: {"type": "function", "function": {"name": ...}}."""


class GroqLLMConfigEntry(_StreamingProviderEntry):
    """Groq."""

    api_type: Literal["groq"] = "groq"
    hide_tools: Literal["if_all_run", "if_any_run", "never"] | None = "never"
    frequency_penalty: float | None = Field(default=None, ge=-2, le=2)
    presence_penalty: float | None = Field(default=None, ge=-2, le=2)
    tool_choice: Literal["none", "auto", "required"] | None = None


class CohereLLMConfigEntry(_StreamingProviderEntry):
    """Cohere."""

    api_type: Literal["cohere"] = "cohere"
    k: int = Field(default=0, ge=0, le=500)
    frequency_penalty: float = Field(default=0, ge=0, le=1)
    presence_penalty: float = Field(default=0, ge=0, le=1)
    strict_tools: bool = False
    client_name: str | None = None
    tool_choice: Literal["NONE", "REQUIRED"] | None = None


class OllamaLLMConfigEntry(_StreamingProviderEntry):
    """Ollama (local models)."""

    api_type: Literal["ollama"] = "ollama"
    client_host: str | None = None
    """The Ollama server, e.g. "http://localhost:11434" (``http://`` added when missing)."""
    num_predict: int = -1
    """Most tokens to generate: -1 unlimited, -2 fill the context."""
    num_ctx: int = 2048
    repeat_penalty: float = 1.1
    seed: int | None = 0
    top_k: int = 40
    hide_tools: Literal["if_all_run", "if_any_run", "never"] | None = "never"
    native_tool_calls: bool = False

    @field_validator("client_host", mode="before")
    @classmethod
    def _check_client_host(cls, v: Any) -> Any:
        return normalize_base_url(v)


class CerebrasLLMConfigEntry(_StreamingProviderEntry):
    """Cerebras."""

    api_type: Literal["cerebras"] = "cerebras"
    temperature: float | None = Field(default=None, ge=0, le=1.5)
    hide_tools: Literal["if_all_run", "if_any_run", "never"] | None = "never"
    tool_choice: Literal["none", "auto", "required"] | None = None
    reasoning_effort: str | None = None


# api_type -> entry class. The oai layer (or a user) may add providers with register_llm_config_entry.
_ENTRY_CLASSES: dict[str, type[LLMConfigEntry]] = {}
# Older spellings of api_type found in 0.1/0.2-era config files.
_API_TYPE_ALIASES: dict[str, str] = {"open_ai": "openai"}


def register_llm_config_entry(cls: type[LLMConfigEntry], api_type: str | None = None) -> type[LLMConfigEntry]:
    """Make ``cls`` the entry class for ``api_type`` (default: the class's own ``api_type`` default)."""
    name = api_type or cls.model_fields["api_type"].default
    if not isinstance(name, str) or not name:
        raise ValueError(f"{cls.__name__} has no default api_type; pass api_type= explicitly")
    _ENTRY_CLASSES[name] = cls
    return cls


for _cls in (
    OpenAILLMConfigEntry,
    AzureOpenAILLMConfigEntry,
    OpenAIResponsesLLMConfigEntry,
    OpenAIV2LLMConfigEntry,
    OpenAIResponsesV2LLMConfigEntry,
    DeepSeekLLMConfigEntry,
    AnthropicLLMConfigEntry,
    AnthropicV2LLMConfigEntry,
    BedrockLLMConfigEntry,
    BedrockV2LLMConfigEntry,
    GeminiLLMConfigEntry,
    GeminiVertexLLMConfigEntry,
    MistralLLMConfigEntry,
    TogetherLLMConfigEntry,
    GroqLLMConfigEntry,
    CohereLLMConfigEntry,
    OllamaLLMConfigEntry,
    CerebrasLLMConfigEntry,
):
    register_llm_config_entry(_cls)
del _cls


def known_api_types() -> list[str]:
    """The ``api_type`` values that have an entry class, sorted."""
    return sorted(_ENTRY_CLASSES)


def canonical_api_type(api_type: Any) -> str:
    """``api_type`` with ``None`` read as ``"openai"`` and old spellings mapped to the current ones."""
    if api_type is None:
        return "openai"
    return _API_TYPE_ALIASES.get(api_type, api_type) if isinstance(api_type, str) else api_type


def entry_class_for(api_type: Any) -> type[LLMConfigEntry] | None:
    """The entry class registered for ``api_type`` (``None`` means openai), or ``None`` when unknown."""
    return _ENTRY_CLASSES.get(canonical_api_type(api_type))  # type: ignore[arg-type]
