"""Config-list helpers: load config lists from JSON/env/.env/key files and filter them.

A config list is a list of plain dicts, one per model endpoint (``model``, ``api_key``, ``base_url``,
``api_type``, ``api_version``, ``tags``...), as found in an ``OAI_CONFIG_LIST`` file.
"""

from __future__ import annotations

import copy
import errno
import json
import logging
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

__all__ = [
    "DEFAULT_AZURE_API_VERSION",
    "NON_CACHE_KEY",
    "config_list_from_dotenv",
    "config_list_from_json",
    "config_list_from_models",
    "config_list_gpt4_gpt35",
    "config_list_openai_aoai",
    "filter_config",
    "get_config",
    "get_config_list",
    "get_first_llm_config",
    "get_key",
    "is_valid_api_key",
]

logger = logging.getLogger(__name__)

_COLLECTIONS = (list, tuple, set, frozenset)

DEFAULT_AZURE_API_VERSION = "2024-02-01"
"""The ``api_version`` given to Azure configs built from keys (``config_list_openai_aoai``)."""

NON_CACHE_KEY = [
    "api_key",
    "base_url",
    "api_type",
    "api_version",
    "azure_ad_token",
    "azure_ad_token_provider",
    "credentials",
]
"""Config keys that say where and as whom to call, not what to ask: left out of cache keys."""

# OpenAI keys have no published grammar; "sk-" plus a long run of URL-safe characters covers the
# known forms (sk-..., sk-proj-..., sk-svcacct-...).
_OPENAI_KEY_RE = re.compile(r"sk-[A-Za-z0-9_-]{48,}")


# ----------------------------------------------------------------------------------------------
# filtering
# ----------------------------------------------------------------------------------------------
def _field_matches(value: Any, criterion: Any) -> bool:
    if value is None:
        # A missing/None field never matches, even when None is among the accepted values.
        return False
    if isinstance(value, _COLLECTIONS):
        if isinstance(criterion, _COLLECTIONS):
            return any(item in criterion for item in value)
        return criterion in value
    if isinstance(criterion, _COLLECTIONS):
        return value in criterion
    return value == criterion


def _field(config: Any, key: str) -> Any:
    if isinstance(config, Mapping):
        return config.get(key)
    getter = getattr(config, "get", None)
    return getter(key) if callable(getter) else getattr(config, key, None)


def filter_config(
    config_list: list[Any],
    filter_dict: Mapping[str, Any] | None,
    exclude: bool = False,
) -> list[Any]:
    """Keep the configs that match ``filter_dict`` (or, with ``exclude=True``, that match none of it).

    For each ``key: accepted`` pair, a config matches when its value is in ``accepted`` (a list/set)
    or equals it (a scalar); a list-valued field such as ``tags`` matches when it shares an item with
    ``accepted`` (or contains the scalar). All keys must match (AND). A missing or ``None`` field never
    matches. ``exclude=True`` keeps the configs for which every key fails. No filter: list unchanged.
    """
    if not filter_dict:
        return config_list
    if exclude:
        return [c for c in config_list if not any(_field_matches(_field(c, k), v) for k, v in filter_dict.items())]
    return [c for c in config_list if all(_field_matches(_field(c, k), v) for k, v in filter_dict.items())]


# ----------------------------------------------------------------------------------------------
# JSON config lists
# ----------------------------------------------------------------------------------------------
def _parse_config_list(text: str, source: str) -> list[dict[str, Any]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        # Keep the JSONDecodeError type (callers may catch it) but say where the JSON came from.
        raise json.JSONDecodeError(f"Malformed JSON in {source}: {e.msg}", e.doc, e.pos) from None
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        got = type(data).__name__ if not isinstance(data, list) else "a list with non-object items"
        hint = " (wrap a single config in [ ])" if isinstance(data, dict) else ""
        raise ValueError(
            f"{source} must hold a JSON list of config objects like "
            f'[{{"model": "gpt-4o-mini", "api_key": "..."}}], but it holds {got}{hint}'
        )
    return data


def _read_text(path: str | os.PathLike[str]) -> str:
    with open(path, encoding="utf-8") as f:
        return f.read()


def config_list_from_json(
    env_or_file: str | os.PathLike[str],
    file_location: str | os.PathLike[str] | None = "",
    filter_dict: Mapping[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """Load a config list from an environment variable or a JSON file, then apply ``filter_config``.

    If the environment variable ``env_or_file`` is set and non-empty, its value is read as a path to
    a JSON file when such a file exists, else parsed as JSON text. Otherwise ``env_or_file`` is a file
    name, looked up under ``file_location`` when given.
    """
    name = os.fspath(env_or_file)
    env_value = os.environ.get(name, "") if name else ""
    if env_value.strip():
        if os.path.isfile(env_value.strip()):
            path = env_value.strip()
            config_list = _parse_config_list(
                _read_text(path), f"config file {path!r} (from environment variable {name!r})"
            )
        else:
            looks_like_json = env_value.lstrip()[:1] in ("[", "{")
            try:
                config_list = _parse_config_list(env_value, f"environment variable {name!r}")
            except json.JSONDecodeError as e:
                if looks_like_json:
                    raise
                # Never echo the value itself: it might be a secret.
                raise ValueError(
                    f"Environment variable {name!r} is set, but its value is neither an existing file nor JSON "
                    f"({e.msg}). Set it to a JSON list of configs or to the path of an OAI_CONFIG_LIST file."
                ) from None
        return filter_config(config_list, filter_dict)

    path = os.path.join(os.fspath(file_location), name) if file_location else name
    try:
        text = _read_text(path)
    except FileNotFoundError:
        # str() keeps the OS form ("[Errno 2] No such file or directory: 'path'"), which callers match on
        error = FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), path)
        if hasattr(error, "add_note"):  # Python 3.11+: the hint shows in the traceback
            error.add_note(
                f"No config list found: environment variable {name!r} is not set and file "
                f"{os.path.abspath(path)!r} does not exist. Set {name} to a JSON list of configs "
                "(or to a file path), or create that file."
            )
        raise error from None
    return filter_config(_parse_config_list(text, f"config file {path!r}"), filter_dict)


# ----------------------------------------------------------------------------------------------
# building config lists from keys
# ----------------------------------------------------------------------------------------------
def get_config_list(
    api_keys: list[str],
    base_urls: list[str] | None = None,
    api_type: str | None = None,
    api_version: str | None = None,
) -> list[dict[str, Any]]:
    """One config per non-blank API key, with the matching base URL and the given api_type/version."""
    if base_urls is not None:
        assert len(api_keys) == len(base_urls), "The length of api_keys must match the length of base_urls"
    config_list = []
    for i, api_key in enumerate(api_keys):
        if not api_key or not api_key.strip():
            continue
        config: dict[str, Any] = {"api_key": api_key}
        if base_urls:
            config["base_url"] = base_urls[i]
        if api_type:
            config["api_type"] = api_type
        if api_version:
            config["api_version"] = api_version
        config_list.append(config)
    return config_list


def get_config(
    api_key: str | None,
    base_url: str | None = None,
    api_type: str | None = None,
    api_version: str | None = None,
) -> dict[str, Any]:
    """One config dict from the given values; ``base_url``/``api_type``/``api_version`` may name an
    environment variable, whose value is then used instead."""
    config: dict[str, Any] = {"api_key": api_key}
    for field, given in (("base_url", base_url), ("api_type", api_type), ("api_version", api_version)):
        if given:
            config[field] = os.environ.get(given, given)
    return config


def get_key(config: Mapping[str, Any]) -> Any:
    """A JSON-able identity of ``config`` without its secrets and endpoint (``NON_CACHE_KEY``)."""
    from pydantic_core import to_jsonable_python

    return to_jsonable_python({k: v for k, v in config.items() if k not in NON_CACHE_KEY})


def is_valid_api_key(api_key: str) -> bool:
    """Whether ``api_key`` looks like an OpenAI key: ``sk-`` then at least 48 letters, digits, ``_`` or ``-``."""
    return isinstance(api_key, str) and _OPENAI_KEY_RE.fullmatch(api_key) is not None


def _read_optional(key_file_path: str | os.PathLike[str] | None, file_name: str | None) -> str | None:
    if key_file_path is None or not file_name:
        return None
    try:
        return _read_text(Path(key_file_path) / file_name).strip()
    except FileNotFoundError:
        logger.info("Key file %s not found in %s; using the environment instead.", file_name, key_file_path)
        return None


def config_list_openai_aoai(
    key_file_path: str | os.PathLike[str] | None = ".",
    openai_api_key_file: str | None = "key_openai.txt",
    aoai_api_key_file: str | None = "key_aoai.txt",
    openai_api_base_file: str | None = "base_openai.txt",
    aoai_api_base_file: str | None = "base_aoai.txt",
    exclude: str | None = None,
) -> list[dict[str, Any]]:
    """OpenAI then Azure OpenAI configs from key files (when present) or environment variables.

    Reads ``OPENAI_API_KEY``/``OPENAI_API_BASE`` and ``AZURE_OPENAI_API_KEY``/``AZURE_OPENAI_API_BASE``
    (newline-separated for several endpoints); a file under ``key_file_path`` overrides its variable.
    ``exclude`` is ``"openai"`` or ``"aoai"``. Unlike 0.2, ``os.environ`` is not modified.
    """
    if exclude not in (None, "openai", "aoai"):
        raise ValueError(f"exclude must be None, 'openai' or 'aoai', got {exclude!r}")

    def value(file_name: str | None, env_var: str) -> str | None:
        from_file = _read_optional(key_file_path, file_name)
        return from_file if from_file is not None else os.environ.get(env_var)

    openai_config: list[dict[str, Any]] = []
    if exclude != "openai":
        keys = value(openai_api_key_file, "OPENAI_API_KEY") or ""
        bases = value(openai_api_base_file, "OPENAI_API_BASE")
        openai_config = get_config_list(keys.split("\n"), base_urls=bases.split("\n") if bases else None)
    aoai_config: list[dict[str, Any]] = []
    if exclude != "aoai":
        keys = value(aoai_api_key_file, "AZURE_OPENAI_API_KEY") or ""
        bases = value(aoai_api_base_file, "AZURE_OPENAI_API_BASE") or ""
        aoai_config = get_config_list(
            keys.split("\n"), base_urls=bases.split("\n"), api_type="azure", api_version=DEFAULT_AZURE_API_VERSION
        )
    return openai_config + aoai_config


def config_list_from_models(
    key_file_path: str | os.PathLike[str] | None = ".",
    openai_api_key_file: str | None = "key_openai.txt",
    aoai_api_key_file: str | None = "key_aoai.txt",
    aoai_api_base_file: str | None = "base_aoai.txt",
    exclude: str | None = None,
    model_list: list[str] | None = None,
    openai_api_base_file: str | None = "base_openai.txt",
) -> list[dict[str, Any]]:
    """``config_list_openai_aoai`` repeated for each model in ``model_list`` (models in the outer loop)."""
    config_list = config_list_openai_aoai(
        key_file_path=key_file_path,
        openai_api_key_file=openai_api_key_file,
        aoai_api_key_file=aoai_api_key_file,
        openai_api_base_file=openai_api_base_file,
        aoai_api_base_file=aoai_api_base_file,
        exclude=exclude,
    )
    if model_list:
        config_list = [{**config, "model": model} for model in model_list for config in config_list]
    return config_list


def config_list_gpt4_gpt35(
    key_file_path: str | os.PathLike[str] | None = ".",
    openai_api_key_file: str | None = "key_openai.txt",
    aoai_api_key_file: str | None = "key_aoai.txt",
    aoai_api_base_file: str | None = "base_aoai.txt",
    exclude: str | None = None,
) -> list[dict[str, Any]]:
    """``config_list_from_models`` for ``["gpt-4", "gpt-3.5-turbo"]``."""
    return config_list_from_models(
        key_file_path,
        openai_api_key_file,
        aoai_api_key_file,
        aoai_api_base_file,
        exclude,
        model_list=["gpt-4", "gpt-3.5-turbo"],
    )


# ----------------------------------------------------------------------------------------------
# .env files
# ----------------------------------------------------------------------------------------------
def config_list_from_dotenv(
    dotenv_file_path: str | os.PathLike[str] | None = None,
    model_api_key_map: Mapping[str, Any] | None = None,
    filter_dict: Mapping[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """Build a config list from a ``.env`` file (or the environment): one config per model.

    ``model_api_key_map`` maps a model name to the name of the environment variable holding its key,
    or to a dict with ``api_key_env_var`` plus extra fields (``base_url``, ``api_type``, ``api_version``;
    each may itself name an environment variable). ``gpt-4`` and ``gpt-3.5-turbo`` are added with
    ``OPENAI_API_KEY`` when absent. Models whose key is not set are skipped with a warning.
    """
    from dotenv import find_dotenv, load_dotenv

    if dotenv_file_path:
        path = Path(dotenv_file_path)
        if path.exists():
            load_dotenv(path)
        else:
            logger.warning("The specified .env file %s does not exist. Using environment variables only.", path)
    else:
        found = find_dotenv(usecwd=True)
        if found:
            load_dotenv(found)
        else:
            logger.warning("No .env file found. Loading configurations from environment variables.")

    key_map: dict[str, Any] = dict(model_api_key_map or {})
    for model in ("gpt-4", "gpt-3.5-turbo"):
        key_map.setdefault(model, "OPENAI_API_KEY")

    config_list: list[dict[str, Any]] = []
    for model, spec in key_map.items():
        if isinstance(spec, str):
            key_var, extra = spec, {}
        elif isinstance(spec, Mapping):
            key_var = spec.get("api_key_env_var", "OPENAI_API_KEY")
            extra = {k: v for k, v in spec.items() if k != "api_key_env_var"}
        else:
            logger.warning("Unsupported configuration %r for model %s; skipping it.", spec, model)
            continue
        api_key = os.environ.get(key_var, "")
        if not api_key.strip():
            logger.warning("Environment variable %s for model %s is not set; skipping the model.", key_var, model)
            continue
        config: dict[str, Any] = {"api_key": api_key}
        for field, field_value in extra.items():
            # As in 0.2, these fields may name an environment variable that holds the actual value.
            if field in ("base_url", "api_type", "api_version") and isinstance(field_value, str):
                field_value = os.environ.get(field_value, field_value)
            config[field] = field_value
        config["model"] = model
        config_list.append(config)

    config_list = filter_config(config_list, filter_dict)
    if not config_list:
        logger.error("No configurations loaded from the .env file or the environment.")
    return config_list


# ----------------------------------------------------------------------------------------------
def get_first_llm_config(llm_config: Any) -> dict[str, Any]:
    """The first config entry of ``llm_config`` (an ``LLMConfig`` or dict) as a plain dict copy."""
    if not isinstance(llm_config, Mapping) and not hasattr(llm_config, "keys"):
        raise ValueError(f"llm_config must be an LLMConfig or a dict, got {type(llm_config).__name__}")
    if "config_list" not in llm_config:
        if "model" in llm_config:
            return {k: llm_config[k] for k in llm_config}
        raise ValueError("llm_config must be a valid config dictionary. It needs a 'config_list' or a 'model'.")
    config_list = llm_config["config_list"]
    if isinstance(config_list, Mapping):
        config_list = [config_list]
    if not config_list:
        raise ValueError("Config list must contain at least one config.")
    first = config_list[0]
    if hasattr(first, "model_dump"):
        return first.model_dump()
    try:
        return copy.deepcopy(dict(first))
    except (TypeError, copy.Error):  # e.g. an http_client that cannot be deep-copied
        return dict(first)
