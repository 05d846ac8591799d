"""LLaVAAgent (deprecated in ag2 0.13): a multimodal agent for LLaVA models.

Each config entry reaches LLaVA one of three ways, chosen from its ``base_url``:

- an OpenAI-compatible server (the URL ends in ``/v1``, as vLLM, Ollama, LM Studio and llama.cpp
  serve LLaVA, or the entry names a non-OpenAI ``api_type`` such as "ollama"): the chat-completions
  API with the images as ``image_url`` parts, through the library's client;
- a LLaVA model worker on this machine (``localhost``, ``127.0.0.1`` or ``0.0.0.0``): its
  ``POST /worker_generate_stream`` protocol (a ``###``-separated prompt, NUL-delimited JSON answers);
- anything else: the model on Replicate (``pip install "ag2[lmm]"``, ``REPLICATE_API_TOKEN``).
"""

from __future__ import annotations

import json
import logging
import warnings
from typing import Any

from ...code_utils import content_str
from ...import_utils import optional_import
from ..agent import Agent
from .img_utils import convert_base64_to_data_uri, get_image_data, llava_formatter
from .multimodal_conversable_agent import MultimodalConversableAgent

__all__ = ["DEFAULT_LLAVA_SYS_MSG", "SEP", "LLaVAAgent", "llava_call", "llava_call_binary"]

logger = logging.getLogger(__name__)

SEP = "###"

DEFAULT_LLAVA_SYS_MSG = "You are an AI agent and you can view images."

_LOCAL_HOSTS = ("0.0.0.0", "localhost", "127.0.0.1")


def _entry_dict(config: Any) -> dict[str, Any]:
    if isinstance(config, dict):
        return config
    if hasattr(config, "model_dump"):
        return config.model_dump(exclude_none=True)
    return dict(config)


def _mode(config: dict[str, Any]) -> str:
    """ "openai" (an OpenAI-compatible server), "local" (a LLaVA worker) or "remote" (Replicate)."""
    base_url = str(config.get("base_url") or "")
    api_type = config.get("api_type")
    if (api_type and api_type != "openai") or base_url.rstrip("/").endswith("/v1"):
        return "openai"
    if any(host in base_url for host in _LOCAL_HOSTS):
        return "local"
    return "remote"


class LLaVAAgent(MultimodalConversableAgent):
    """(Deprecated) A multimodal agent answering with a LLaVA model (see the module docstring for
    the ways it reaches one)."""

    def __init__(
        self,
        name: str,
        system_message: str | list[Any] | None = DEFAULT_LLAVA_SYS_MSG,
        *args: Any,
        **kwargs: Any,
    ) -> None:
        warnings.warn(
            "LLaVAAgent is deprecated and will be removed in v0.14. "
            "v1.0 will contain native multimodal support on Agent.",
            DeprecationWarning,
            stacklevel=2,
        )
        super().__init__(name, *args, system_message=system_message, **kwargs)
        assert self.llm_config is not None, "llm_config must be provided."
        self.register_reply([Agent, None], reply_func=LLaVAAgent._image_reply, position=2)

    def _config_list(self) -> list[dict[str, Any]]:
        if not self.llm_config:
            return []
        return [_entry_dict(c) for c in self.llm_config["config_list"]]

    def _image_reply(
        self, messages: list[dict[str, Any]] | None = None, sender: Agent | None = None, config: Any = None
    ) -> tuple[bool, str | None]:
        if messages is None and sender is None:
            error_msg = f"Either {messages=} or {sender=} must be provided."
            logger.error(error_msg)
            raise AssertionError(error_msg)
        configs = self._config_list()
        if configs and _mode(configs[0]) == "openai":
            return False, None  # the multimodal chat-completions reply answers
        if messages is None:
            messages = self._oai_messages[sender]  # type: ignore[index]

        images: list[Any] = []
        prompt = content_str(self.system_message) + "\n"
        for msg in messages:
            role = "Human" if msg["role"] == "user" else "Assistant"
            content = msg.get("content")
            if isinstance(content, list):
                images += [part["image_url"]["url"] for part in content if part.get("type") == "image_url"]
            prompt += f"{SEP}{role}: {content_str(content)}\n"
        prompt += "\n" + SEP + "Assistant: "
        images = [get_image_data(image) for image in images]

        max_tokens = self.llm_config.get("max_tokens") if self.llm_config else None
        temperature = self.llm_config.get("temperature", 0.5) if self.llm_config else 0.5
        out = ""
        for _ in range(10):
            out = llava_call_binary(
                prompt=prompt,
                images=images,
                config_list=configs,
                temperature=0.5 if temperature is None else temperature,
                max_new_tokens=max_tokens or 2000,
            )
            if out:
                break
        assert out, "Empty response from LLaVA."
        return True, out


def _worker_call(
    prompt: str, images: list[str], config: dict[str, Any], max_new_tokens: int, temperature: float
) -> str:
    """One answer of a LLaVA model worker (its ``/worker_generate_stream`` protocol)."""
    try:
        import requests
    except ImportError as e:  # pragma: no cover - requests comes with the lmm extra
        raise ImportError('LLaVAAgent needs the package "requests": pip install "ag2[lmm]"') from e
    payload = {
        "model": config["model"],
        "prompt": prompt,
        "max_new_tokens": max_new_tokens,
        "temperature": temperature,
        "stop": SEP,
        "images": images,
    }
    response = requests.post(
        config["base_url"].rstrip("/") + "/worker_generate_stream",
        headers={"User-Agent": "LLaVA Client"},
        json=payload,
        stream=False,
    )
    output = ""
    for chunk in response.iter_lines(chunk_size=8192, decode_unicode=False, delimiter=b"\0"):
        if chunk:
            output = json.loads(chunk.decode("utf-8"))["text"].split(SEP)[-1]
    # The worker echoes the prompt, so the last turn starts with its role: keep the answer only.
    return output.removeprefix("Assistant:").strip()


def _replicate_call(prompt: str, images: list[str], config: dict[str, Any], seed: int | None) -> str:
    """The model's answer on Replicate (which takes one image)."""
    replicate = optional_import("replicate", "lmm", feature="LLaVAAgent on Replicate")
    image = "data:image/jpeg;base64," + images[0]
    chunks = replicate.run(
        config["base_url"], input={"image": image, "prompt": prompt.replace("<image>", " "), "seed": seed}
    )
    return "".join(chunks)


def _openai_call(
    prompt: str, images: list[str], config: dict[str, Any], max_new_tokens: int, temperature: float, seed: int | None
) -> str:
    """The model's answer from an OpenAI-compatible server (images as ``image_url`` parts)."""
    from ...oai.client import OpenAIWrapper

    parts: list[dict[str, Any]] = [{"type": "text", "text": prompt}]
    parts += [{"type": "image_url", "image_url": {"url": convert_base64_to_data_uri(image)}} for image in images]
    client = OpenAIWrapper(config_list=[config], cache_seed=None)
    extra: dict[str, Any] = {"max_tokens": max_new_tokens, "temperature": temperature}
    if seed is not None:
        extra["seed"] = seed
    response = client.create(messages=[{"role": "user", "content": parts}], **extra)
    text = client.extract_text_or_completion_object(response)[0]
    return text if isinstance(text, str) else content_str(getattr(text, "content", None))


def _llava_call_binary_with_config(
    prompt: str,
    images: list[Any],
    config: dict[str, Any],
    max_new_tokens: int = 1000,
    temperature: float = 0.5,
    seed: int | None = 1,
) -> str:
    config = _entry_dict(config)
    mode = _mode(config)
    if mode == "openai":
        output = _openai_call(prompt, images, config, max_new_tokens, temperature, seed)
    elif mode == "local":
        output = _worker_call(prompt, images, config, max_new_tokens, temperature)
    else:
        output = _replicate_call(prompt, images, config, seed)
    return output.replace(prompt, "").strip()


def llava_call_binary(
    prompt: str,
    images: list[Any],
    config_list: list[dict[str, Any]],
    max_new_tokens: int = 1000,
    temperature: float = 0.5,
    seed: int | None = 1,
) -> str | None:
    """The first answer any config of ``config_list`` gives (None when all fail: each failure is printed)."""
    for config in config_list:
        try:
            return _llava_call_binary_with_config(prompt, images, config, max_new_tokens, temperature, seed)
        except Exception as e:  # noqa: BLE001 - the next config is tried, as the original does
            print(f"Error: {e}")
    return None


def llava_call(prompt: str, llm_config: Any) -> str | None:
    """Ask LLaVA about ``prompt``, whose ``<img ...>`` tags give the images."""
    prompt, images = llava_formatter(prompt, order_image_tokens=False)
    for image in images:
        if len(image) == 0:
            raise RuntimeError("An image is empty!")
    return llava_call_binary(
        prompt,
        images,
        config_list=llm_config["config_list"],
        max_new_tokens=llm_config.get("max_new_tokens", 2000),
        temperature=llm_config.get("temperature", 0.5),
        seed=llm_config.get("seed"),
    )
