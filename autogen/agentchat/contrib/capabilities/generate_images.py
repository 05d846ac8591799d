"""ImageGeneration capability (deprecated in ag2 0.13): an agent that draws the images it is asked for.

A TextAnalyzerAgent decides whether the last received message asks for an image and writes the
prompt; an `ImageGenerator` (e.g. `DalleImageGenerator`, OpenAI's images API) makes the image,
which the agent sends back as an ``image_url`` part. Generated images can be cached.
"""

from __future__ import annotations

import re
import warnings
from typing import TYPE_CHECKING, Any, Literal, Protocol

from .... import code_utils
from ...agent import Agent
from ...conversable_agent import ConversableAgent
from .. import img_utils
from ..text_analyzer_agent import TextAnalyzerAgent
from .agent_capability import AgentCapability

if TYPE_CHECKING:
    from PIL.Image import Image

__all__ = [
    "DESCRIPTION_MESSAGE",
    "PROMPT_INSTRUCTIONS",
    "SYSTEM_MESSAGE",
    "DalleImageGenerator",
    "ImageGeneration",
    "ImageGenerator",
]

SYSTEM_MESSAGE = "You've been given the special ability to generate images."
DESCRIPTION_MESSAGE = "This agent has the ability to generate images."

PROMPT_INSTRUCTIONS = """In detail, please summarize the provided prompt to generate the image described in the TEXT.
DO NOT include any advice. RESPOND like the following example:
EXAMPLE: Blue background, 3D shapes, ...
"""

_SHOULD_GENERATE = """
        Does any part of the TEXT ask the agent to generate an image?
        The TEXT must explicitly mention that the image must be generated.
        Answer with just one word, yes or no.
        """


class ImageGenerator(Protocol):
    """Makes an image (a PIL image) from a text prompt."""

    def generate_image(self, prompt: str) -> Image:
        """The image for ``prompt`` (ValueError when generation fails)."""
        ...

    def cache_key(self, prompt: str) -> str:
        """A key identifying the image ``prompt`` gives with this generator's settings."""
        ...


def _validate_resolution_format(resolution: str) -> None:
    """ValueError unless ``resolution`` looks like "1024x768"."""
    if re.match(r"^\d+x\d+$", resolution) is None:
        raise ValueError(f"Invalid resolution format: {resolution}")


def _validate_dalle_model(model: str) -> None:
    if model not in ("dall-e-3", "dall-e-2"):
        raise ValueError(f"Invalid DALL-E model: {model}. Must be 'dall-e-3' or 'dall-e-2'")


def _first_entry(llm_config: Any) -> dict[str, Any]:
    entry = llm_config["config_list"][0]
    if isinstance(entry, dict):
        return entry
    return entry.model_dump(exclude_none=True) if hasattr(entry, "model_dump") else dict(entry)


class DalleImageGenerator:
    """Images from OpenAI's DALL-E models (the first entry of ``llm_config``'s config list gives the
    model, the key and, when set, the ``base_url``).

    Args:
        llm_config: LLMConfig or dict with a "dall-e-2" / "dall-e-3" model.
        resolution: "256x256", "512x512", "1024x1024", "1792x1024" or "1024x1792".
        quality: "standard" or "hd".
        num_images: how many images to ask for (the first is used).
    """

    def __init__(
        self,
        llm_config: Any,
        resolution: Literal["256x256", "512x512", "1024x1024", "1792x1024", "1024x1792"] = "1024x1024",
        quality: Literal["standard", "hd"] = "standard",
        num_images: int = 1,
    ) -> None:
        entry = _first_entry(llm_config)
        _validate_dalle_model(entry["model"])
        _validate_resolution_format(resolution)
        img_utils._pil()  # Pillow is needed to return images: fail now, naming the extra
        from ....import_utils import optional_import

        openai = optional_import("openai", "openai", feature="DalleImageGenerator")
        self._model = entry["model"]
        self._resolution = resolution
        self._quality = quality
        self._num_images = num_images
        self._dalle_client = openai.OpenAI(api_key=entry.get("api_key"), base_url=entry.get("base_url"))

    def generate_image(self, prompt: str) -> Image:
        response = self._dalle_client.images.generate(
            model=self._model, prompt=prompt, size=self._resolution, quality=self._quality, n=self._num_images
        )
        first = response.data[0] if response.data else None
        if first is not None and first.url:
            return img_utils.get_pil_image(first.url)
        if first is not None and getattr(first, "b64_json", None):
            return img_utils.get_pil_image(first.b64_json)
        raise ValueError("Failed to generate image.")

    def cache_key(self, prompt: str) -> str:
        return ",".join(str(k) for k in (prompt, self._model, self._resolution, self._quality, self._num_images))


class ImageGeneration(AgentCapability):
    """(Deprecated) Lets an agent generate the images it is asked for.

    Args:
        image_generator: what makes the images.
        cache: an AbstractCache for generated images (None: no cache).
        text_analyzer_llm_config: LLM config of the TextAnalyzerAgent (default: the agent's).
        text_analyzer_instructions: how the analyzer turns a request into an image prompt.
        verbosity: 0 or more (kept for compatibility).
        register_reply_position: where the image reply goes in the agent's reply functions.
    """

    def __init__(
        self,
        image_generator: ImageGenerator,
        cache: Any = None,
        text_analyzer_llm_config: Any = None,
        text_analyzer_instructions: str = PROMPT_INSTRUCTIONS,
        verbosity: int = 0,
        register_reply_position: int = 2,
    ) -> None:
        warnings.warn(
            "ImageGeneration capability is deprecated and will be removed in v0.14. "
            "It depends on the deprecated TextAnalyzerAgent.",
            DeprecationWarning,
            stacklevel=2,
        )
        self._image_generator = image_generator
        self._cache = cache
        self._text_analyzer_llm_config = text_analyzer_llm_config
        self._text_analyzer_instructions = text_analyzer_instructions
        self._verbosity = verbosity
        self._register_reply_position = register_reply_position
        self._agent: ConversableAgent | None = None
        self._text_analyzer: TextAnalyzerAgent | None = None

    def add_to_agent(self, agent: ConversableAgent) -> None:
        """Register the image reply, make the text analyzer, and tell the agent (system message and
        description) that it can generate images."""
        self._agent = agent
        agent.register_reply([Agent, None], self._image_gen_reply, position=self._register_reply_position)
        self._text_analyzer_llm_config = self._text_analyzer_llm_config or agent.llm_config
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            self._text_analyzer = TextAnalyzerAgent(llm_config=self._text_analyzer_llm_config)
        agent.update_system_message(agent.system_message + "\n" + SYSTEM_MESSAGE)
        agent.description += "\n" + DESCRIPTION_MESSAGE

    def _image_gen_reply(
        self,
        recipient: ConversableAgent,
        messages: list[dict[str, Any]] | None,
        sender: Agent | None = None,
        config: Any | None = None,
    ) -> tuple[bool, str | dict[str, Any] | None]:
        if messages is None:
            return False, None
        last_message = code_utils.content_str(messages[-1]["content"])
        if not last_message or not self._should_generate_image(last_message):
            return False, None
        prompt = self._extract_prompt(last_message)
        image = self._cache_get(prompt)
        if image is None:
            image = self._image_generator.generate_image(prompt)
            self._cache_set(prompt, image)
        return True, self._generate_content_message(prompt, image)

    def _should_generate_image(self, message: str) -> bool:
        assert self._text_analyzer is not None
        analysis = self._text_analyzer.analyze_text(message, _SHOULD_GENERATE)
        return "yes" in self._extract_analysis(analysis).lower()

    def _extract_prompt(self, last_message: str) -> str:
        assert self._text_analyzer is not None
        return self._extract_analysis(self._text_analyzer.analyze_text(last_message, self._text_analyzer_instructions))

    def _cache_get(self, prompt: str) -> Image | None:
        if self._cache:
            cached = self._cache.get(self._image_generator.cache_key(prompt))
            if cached:
                return img_utils.get_pil_image(cached)
        return None

    def _cache_set(self, prompt: str, image: Image) -> None:
        if self._cache:
            self._cache.set(self._image_generator.cache_key(prompt), img_utils.pil_to_data_uri(image))

    def _extract_analysis(self, analysis: str | dict[str, Any] | None) -> str:
        if isinstance(analysis, dict):
            return code_utils.content_str(analysis["content"])
        return code_utils.content_str(analysis)

    def _generate_content_message(self, prompt: str, image: Image) -> dict[str, Any]:
        return {
            "content": [
                {"type": "text", "text": f"I generated an image with the prompt: {prompt}"},
                {"type": "image_url", "image_url": {"url": img_utils.pil_to_data_uri(image)}},
            ]
        }
