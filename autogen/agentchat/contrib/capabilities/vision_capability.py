"""VisionCapability: lets an agent whose model cannot see images read them through captions.

Each image in a received message (an ``<img ...>`` tag or an ``image_url`` part) is described by a
multimodal model (``lmm_config``) or by ``custom_caption_func``, and the caption is put next to it
in the text the agent's own model reads.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from ....code_utils import content_str
from ...conversable_agent import ConversableAgent
from .. import img_utils
from .agent_capability import AgentCapability

__all__ = ["DEFAULT_DESCRIPTION_PROMPT", "VisionCapability"]

DEFAULT_DESCRIPTION_PROMPT = (
    "Write a detailed caption for this image. "
    "Pay special attention to any details that might be useful or relevant "
    "to the ongoing conversation."
)


class VisionCapability(AgentCapability):
    """Captions the images of the last received message before the agent replies.

    Args:
        lmm_config: config of the multimodal model that writes the captions (an OpenAIWrapper config).
        description_prompt: what the caption model is asked.
        custom_caption_func: ``func(image_url, pil_image, lmm_client) -> str``; used instead of the
            caption model when given.
    """

    def __init__(
        self,
        lmm_config: dict[str, Any],
        description_prompt: str | None = DEFAULT_DESCRIPTION_PROMPT,
        custom_caption_func: Callable[..., str] | None = None,
    ) -> None:
        self._lmm_config = lmm_config
        self._description_prompt = description_prompt
        self._parent_agent: ConversableAgent | None = None
        if lmm_config:
            from ....oai.client import OpenAIWrapper

            self._lmm_client: Any = OpenAIWrapper(**lmm_config)
        else:
            self._lmm_client = None
        self._custom_caption_func = custom_caption_func
        assert self._lmm_config or custom_caption_func, (
            "Vision Capability requires a valid lmm_config or custom_caption_func."
        )

    def add_to_agent(self, agent: ConversableAgent) -> None:
        self._parent_agent = agent
        agent.update_system_message(agent.system_message + "\nYou've been given the ability to interpret images.")
        agent.register_hook(hookable_method="process_last_received_message", hook=self.process_last_received_message)

    def process_last_received_message(self, content: str | list[dict[str, Any]]) -> str:
        """The content as text, each image followed by its caption:
        ``<img URL> in case you can not see, the caption of this image is: CAPTION``."""
        content = copy.deepcopy(content)
        if isinstance(content, str):
            content = img_utils.gpt4v_formatter(content, img_format="url")
        text = ""
        for item in content:
            assert isinstance(item, dict)
            kind = item["type"]
            if kind == "text":
                text += item["text"]
            elif kind == "image_url":
                url = item["image_url"]["url"]
                if self._custom_caption_func:
                    caption = self._custom_caption_func(url, img_utils.get_pil_image(url), self._lmm_client)
                elif self._lmm_client:
                    caption = self._get_image_caption(img_utils.get_image_data(url))
                else:
                    caption = ""
                text += f"<img {url}> in case you can not see, the caption of this image is: {caption}\n"
            else:
                print(f"Warning: the input type should either be `text` or `image_url`. Skip {kind} here.")
        return text

    def _get_image_caption(self, img_data: str) -> str:
        """The caption model's description of a base64 image."""
        prompt = {"type": "text", "text": self._description_prompt}
        image = {"type": "image_url", "image_url": {"url": img_utils.convert_base64_to_data_uri(img_data)}}
        response = self._lmm_client.create(context=None, messages=[{"role": "user", "content": [prompt, image]}])
        return content_str(response.choices[0].message.content)
