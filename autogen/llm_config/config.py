"""``LLMConfig``: the validated model configuration an agent is given.

It holds one or more config entries (tried in order by ``OpenAIWrapper``) and options that apply to
all of them. Every form users write is accepted:

- 0.13: ``LLMConfig({"model": ..., "api_key": ...}, {...}, temperature=0, cache_seed=42)``;
- 0.9/0.10 (removed in ag2 0.11, accepted here with a one-time ``DeprecationWarning``):
  ``LLMConfig(config_list=[...])``, ``LLMConfig(model=..., api_key=...)``, ``with llm_config: ...``,
  ``LLMConfig.current`` / ``LLMConfig.default``;
- 0.2 plain dicts through ``LLMConfig.ensure_config`` (what agents call):
  ``{"config_list": [...], "cache_seed": 42, "temperature": 0, "timeout": 600, ...}``.

Top-level keys of a 0.2 dict that are not LLMConfig options but belong to a request (``stream``,
``max_retries``, ``n``, ``stop``, ``api_key``, ``base_url``, ...) are applied to every entry, with the
entry's own value winning, the same way ``temperature``/``top_p``/``max_tokens`` are. They thus reach
``create()`` through the entries (which ``OpenAIWrapper`` gives precedence over call-time kwargs).
``request_timeout`` (0.1) is read as ``timeout``. Any other top-level key raises ``TypeError``.

Creating and copying is cheap (a few tens of microseconds): entries are validated once, copies reuse
the validated values.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterable, Mapping
from contextvars import ContextVar, Token
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError
from pydantic_core import PydanticCustomError

from .entry import (
    _ENTRY_CLASSES,
    AzureOpenAILLMConfigEntry,
    LLMConfigEntry,
    OpenAILLMConfigEntry,
    canonical_api_type,
    entry_class_for,
    known_api_types,
    mask_secrets,
)
from .utils import config_list_from_json, filter_config

if TYPE_CHECKING:
    from typing_extensions import Self

__all__ = ["LLMConfig"]


class _Options(BaseModel):
    """Validation rules of the options that apply to every entry."""

    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True, title="LLMConfig")

    temperature: float | None = Field(default=None, ge=0, le=1)
    top_p: float | None = Field(default=None, ge=0, le=1)
    max_tokens: int | None = Field(default=None, ge=0)
    check_every_ms: int | None = Field(default=None, ge=0)
    allow_format_str_template: bool | None = None
    response_format: Any = None
    timeout: int | float | None = Field(default=None, ge=0)
    seed: int | None = None
    cache_seed: int | str | None = None
    parallel_tool_calls: bool | None = None
    tools: list[Any] = Field(default_factory=list)
    functions: list[Any] = Field(default_factory=list)
    routing_method: Literal["fixed_order", "round_robin"] | None = None


_OPTION_NAMES: tuple[str, ...] = tuple(_Options.model_fields)
_LIST_OPTIONS = ("tools", "functions")
# Options that are also entry fields: merged underneath every entry (the entry's own value wins).
_APP_LEVEL = ("temperature", "top_p", "max_tokens")
# Options that only make sense at the top level; pulled out of a plain single-entry dict.
_TOP_ONLY = frozenset(_OPTION_NAMES) - {"temperature", "top_p", "max_tokens", "response_format"}
_KEY_ALIASES = {"request_timeout": "timeout"}
# Request/client parameters 0.2 scripts put at the top level of llm_config; applied to every entry.
_CREATE_PARAMS = frozenset({
    "stream", "max_retries", "n", "stop", "presence_penalty", "frequency_penalty", "logit_bias", "logprobs",
    "top_logprobs", "user", "tool_choice", "extra_body", "extra_headers", "extra_query", "reasoning_effort",
    "max_completion_tokens", "verbosity", "service_tier", "store", "metadata", "stream_options",
    "organization", "project", "api_rate_limit",
})  # fmt: skip
_ENTRY_DEFAULT_KEYS = (
    frozenset(OpenAILLMConfigEntry.model_fields) | frozenset(AzureOpenAILLMConfigEntry.model_fields) | _CREATE_PARAMS
) - frozenset(_OPTION_NAMES)

_CURRENT: ContextVar[LLMConfig | None] = ContextVar("autogen_current_llm_config", default=None)

_WARNED: set[str] = set()
_DEPRECATIONS = {
    "config_list": "LLMConfig(config_list=[...]) is the pre-0.11 form. It still works, but prefer passing the "
    "entries positionally: LLMConfig({'model': ..., 'api_key': ...}, ...).",
    "kwargs": "LLMConfig(model=..., api_key=...) is the pre-0.11 keyword form. It still works, but prefer "
    "LLMConfig({'model': ..., 'api_key': ...}).",
    "with": "`with llm_config:` (an ambient config for agents created inside the block) is deprecated and was "
    "removed in ag2 0.11. It still works, but prefer passing llm_config= to each agent.",
    "current": "LLMConfig.current / LLMConfig.default are deprecated and were removed in ag2 0.11. They still "
    "work inside `with llm_config:`, but prefer passing the config explicitly.",
    "request_timeout": "llm_config key 'request_timeout' is the 0.1 name of 'timeout'; it is read as 'timeout'.",
}


def _warn_once(form: str, stacklevel: int = 3) -> None:
    # Once per form and process: old scripts create many agents, one warning is enough.
    if form in _WARNED:
        return
    _WARNED.add(form)
    warnings.warn(_DEPRECATIONS[form], DeprecationWarning, stacklevel=stacklevel)


# ----------------------------------------------------------------------------------------------
# errors
# ----------------------------------------------------------------------------------------------
def _error(loc: tuple[Any, ...], message: str, value: Any, kind: str = "llm_config") -> ValidationError:
    # Braces would be read as template fields by pydantic; keep messages free of them.
    return ValidationError.from_exception_data(
        "LLMConfig",
        [{"type": PydanticCustomError(kind, message.replace("{", "(").replace("}", ")")), "loc": loc,
          "input": mask_secrets(value)}],
    )  # fmt: skip


def _no_entries_error(value: Any) -> ValidationError:
    return _error(
        ("config_list",),
        "List should have at least 1 item after validation, not 0: LLMConfig needs at least one config entry, "
        "e.g. LLMConfig(dict(model='gpt-4o-mini', api_key=...)) "
        "or llm_config=dict(config_list=[dict(model='gpt-4o-mini', api_key=...)])",
        value,
    )


def _reindexed(err: ValidationError, index: int) -> ValidationError:
    """The entry's validation error with locations under ``config_list.<index>`` and secrets hidden."""
    details = []
    for e in err.errors(include_url=False):
        loc = ("config_list", index, *e["loc"])
        value = e["input"]
        if e["loc"] and isinstance(e["loc"][-1], str) and e["loc"][-1].lower().endswith(("key", "token")):
            value = "**********"
        detail: dict[str, Any] = {"type": e["type"], "loc": loc, "input": mask_secrets(value)}
        if "ctx" in e:
            detail["ctx"] = e["ctx"]
        details.append(detail)
    try:
        return ValidationError.from_exception_data("LLMConfig", details)  # type: ignore[arg-type]
    except (TypeError, ValueError, KeyError):  # an error type pydantic cannot rebuild: keep the original
        return err


# ----------------------------------------------------------------------------------------------
# building blocks
# ----------------------------------------------------------------------------------------------
def _validate_options(values: Mapping[str, Any]) -> dict[str, Any]:
    if not values:
        return {}
    checked = _Options.model_validate(values)
    return {name: getattr(checked, name) for name in values}


def _default_options() -> dict[str, Any]:
    options: dict[str, Any] = dict.fromkeys(_OPTION_NAMES)
    options["tools"] = []
    options["functions"] = []
    return options


def _split_top_level(data: Mapping[str, Any], where: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Sort top-level keys into LLMConfig options and per-entry defaults; reject anything else."""
    options: dict[str, Any] = {}
    defaults: dict[str, Any] = {}
    unknown = []
    for key, value in data.items():
        if key in _KEY_ALIASES:
            _warn_once(key, stacklevel=4)
            key = _KEY_ALIASES[key]
        if key in _OPTION_NAMES:
            if value is not None:
                options[key] = value
        elif key in _ENTRY_DEFAULT_KEYS:
            defaults[key] = value
        else:
            unknown.append(key)
    if unknown:
        names = ", ".join(repr(k) for k in unknown)
        raise TypeError(
            f"{where} got unknown top-level key(s) {names}. Allowed: the LLMConfig options "
            f"({', '.join(_OPTION_NAMES)}); 'config_list'; and request parameters applied to every entry "
            f"({', '.join(sorted(_ENTRY_DEFAULT_KEYS))}). Put other provider-specific keys inside each "
            f"config_list entry."
        )
    return options, defaults


def _as_items(value: Any) -> list[Any]:
    if type(value) is list:
        return value
    if value is None:
        return []
    if isinstance(value, (LLMConfigEntry, Mapping)):
        return [value]
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise TypeError(f"config_list must be a list of dicts or config entries, got {type(value).__name__}")
    return list(value)


def _entry_data(entry: LLMConfigEntry) -> dict[str, Any]:
    data = {name: getattr(entry, name) for name in entry.model_fields_set}
    data.update(entry.__pydantic_extra__ or {})
    data["api_type"] = entry.api_type
    return data


def _unknown_api_type(index: int, api_type: Any, item: Any) -> ValidationError:
    return _error(
        ("config_list", index, "api_type"),
        f"config entry {index} has unknown api_type {api_type!r}. Known api_type values: "
        f"{', '.join(known_api_types())}. For your own client class use model_client_cls (with the default "
        f"api_type) and register it with register_model_client.",
        item,
    )


def _make_entry(item: Any, underlay: Mapping[str, Any], index: int) -> LLMConfigEntry:
    if type(item) is dict or (not isinstance(item, LLMConfigEntry) and isinstance(item, Mapping)):
        data = {"api_type": "openai", **underlay, **item} if underlay else {"api_type": "openai", **item}
        api_type = data["api_type"]
        cls = _ENTRY_CLASSES.get(api_type) if type(api_type) is str else None
        if cls is None:
            api_type = data["api_type"] = canonical_api_type(api_type)
            cls = entry_class_for(api_type)
            if cls is None:
                raise _unknown_api_type(index, api_type, data)
    elif isinstance(item, LLMConfigEntry):
        cls = entry_class_for(item.api_type)
        if cls is None:
            raise _unknown_api_type(index, item.api_type, item.model_dump())
        extra = item.__pydantic_extra__ or {}
        missing = {
            k: v
            for k, v in underlay.items()
            if getattr(item, k, None) is None or (k not in item.model_fields_set and k not in extra)
        }
        if type(item) is cls and not missing:
            return item.model_copy()  # our own copy: later changes to the caller's entry do not leak in
        data = {**_entry_data(item), **missing}
    else:
        raise TypeError(f"config entry {index} must be a dict or an LLMConfigEntry, got {type(item).__name__}")
    model = data.get("model")
    if not model or (type(model) is str and model.isspace()):
        raise _error(
            ("config_list", index, "model"),
            f"String should have at least 1 character: config entry {index} has no 'model'; every entry needs a "
            f"non-empty model name "
            f"(for example 'model': 'gpt-4o-mini')",
            data,
        )
    try:
        return cls.model_validate(data)
    except ValidationError as e:
        raise _reindexed(e, index) from None


def _build_entries(items: Iterable[Any], underlay: Mapping[str, Any]) -> list[LLMConfigEntry]:
    return [_make_entry(item, underlay, i) for i, item in enumerate(items) if item]


def _copy_containers(value: Any) -> Any:
    """Copy nested dicts/lists/tuples/sets; share everything else (classes, clients, callables)."""
    if isinstance(value, dict):
        return {k: _copy_containers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy_containers(v) for v in value]
    if isinstance(value, tuple):
        return tuple(_copy_containers(v) for v in value)
    if isinstance(value, set):
        return {_copy_containers(v) for v in value}
    return value


def _deep_copy_entry(entry: LLMConfigEntry) -> LLMConfigEntry:
    new = entry.model_copy()
    for name, value in new.__dict__.items():
        if isinstance(value, (dict, list, tuple, set)):
            new.__dict__[name] = _copy_containers(value)
    if new.__pydantic_extra__:
        object.__setattr__(new, "__pydantic_extra__", _copy_containers(new.__pydantic_extra__))
    return new


def _json_default(value: Any) -> Any:
    if isinstance(value, type) and issubclass(value, BaseModel):
        return value.model_json_schema()
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, SecretStr):
        return value.get_secret_value()
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    return repr(value)


class NoCurrentLLMConfigError(ValueError, AttributeError):
    """``LLMConfig.current`` was read outside any ``with llm_config:`` block.

    Also an ``AttributeError`` so that ``hasattr(LLMConfig, "current")`` and introspection tools do not break.
    """


class _LLMConfigMeta(type):
    """Gives the class the deprecated ``LLMConfig.current`` / ``LLMConfig.default`` properties."""

    @property
    def current(cls) -> LLMConfig:
        """The config of the innermost ``with llm_config:`` block (deprecated)."""
        _warn_once("current")
        config = _CURRENT.get()
        if config is None:
            raise NoCurrentLLMConfigError(
                "No current LLMConfig: LLMConfig.current is only set inside a `with llm_config:` block. "
                "Pass llm_config= to the agent instead."
            )
        return config

    @property
    def default(cls) -> LLMConfig:
        """Same as ``LLMConfig.current`` (deprecated)."""
        return cls.current


class LLMConfig(metaclass=_LLMConfigMeta):
    """Model configuration: one or more entries tried in order, plus options shared by all of them.

    Behaves like a read/write mapping (``cfg["temperature"]``, ``cfg.get("tools")``, ``"tools" in cfg``,
    ``cfg["tools"] = [...]``), and ``**cfg`` gives the options that are set plus ``config_list`` (the
    entry objects), which is what ``OpenAIWrapper(**cfg)`` expects.
    """

    __slots__ = ("_context_tokens", "_entries", "_options")

    def __init__(
        self,
        *configs: LLMConfigEntry | Mapping[str, Any],
        top_p: float | None = None,
        temperature: float | None = None,
        max_tokens: int | None = None,
        check_every_ms: int | None = None,
        allow_format_str_template: bool | None = None,
        response_format: Any = None,
        timeout: float | None = None,
        seed: int | None = None,
        cache_seed: int | str | None = None,
        parallel_tool_calls: bool | None = None,
        tools: Iterable[Any] = (),
        functions: Iterable[Any] = (),
        routing_method: Literal["fixed_order", "round_robin"] | None = None,
        config_list: Iterable[LLMConfigEntry | Mapping[str, Any]] | Mapping[str, Any] = (),
        **kwargs: Any,
    ) -> None:
        """Build from entries given positionally (dicts or entry objects; falsy ones are skipped).

        ``config_list=`` and entry fields as keywords (``model=..., api_key=...``) are the deprecated
        0.9/0.10 forms, still accepted. Keywords without ``model`` must be request parameters applied
        to every entry (``stream``, ``max_retries``, ``api_key``...); anything else raises ``TypeError``.
        """
        options = {
            name: value
            for name, value in (
                ("top_p", top_p), ("temperature", temperature), ("max_tokens", max_tokens),
                ("check_every_ms", check_every_ms), ("allow_format_str_template", allow_format_str_template),
                ("response_format", response_format), ("timeout", timeout), ("seed", seed),
                ("cache_seed", cache_seed), ("parallel_tool_calls", parallel_tool_calls),
                ("routing_method", routing_method),
            )
            if value is not None
        }  # fmt: skip
        if tools:
            options["tools"] = tools
        if functions:
            options["functions"] = functions
        items: list[Any] = list(configs)
        if config_list:
            _warn_once("config_list")
            items.extend(_as_items(config_list))
        defaults: dict[str, Any] = {}
        if kwargs:
            if "model" in kwargs:
                _warn_once("kwargs")
                items.append(kwargs)
            else:
                more_options, defaults = _split_top_level(kwargs, "LLMConfig()")
                options.update(more_options)
        self._init(items, options, defaults)

    def _init(self, items: list[Any], options: Mapping[str, Any], defaults: Mapping[str, Any]) -> None:
        checked = _validate_options(options)
        underlay = {k: checked[k] for k in _APP_LEVEL if k in checked}
        if defaults:
            underlay.update(defaults)
        entries = _build_entries(items, underlay)
        if not entries:
            raise _no_entries_error(items)
        all_options = _default_options()
        all_options.update(checked)
        object.__setattr__(self, "_entries", entries)
        object.__setattr__(self, "_options", all_options)
        object.__setattr__(self, "_context_tokens", None)

    @classmethod
    def _create(cls, items: list[Any], options: Mapping[str, Any], defaults: Mapping[str, Any]) -> LLMConfig:
        self = object.__new__(cls)
        self._init(items, options, defaults)
        return self

    # ------------------------------------------------------------------------------------------
    # conversion and loading
    # ------------------------------------------------------------------------------------------
    @classmethod
    def ensure_config(cls, config: Any, /) -> Any:
        """Turn any accepted llm_config form into an ``LLMConfig`` (agents call this).

        ``LLMConfig`` → a copy; an entry → wrapped; a dict with ``"config_list"`` (a list or one dict)
        → its entries, the other keys being options (see the module doc for 0.2 keys); any other dict
        → one entry (top-level-only options such as ``cache_seed``/``tools`` are pulled out of it);
        a list → its entries; ``False`` → ``False``; ``None`` → ``None`` (the caller picks the default).
        """
        if config is False or config is None:
            return config
        if isinstance(config, LLMConfig):
            return config.copy()
        if isinstance(config, LLMConfigEntry):
            return cls._create([config], {}, {})
        if isinstance(config, Mapping):
            if "config_list" in config:
                rest = {k: v for k, v in config.items() if k != "config_list"}
                options, defaults = _split_top_level(rest, "llm_config") if rest else ({}, {})
                return cls._create(_as_items(config["config_list"]), options, defaults)
            if not config:
                raise _no_entries_error(config)
            entry: dict[str, Any] = {}
            options = {}
            for key, value in config.items():
                if key in _KEY_ALIASES:
                    _warn_once(key)
                    key = _KEY_ALIASES[key]
                if key in _TOP_ONLY:
                    if value is not None:
                        options[key] = value
                else:
                    entry[key] = value
            return cls._create([entry], options, {})
        if isinstance(config, (str, bytes)) or not isinstance(config, Iterable):
            raise TypeError(
                "llm_config must be an LLMConfig, a config entry, a dict, a list of dicts/entries, or False; "
                f"got {type(config).__name__}"
            )
        return cls._create(list(config), {}, {})

    @classmethod
    def from_json(
        cls,
        *,
        env: str | None = None,
        path: str | Path | None = None,
        file_location: str | Path | None = None,
        filter_dict: Mapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> Self:
        """Load entries with ``config_list_from_json`` from exactly one of ``env`` (an environment
        variable holding JSON or a file path) or ``path`` (a file, under ``file_location`` if given),
        keep those matching ``filter_dict``; ``kwargs`` are options (``temperature``, ``cache_seed``...).
        """
        if (env is None) == (path is None):
            raise ValueError(
                "LLMConfig.from_json needs exactly one of env= (an environment variable) or path= (a file)"
            )
        source = env if env is not None else str(path)
        config_list = config_list_from_json(source, file_location=file_location or "", filter_dict=filter_dict)
        if not config_list:
            raise ValueError(
                f"No config entry loaded from {'environment variable' if env is not None else 'file'} {source!r}"
                + (f" matches filter_dict={filter_dict!r}" if filter_dict else " (the list is empty)")
            )
        return cls(*config_list, **kwargs)  # type: ignore[return-value]

    def where(self, *, exclude: bool = False, **filters: Any) -> LLMConfig:
        """A new ``LLMConfig`` with the entries matching ``filters`` (``filter_config`` rules), options kept.

        ``exclude=True`` keeps the entries that match none of the filters. No match → ``ValueError``.
        """
        entries = list(self._entries)
        if filters:
            dumps = [e.model_dump() for e in entries]
            kept = {id(d) for d in filter_config(dumps, filters, exclude=exclude)}
            entries = [e for d, e in zip(dumps, entries) if id(d) in kept]
        if not entries:
            raise ValueError(f"No config found that satisfies the filter criteria: {filters}")
        new = self.copy()
        object.__setattr__(new, "_entries", [e.model_copy() for e in entries])
        return new

    # ------------------------------------------------------------------------------------------
    # ambient config (deprecated `with llm_config:` form)
    # ------------------------------------------------------------------------------------------
    def __enter__(self) -> Self:
        _warn_once("with")
        tokens = self._context_tokens
        if tokens is None:
            tokens = []
            object.__setattr__(self, "_context_tokens", tokens)
        tokens.append(_CURRENT.set(self))
        return self

    def __exit__(self, *exc_info: object) -> None:
        token: Token[LLMConfig | None] = self._context_tokens.pop()
        _CURRENT.reset(token)

    @classmethod
    def get_current_llm_config(cls, llm_config: Any = None) -> Any:
        """``llm_config`` if given, else the config of the innermost ``with llm_config:`` block, else None.

        Agents created with ``llm_config=None`` call this to pick up the ambient config.
        """
        if llm_config is not None:
            return llm_config
        return _CURRENT.get()

    # ------------------------------------------------------------------------------------------
    # dumping and copying
    # ------------------------------------------------------------------------------------------
    @property
    def config_list(self) -> list[LLMConfigEntry]:
        """The entry objects, in the order they are tried."""
        return self._entries

    def model_dump(self, *, exclude_none: bool = True, mode: str = "python", **kwargs: Any) -> dict[str, Any]:
        """Plain dict: the options, then ``config_list`` (entries as dicts); unset/empty options left out."""
        data: dict[str, Any] = {}
        for name, value in self._options.items():
            if value is None:
                if not exclude_none:
                    data[name] = None
            elif isinstance(value, list):
                if value:
                    data[name] = list(value)
            else:
                data[name] = value
        data["config_list"] = [e.model_dump(mode=mode, exclude_none=exclude_none, **kwargs) for e in self._entries]
        return data

    def model_dump_json(self, *, exclude_none: bool = True, indent: int | None = None) -> str:
        """JSON text of ``model_dump`` (a pydantic ``response_format`` class is given as its JSON schema)."""
        return json.dumps(self.model_dump(exclude_none=exclude_none), default=_json_default, indent=indent)

    def copy(self) -> LLMConfig:
        """An independent copy: entries copied, option lists (tools, functions) copied, values shared."""
        new = object.__new__(type(self))
        options = dict(self._options)
        options["tools"] = list(options["tools"])
        options["functions"] = list(options["functions"])
        object.__setattr__(new, "_entries", [e.model_copy() for e in self._entries])
        object.__setattr__(new, "_options", options)
        object.__setattr__(new, "_context_tokens", None)
        return new

    def deepcopy(self, memo: dict[int, Any] | None = None) -> LLMConfig:
        """A copy whose nested dicts/lists are copied too (clients, classes and callables stay shared)."""
        new = object.__new__(type(self))
        object.__setattr__(new, "_entries", [_deep_copy_entry(e) for e in self._entries])
        object.__setattr__(new, "_options", _copy_containers(self._options))
        object.__setattr__(new, "_context_tokens", None)
        return new

    def __copy__(self) -> LLMConfig:
        return self.copy()

    def __deepcopy__(self, memo: dict[int, Any] | None = None) -> LLMConfig:
        return self.deepcopy(memo)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_restore, (type(self), self._entries, self._options))

    # ------------------------------------------------------------------------------------------
    # mapping behaviour
    # ------------------------------------------------------------------------------------------
    def keys(self) -> Any:
        """The options that are set (non-None, non-empty), then ``config_list``."""
        names = [k for k, v in self._options.items() if v is not None and not (isinstance(v, list) and not v)]
        names.append("config_list")
        return dict.fromkeys(names).keys()

    def values(self) -> Any:
        """Values of ``model_dump()``."""
        return self.model_dump().values()

    def items(self) -> Any:
        """Items of ``model_dump()``."""
        return self.model_dump().items()

    def __iter__(self) -> Any:
        return iter(self.keys())

    def __len__(self) -> int:
        return len(self.keys())

    def __contains__(self, key: object) -> bool:
        return key in self.keys()

    def __getitem__(self, key: str) -> Any:
        if key == "config_list":
            return list(self._entries)
        try:
            return self._options[key]
        except KeyError:
            raise KeyError(f"Key '{key}' not found in {type(self).__name__}") from None

    def get(self, key: str, default: Any = None) -> Any:
        """Value of ``key``, or ``default`` when it is unknown or unset (``None``)."""
        if key == "config_list":
            return self["config_list"]
        value = self._options.get(key)
        return default if value is None else value

    def __setitem__(self, key: str, value: Any) -> None:
        self._set(key, value)

    def __delitem__(self, key: str) -> None:
        if key == "config_list":
            raise ValueError("An LLMConfig needs at least one entry; 'config_list' cannot be deleted")
        if key not in self._options:
            raise KeyError(f"{key!r} is not an LLMConfig key")
        self._set(key, None)

    def pop(self, key: str, *default: Any) -> Any:
        """Remove option ``key`` (reset it to unset) and return its value, like ``dict.pop``."""
        if key in self:
            value = self[key]
            del self[key]
            return value
        if default:
            return default[0]
        raise KeyError(key)

    def setdefault(self, key: str, default: Any = None) -> Any:
        """``self[key]`` if set, else set it to ``default`` and return that."""
        if key in self:
            return self[key]
        self[key] = default
        return default

    def update(self, other: Mapping[str, Any] | Iterable[tuple[str, Any]] = (), /, **kwargs: Any) -> None:
        """Set several keys, like ``dict.update``."""
        for key, value in dict(other, **kwargs).items():
            self[key] = value

    def _set(self, key: str, value: Any) -> None:
        key = _KEY_ALIASES.get(key, key)
        if key == "config_list":
            entries = _build_entries(_as_items(value), {})
            if not entries:
                raise _no_entries_error(value)
            object.__setattr__(self, "_entries", entries)
            return
        if key not in self._options:
            raise ValueError(
                f"{key!r} is not an LLMConfig option (options: {', '.join(_OPTION_NAMES)}). "
                f"Entry-level settings go on the entries: for entry in cfg.config_list: entry[{key!r}] = ..."
            )
        if value is None and key in _LIST_OPTIONS:
            value = []
        new = _validate_options({key: value})[key] if value is not None else None
        old = self._options[key]
        self._options[key] = new
        if key in _APP_LEVEL:
            # Entries inherited the old application-level value at construction; let them follow.
            for entry in self._entries:
                if getattr(entry, key) == old:
                    setattr(entry, key, new)

    def __getattr__(self, name: str) -> Any:
        # Only reached when normal lookup fails, i.e. for option names.
        if not name.startswith("_"):
            options = object.__getattribute__(self, "_options")
            if name in options:
                return options[name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute {name!r}")

    def __setattr__(self, name: str, value: Any) -> None:
        if name in LLMConfig.__slots__:
            object.__setattr__(self, name, value)
        elif name == "config_list" or name in self._options or name in _KEY_ALIASES:
            self._set(name, value)
        else:
            raise AttributeError(f"'{type(self).__name__}' object has no attribute {name!r} to set")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, LLMConfig):
            return NotImplemented
        return self._entries == other._entries and self._options == other._options

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        shown = mask_secrets(self.model_dump())
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in shown.items())})"

    __str__ = __repr__


def _restore(cls: type[LLMConfig], entries: list[LLMConfigEntry], options: dict[str, Any]) -> LLMConfig:
    new = object.__new__(cls)
    object.__setattr__(new, "_entries", entries)
    object.__setattr__(new, "_options", options)
    object.__setattr__(new, "_context_tokens", None)
    return new
