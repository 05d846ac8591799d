"""The ModelClient protocol that custom model clients implement."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from autogen.llm_config.client import ModelClient


class EchoClient:
    """A minimal custom client, written the way 0.2 notebooks write them (no base class)."""

    def __init__(self, config: dict[str, Any], **kwargs: Any) -> None:
        self.model = config["model"]

    def create(self, params: dict[str, Any]) -> Any:
        text = params["messages"][-1]["content"]
        message = SimpleNamespace(content=text.upper(), tool_calls=None)
        return SimpleNamespace(choices=[SimpleNamespace(message=message)], model=self.model, usage=None)

    def message_retrieval(self, response: Any) -> list[str]:
        return [choice.message.content for choice in response.choices]

    def cost(self, response: Any) -> float:
        return 0.0

    @staticmethod
    def get_usage(response: Any) -> dict[str, Any]:
        return dict.fromkeys(ModelClient.RESPONSE_USAGE_KEYS, 0) | {"model": response.model}


def test_usage_keys():
    assert ModelClient.RESPONSE_USAGE_KEYS == ["prompt_tokens", "completion_tokens", "total_tokens", "cost", "model"]


def test_a_plain_class_with_the_four_methods_is_a_model_client():
    client = EchoClient({"model": "echo"})
    assert isinstance(client, ModelClient)
    response = client.create({"messages": [{"role": "user", "content": "hi"}]})
    assert client.message_retrieval(response) == ["HI"]
    assert set(EchoClient.get_usage(response)) == set(ModelClient.RESPONSE_USAGE_KEYS)


def test_an_object_missing_a_method_is_not_a_model_client():
    class NoCost:
        def create(self, params): ...
        def message_retrieval(self, response): ...
        @staticmethod
        def get_usage(response): ...

    assert not isinstance(NoCost(), ModelClient)
    assert not isinstance(object(), ModelClient)


def test_response_shape_protocol_is_reachable_from_the_client_protocol():
    assert ModelClient.ModelClientResponseProtocol.__name__ == "ModelClientResponseProtocol"
