"""MultimodalConversableAgent: an agent whose messages may carry images.

A text message's ``<img location>`` tags become OpenAI ``image_url`` content parts (the image is
loaded as a PIL image when the message is stored); requests send the images as base64 data URIs.
Every provider client of the library reads those parts (OpenAI and OpenAI-compatible APIs as they
are; Anthropic, Gemini, Bedrock, Mistral, Cohere and Ollama convert them to their own image blocks).
"""

from __future__ import annotations

import copy
from typing import Any, ClassVar

from ...code_utils import content_str
from .._messages import to_api_messages
from ..agent import Agent
from ..conversable.stock import a_run_reply_step, register_stock_flow, run_reply_step
from ..conversable_agent import ConversableAgent
from .img_utils import gpt4v_formatter, message_formatter_pil_to_b64

__all__ = ["DEFAULT_LMM_SYS_MSG", "DEFAULT_MODEL", "MultimodalConversableAgent"]

DEFAULT_LMM_SYS_MSG = """You are a helpful AI assistant."""
DEFAULT_MODEL = "gpt-4-vision-preview"

# Messages of these roles keep a str content: providers take text tool results.
_TEXT_ONLY_ROLES = ("tool", "function")


def _is_terminate(message: dict[str, Any]) -> bool:
    return content_str(message.get("content")) == "TERMINATE"


class MultimodalConversableAgent(ConversableAgent):
    """A ConversableAgent for multimodal models: images in its system message and in the messages
    it stores are kept as content parts and sent to the model."""

    DEFAULT_CONFIG: ClassVar[dict[str, Any]] = {"model": DEFAULT_MODEL}

    def __init__(
        self,
        name: str,
        system_message: str | list[Any] | None = DEFAULT_LMM_SYS_MSG,
        is_termination_msg: Any = None,
        *args: Any,
        **kwargs: Any,
    ) -> None:
        super().__init__(name, system_message, is_termination_msg, *args, **kwargs)
        self.update_system_message(system_message if system_message is not None else "")
        self._is_termination_msg = is_termination_msg if is_termination_msg is not None else _is_terminate
        self.replace_reply_func(ConversableAgent.generate_oai_reply, MultimodalConversableAgent.generate_oai_reply)
        self.replace_reply_func(ConversableAgent.a_generate_oai_reply, MultimodalConversableAgent.a_generate_oai_reply)

    def update_system_message(self, system_message: dict[str, Any] | list[Any] | str) -> None:  # type: ignore[override]
        """Replace the system message (its ``<img ...>`` tags become image parts)."""
        self._oai_system_message[0]["content"] = self._message_to_dict(system_message)["content"]
        self._oai_system_message[0]["role"] = "system"

    def _append_oai_message(self, message: dict[str, Any] | str, *args: Any, **kwargs: Any) -> bool:
        """Store ``message`` with its ``<img ...>`` tags turned into image parts (same arguments
        as `ConversableAgent._append_oai_message`)."""
        if isinstance(message, dict) and (message.get("role") in _TEXT_ONLY_ROLES or "content" not in message):
            return super()._append_oai_message(message, *args, **kwargs)
        return super()._append_oai_message(self._message_to_dict(message), *args, **kwargs)

    @staticmethod
    def _message_to_dict(message: dict[str, Any] | list[Any] | str) -> dict[str, Any]:  # type: ignore[override]
        """A message as a dict whose content is a list of parts: a str is split at its image tags,
        a list is taken as the parts, a dict's str content is split (the dict is copied)."""
        if isinstance(message, str):
            return {"content": gpt4v_formatter(message, img_format="pil")}
        if isinstance(message, list):
            return {"content": message}
        if isinstance(message, dict):
            assert "content" in message, "The message dict must have a `content` field"
            if isinstance(message["content"], str):
                message = copy.copy(message)
                message["content"] = gpt4v_formatter(message["content"], img_format="pil")
            try:
                content_str(message["content"])
            except (TypeError, ValueError):
                print("The `content` field should be compatible with the content_str function!")
                raise
            return message
        raise ValueError(f"Unsupported message type: {type(message)}")

    # ---------------------------------------------------------------- the model call

    def _oai_reply_flow(
        self,
        messages: list[dict[str, Any]] | None,
        sender: Agent | None,
        config: Any,
        extra: dict[str, Any] | None = None,
    ) -> Any:
        client = self.client if config is None else config
        if client is None:
            return False, None
        if messages is None:
            messages = self._oai_messages[sender]  # type: ignore[index]
        request = to_api_messages(
            message_formatter_pil_to_b64(self._oai_system_message), message_formatter_pil_to_b64(messages)
        )
        return self._multimodal_flow(client, request, messages, extra)

    def _multimodal_flow(
        self, client: Any, request: list[dict[str, Any]], messages: list[dict[str, Any]], extra: dict[str, Any] | None
    ) -> Any:
        for hook in self.hook_lists["safeguard_llm_inputs"]:
            if hook(request) is None:
                return True, {"content": "LLM call blocked by safeguard", "role": "assistant"}
        context = messages[-1].get("context") if messages else None
        reply = yield from self._llm_flow(client, request, context, self.client_cache, extra)
        if reply is None:
            return False, None
        return True, reply

    def generate_oai_reply(  # type: ignore[override]
        self,
        messages: list[dict[str, Any]] | None = None,
        sender: Agent | None = None,
        config: Any | None = None,
        **kwargs: Any,
    ) -> tuple[bool, str | dict[str, Any] | None]:
        """Reply with the model; PIL images in the history are sent as base64 data URIs."""
        return run_reply_step(self._oai_reply_flow(messages, sender, config, kwargs))

    async def a_generate_oai_reply(  # type: ignore[override]
        self,
        messages: list[dict[str, Any]] | None = None,
        sender: Agent | None = None,
        config: Any | None = None,
        **kwargs: Any,
    ) -> tuple[bool, str | dict[str, Any] | None]:
        """Async twin of `generate_oai_reply`."""
        return await a_run_reply_step(self._oai_reply_flow(messages, sender, config, kwargs))


register_stock_flow(
    MultimodalConversableAgent.generate_oai_reply, MultimodalConversableAgent.a_generate_oai_reply, "_oai_reply_flow"
)
