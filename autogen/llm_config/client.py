"""The ``ModelClient`` protocol: what a custom model client must provide to be used by ``OpenAIWrapper``.

A custom client is registered with ``agent.register_model_client(MyClient)`` for config entries that
name it in ``model_client_cls``; it is constructed as ``MyClient(config_dict, **kwargs)``.
"""

from __future__ import annotations

from typing import Any, ClassVar, Protocol, runtime_checkable

__all__ = ["ModelClient", "ModelClientResponseProtocol"]

_CLIENT_METHODS = ("create", "message_retrieval", "cost", "get_usage")


class ModelClientResponseProtocol(Protocol):
    """Shape of a response returned by ``ModelClient.create``.

    ``response.choices[i].message.content`` holds the text (or ``None`` when the message carries tool
    calls, which then look like OpenAI's ``message.tool_calls``), and ``response.model`` names the model.
    The usual choice is to return an ``openai`` ``ChatCompletion`` or an object shaped like one.
    """

    class Choice(Protocol):
        """One alternative reply."""

        class Message(Protocol):
            """The reply message."""

            content: str | dict[str, Any] | None

        message: Message

    choices: list[Choice]
    model: str


class _ModelClientMeta(type(Protocol)):  # type: ignore[misc]
    # isinstance() against ModelClient checks only the four methods: the protocol's class attributes
    # (RESPONSE_USAGE_KEYS, the response shape) are documentation, and custom clients rarely copy them.
    def __instancecheck__(cls, obj: object) -> bool:
        if cls.__dict__.get("_checks_methods_only"):
            return all(callable(getattr(obj, name, None)) for name in _CLIENT_METHODS)
        return super().__instancecheck__(obj)


@runtime_checkable
class ModelClient(Protocol, metaclass=_ModelClientMeta):
    """A model client usable by ``OpenAIWrapper``.

    Rules: ``create`` sends one request built from ``params`` (``messages``, ``model``, sampling
    options...) and returns a response shaped like ``ModelClientResponseProtocol``; ``message_retrieval``
    turns it into a list with one item per choice (a string, or a message object when it has tool or
    function calls); ``cost`` returns the request cost in US dollars (0 when unknown); ``get_usage``
    returns a dict with exactly the ``RESPONSE_USAGE_KEYS``.
    """

    _checks_methods_only = True

    RESPONSE_USAGE_KEYS: ClassVar[list[str]] = ["prompt_tokens", "completion_tokens", "total_tokens", "cost", "model"]

    ModelClientResponseProtocol = ModelClientResponseProtocol

    def create(self, params: dict[str, Any]) -> ModelClientResponseProtocol:
        """Send one request and return the response."""
        ...

    def message_retrieval(self, response: ModelClientResponseProtocol) -> list[str] | list[Any]:
        """Return one item per choice: text, or the message object when it carries tool/function calls."""
        ...

    def cost(self, response: ModelClientResponseProtocol) -> float:
        """Return the cost of ``response`` in US dollars."""
        ...

    @staticmethod
    def get_usage(response: ModelClientResponseProtocol) -> dict[str, Any]:
        """Return ``{key: value for key in RESPONSE_USAGE_KEYS}`` for ``response``."""
        ...
