"""Image helpers for multimodal messages: load images (file, URL, data URI, base64, PIL), turn
``<img ...>`` tags into OpenAI-style content parts, and count the tokens an image costs.

Pillow is imported on first use (``pip install "ag2[lmm]"``).
"""

from __future__ import annotations

import base64
import copy
import os
import re
from io import BytesIO
from math import ceil
from typing import TYPE_CHECKING, Any

from ...import_utils import optional_import
from ..utils import parse_tags_from_content

if TYPE_CHECKING:
    from PIL.Image import Image as PILImage

__all__ = [
    "MODEL_PARAMS",
    "convert_base64_to_data_uri",
    "extract_img_paths",
    "get_image_data",
    "get_pil_image",
    "gpt4v_formatter",
    "llava_formatter",
    "message_formatter_pil_to_b64",
    "num_tokens_from_gpt_image",
    "pil_to_data_uri",
]

# Tiling parameters of OpenAI's image token count, per model family.
MODEL_PARAMS: dict[str, dict[str, int]] = {
    "gpt-4-vision": {
        "max_edge": 2048,
        "min_edge": 768,
        "tile_size": 512,
        "base_token_count": 85,
        "token_multiplier": 170,
    },
    "gpt-4o-mini": {
        "max_edge": 2048,
        "min_edge": 768,
        "tile_size": 512,
        "base_token_count": 2833,
        "token_multiplier": 5667,
    },
    "gpt-4o": {"max_edge": 2048, "min_edge": 768, "tile_size": 512, "base_token_count": 85, "token_multiplier": 170},
}

_DATA_URI_PREFIX = re.compile(r"data:image/(?:jpg|jpeg|png|gif|bmp|webp);base64,")
_IMG_TAG = re.compile(r"<img ([^>]+)>")
_IMG_PATH = re.compile(
    r"\b(?:http[s]?://\S+\.(?:jpg|jpeg|png|gif|bmp|webp)|\S+\.(?:jpg|jpeg|png|gif|bmp|webp))\b", re.IGNORECASE
)


def _pil() -> Any:
    """The ``PIL.Image`` module (ImportError naming the extra when Pillow is missing)."""
    return optional_import("PIL.Image", "lmm", feature="Image support")


def _is_pil_image(obj: Any) -> bool:
    module = type(obj).__module__
    if not module.startswith("PIL."):
        return False
    return isinstance(obj, _pil().Image)


def _fetch(url: str) -> bytes:
    """The bytes at an http(s) URL (through ``requests`` when installed, else urllib)."""
    try:
        import requests
    except ImportError:
        import urllib.request

        with urllib.request.urlopen(url, timeout=30) as response:
            return response.read()
    response = requests.get(url, timeout=30)
    return response.content


def _to_pil(data: str) -> PILImage:
    """A PIL image from base64-encoded image bytes."""
    return _pil().open(BytesIO(base64.b64decode(data)))


def get_pil_image(image_file: str | PILImage) -> PILImage:
    """Load an image as an RGB PIL image.

    ``image_file`` is a PIL image (returned as it is), an http(s) URL, a ``data:image/...;base64,``
    URI, a local path, or a bare base64 string; surrounding quotes are ignored.
    """
    if _is_pil_image(image_file):
        return image_file  # type: ignore[return-value]
    Image = _pil()
    location = str(image_file)
    if len(location) >= 2 and location[0] == location[-1] and location[0] in "\"'":
        location = location[1:-1]
    if location.startswith(("http://", "https://")):
        image = Image.open(BytesIO(_fetch(location)))
    elif _DATA_URI_PREFIX.match(location):
        image = _to_pil(_DATA_URI_PREFIX.sub("", location, count=1))
    elif os.path.exists(location):
        image = Image.open(location)
    else:
        image = _to_pil(location)
    return image.convert("RGB")


def _png_bytes(image: PILImage) -> bytes:
    buffer = BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def get_image_data(image_file: str | PILImage, use_b64: bool = True) -> Any:
    """The image re-encoded as PNG: a base64 str (``use_b64=True``, the default) or raw bytes."""
    content = _png_bytes(get_pil_image(image_file))
    return base64.b64encode(content).decode("utf-8") if use_b64 else content


def llava_formatter(prompt: str, order_image_tokens: bool = False) -> tuple[str, list[str]]:
    """Replace each ``<img location>`` tag by an ``<image>`` token (``<image N>`` when
    ``order_image_tokens``) and return the new prompt with the images as base64 PNG strings.
    A tag whose image cannot be loaded is dropped with a warning."""
    new_prompt = prompt
    images: list[str] = []
    for match in _IMG_TAG.finditer(prompt):
        location = match.group(1)
        try:
            data = get_image_data(location)
        except Exception as e:  # noqa: BLE001 - any load failure drops the tag, as the original does
            print(f"Warning! Unable to load image from {location}, because of {e}")
            new_prompt = new_prompt.replace(match.group(0), "", 1)
            continue
        token = f"<image {len(images)}>" if order_image_tokens else "<image>"
        images.append(data)
        new_prompt = new_prompt.replace(match.group(0), token, 1)
    return new_prompt, images


def pil_to_data_uri(image: PILImage) -> str:
    """A PIL image as a ``data:image/png;base64,...`` URI."""
    return convert_base64_to_data_uri(base64.b64encode(_png_bytes(image)).decode("utf-8"))


def _mime_type(raw: bytes) -> str:
    if raw.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if raw.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if raw.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if raw.startswith(b"RIFF") and raw[8:12] == b"WEBP":
        return "image/webp"
    return "image/jpeg"  # unknown signature: JPEG is the likeliest


def convert_base64_to_data_uri(base64_image: str) -> str:
    """A base64 image as a data URI, its MIME type read from the image's signature bytes."""
    return f"data:{_mime_type(base64.b64decode(base64_image))};base64,{base64_image}"


def gpt4v_formatter(prompt: str, img_format: str = "uri") -> list[str | dict[str, Any]]:
    """Split ``prompt`` at its ``<img ...>`` tags into OpenAI content parts: text parts and
    ``{"type": "image_url", "image_url": {"url": ...}}`` parts.

    ``img_format`` says what the url holds: "uri" (a base64 data URI), "url" (the tag's location
    as written) or "pil" (a PIL image, converted later by `message_formatter_pil_to_b64`).
    An image that cannot be loaded is skipped with a warning.
    """
    assert img_format in ("uri", "url", "pil"), f"img_format must be 'uri', 'url' or 'pil', not {img_format!r}"
    parts: list[str | dict[str, Any]] = []
    last = 0
    for tag in parse_tags_from_content("img", prompt):
        location = tag["attr"]["src"]
        try:
            if img_format == "pil":
                url: Any = get_pil_image(location)
            elif img_format == "uri":
                url = convert_base64_to_data_uri(get_image_data(location))
            else:
                url = location
        except Exception as e:  # noqa: BLE001 - an unloadable image is left out, as the original does
            print(f"Warning! Unable to load image from {location}, because {e}")
            continue
        parts.append({"type": "text", "text": prompt[last : tag["match"].start()]})
        parts.append({"type": "image_url", "image_url": {"url": url}})
        last = tag["match"].end()
    parts.append({"type": "text", "text": prompt[last:]})
    return parts


def extract_img_paths(paragraph: str) -> list[str]:
    """The image URLs and file paths (by extension) mentioned in ``paragraph``."""
    return _IMG_PATH.findall(paragraph)


def message_formatter_pil_to_b64(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A copy of ``messages`` where every PIL image in an ``image_url`` part became a data URI
    (messages without such parts are passed through as they are)."""
    out = []
    for message in messages:
        content = message.get("content") if isinstance(message, dict) else None
        if isinstance(content, list) and any(_holds_pil(item) for item in content):
            message = copy.copy(message)
            new_content = []
            for item in content:
                if _holds_pil(item):
                    item = {
                        **item,
                        "image_url": {**item["image_url"], "url": pil_to_data_uri(item["image_url"]["url"])},
                    }
                new_content.append(item)
            message["content"] = new_content
        out.append(message)
    return out


def _holds_pil(item: Any) -> bool:
    if not isinstance(item, dict):
        return False
    image = item.get("image_url")
    return isinstance(image, dict) and _is_pil_image(image.get("url"))


def num_tokens_from_gpt_image(
    image_data: str | PILImage, model: str = "gpt-4-vision", low_quality: bool = False
) -> int:
    """The input tokens an image costs on OpenAI's vision models ("gpt-4-vision" / "gpt-4-turbo" /
    "gpt-4v", "gpt-4o", "gpt-4o-mini"): the image is scaled to fit 2048 on its long edge and 768
    on its short one, then counted in 512-pixel tiles; ``low_quality`` costs the base count only."""
    if any(key in model for key in ("gpt-4-vision", "gpt-4-turbo", "gpt-4v", "gpt-4-v")):
        params = MODEL_PARAMS["gpt-4-vision"]
    elif "gpt-4o-mini" in model:
        params = MODEL_PARAMS["gpt-4o-mini"]
    elif "gpt-4o" in model:
        params = MODEL_PARAMS["gpt-4o"]
    else:
        raise ValueError(
            f"Model {model} is not supported. Choose 'gpt-4-vision', 'gpt-4-turbo', 'gpt-4v', 'gpt-4-v', "
            "'gpt-4o', or 'gpt-4o-mini'."
        )
    if low_quality:
        return params["base_token_count"]
    width, height = get_pil_image(image_data).size
    if max(width, height) > params["max_edge"]:
        scale = params["max_edge"] / max(width, height)
        width, height = int(width * scale), int(height * scale)
    if min(width, height) > params["min_edge"]:
        scale = params["min_edge"] / min(width, height)
        width, height = int(width * scale), int(height * scale)
    tiles = ceil(width / params["tile_size"]) * ceil(height / params["tile_size"])
    return params["base_token_count"] + params["token_multiplier"] * tiles
