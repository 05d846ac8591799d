"""Optional dependencies: import them where used, and guard code that needs them.

Two families live here:

- ``optional_import(module, extra)``: this project's way, an import inside the function that needs the package,
  failing with an ImportError that names the extra to install.
- ag2's helpers, which third-party code built for ag2 imports: ``optional_import_block()`` around optional imports,
  ``require_optional_import(modules, extra)`` to make functions, methods, properties or classes raise that
  ImportError when called, and the pytest decorators ``run_for_optional_imports`` / ``skip_on_missing_imports``.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import logging
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, TypeVar

__all__ = [
    "ModuleInfo",
    "OptionalDependencyError",
    "get_missing_imports",
    "optional_import",
    "optional_import_block",
    "patch_object",
    "require_optional_import",
    "run_for_optional_imports",
    "skip_on_missing_imports",
]

logger = logging.getLogger(__name__)

T = TypeVar("T")


class OptionalDependencyError(ImportError):
    """An optional integration is used but its package is not installed."""


def optional_import(module: str, extra: str, *, feature: str | None = None) -> ModuleType:
    """Import ``module`` or raise an ImportError telling the user which extra to install.

    Call it inside the function that needs the integration, never at module import time, so that
    ``import autogen`` stays light.
    """
    try:
        return importlib.import_module(module)
    except ImportError as e:
        what = feature or module.split(".")[0]
        raise OptionalDependencyError(
            f"{what} needs the optional package '{module.split('.')[0]}', which is not installed. "
            f'Install it with: pip install "ag2[{extra}]"'
        ) from e


# --- requirement strings ("name", "name>=1.2,<2") -------------------------------------------------------------

_REQUIREMENT = re.compile(r"^(?P<name>[A-Za-z0-9_-]+)(?P<rest>.*)$")
_CONSTRAINT = re.compile(r"(>=|<=|>|<)([0-9.]+)?")
# Modules found inside this package or beside it in test/ are look-alikes, not the installed package.
_OWN_DIRS = (Path(__file__).resolve().parent, Path(__file__).resolve().parent.parent / "test")


@dataclass
class ModuleInfo:
    """A required module with optional lower and upper version bounds."""

    name: str
    min_version: str | None = None
    max_version: str | None = None
    min_inclusive: bool = False
    max_inclusive: bool = False

    @classmethod
    def from_str(cls, module_info: str) -> ModuleInfo:
        """Parse ``"name"``, ``"name>=1.0"``, ``"name>=1.0,<2.0"``; ``ValueError`` on a bound without a version."""
        match = _REQUIREMENT.match(module_info.strip())
        if match is None:
            raise ValueError(f"Invalid package information: {module_info}")
        info = cls(name=match["name"])
        for op, ver in _CONSTRAINT.findall(match["rest"]):
            if not ver:
                raise ValueError(f"Invalid module information: {module_info}")
            if op.startswith(">"):
                info.min_version, info.min_inclusive = ver, op == ">="
            else:
                info.max_version, info.max_inclusive = ver, op == "<="
        return info

    def __repr__(self) -> str:
        text = self.name
        if self.min_version:
            text += (">=" if self.min_inclusive else ">") + self.min_version
        if self.max_version:
            text += ("<=" if self.max_inclusive else "<") + self.max_version
        return text

    def is_in_sys_modules(self) -> str | None:
        """``None`` if the module is installed within the bounds, else a sentence saying what is wrong.

        A module not imported yet is imported (ag2 only looks in ``sys.modules``, which its eager imports fill).
        """
        module = sys.modules.get(self.name)
        if module is None:
            try:
                module = importlib.import_module(self.name)
            except Exception:  # noqa: BLE001 - a package that fails to import is as good as absent
                return f"'{self.name}' is not installed."
        if _is_own_module(module):
            return f"'{self.name}' is not installed."
        if not (self.min_version or self.max_version):
            return None
        installed = _installed_version(self.name, module)
        if installed is None:
            return f"'{self.name}' is installed, but the version is not available."
        have = _version_key(installed)
        if self.min_version:
            low = _version_key(self.min_version)
            if have < low or (have == low and not self.min_inclusive):
                return self._wrong_version(installed, "low")
        if self.max_version:
            high = _version_key(self.max_version)
            if have > high or (have == high and not self.max_inclusive):
                return self._wrong_version(installed, "high")
        return None

    def _wrong_version(self, installed: str, which: str) -> str:
        return f"'{self.name}' is installed, but the installed version {installed} is too {which} (required '{self}')."


def _version_key(version: str) -> tuple[tuple[int, ...], int]:
    """Sort key of a version string: its release numbers (trailing zeros dropped), a pre-release before them."""
    match = re.match(r"\s*v?(\d+(?:\.\d+)*)(.*)", version)
    if match is None:
        return (), 0
    release = [int(part) for part in match[1].split(".")]
    while len(release) > 1 and release[-1] == 0:
        release.pop()
    pre = re.match(r"[.\-_]?(a|b|c|rc|alpha|beta|pre|preview|dev)", match[2].lower())
    return tuple(release), 0 if pre else 1


def _is_own_module(module: Any) -> bool:
    file = getattr(module, "__file__", None)
    if not file:
        return False
    path = str(Path(file).resolve())
    return any(path.startswith(str(d)) for d in _OWN_DIRS)


def _installed_version(name: str, module: Any) -> str | None:
    version = getattr(module, "__version__", None)
    if isinstance(version, str):  # some packages' __version__ is a module
        return version
    from importlib import metadata

    for dist in dict.fromkeys((name, name.replace("_", "-"))):
        try:
            return metadata.version(dist)
        except (metadata.PackageNotFoundError, ValueError):
            continue
    return None


def get_missing_imports(modules: str | Iterable[str]) -> dict[str, str]:
    """Map each unavailable module of ``modules`` (requirement strings) to the reason."""
    if isinstance(modules, str):
        modules = [modules]
    missing = {}
    for requirement in modules:
        info = ModuleInfo.from_str(requirement)
        problem = info.is_in_sys_modules()
        if problem:
            missing[info.name] = problem
    return missing


# --- optional imports ------------------------------------------------------------------------------------------


class Result:
    """Outcome of an ``optional_import_block``: ``is_successful`` once the block has ended."""

    def __init__(self) -> None:
        self._failed: bool | None = None

    @property
    def is_successful(self) -> bool:
        """Whether every import of the block succeeded; ``ValueError`` while the block still runs."""
        if self._failed is None:
            raise ValueError("Result not set")
        return not self._failed


@contextmanager
def optional_import_block() -> Iterator[Result]:
    """Run a block of imports, stopping quietly at the first ImportError (names after it stay unbound)."""
    result = Result()
    try:
        yield result
    except ImportError as e:
        logger.debug("Optional import failed: %s", e)
        result._failed = True
    else:
        result._failed = False


# --- guarding objects that need missing modules ------------------------------------------------------------------


def _missing_message(target: Any, missing_modules: dict[str, str], dep_target: str) -> str:
    name = getattr(target, "__name__", repr(target))
    module = getattr(target, "__module__", None)
    where = f"{module}.{name}" if module else name
    many = len(missing_modules) > 1
    lines = [f"{'Modules' if many else 'A module'} needed for {where} {'are' if many else 'is'} missing:"]
    lines += [f" - {reason}" for reason in missing_modules.values()]
    lines.append(f"Please install {'them' if many else 'it'} using:\n'pip install ag2[{dep_target}]'")
    return "\n".join(lines)


def _raising(func: Callable[..., Any], message: str) -> Callable[..., Any]:
    """A stand-in for ``func`` (same name, module, doc and signature) that raises ImportError(message)."""

    def stand_in(*args: Any, **kwargs: Any) -> Any:
        raise ImportError(message)

    for attr in ("__module__", "__name__", "__qualname__", "__doc__"):
        if hasattr(func, attr):
            setattr(stand_in, attr, getattr(func, attr))
    stand_in.__wrapped__ = func  # type: ignore[attr-defined]
    return stand_in


def _patch_class(cls: type, missing_modules: dict[str, str], dep_target: str, except_for: list[str]) -> type:
    for name in dir(cls):
        if (name.startswith("__") and name != "__init__") or name in except_for:
            continue
        member = inspect.getattr_static(cls, name)
        if not isinstance(member, staticmethod | classmethod | property) and not (
            inspect.isfunction(member) or (name == "__init__" and callable(member))
        ):
            continue
        patched = patch_object(
            member,
            missing_modules=missing_modules,
            dep_target=dep_target,
            fail_if_not_patchable=False,
            except_for=except_for,
        )
        try:
            setattr(cls, name, patched)
        except (AttributeError, TypeError):  # read-only attributes of builtin bases
            pass
    return cls


def patch_object(
    o: T,
    *,
    missing_modules: dict[str, str],
    dep_target: str,
    fail_if_not_patchable: bool = True,
    except_for: str | Iterable[str] | None = None,
) -> T:
    """Return ``o`` made to raise an ImportError naming ``missing_modules`` and ``pip install ag2[dep_target]``.

    Functions and methods, static and class methods, properties and ``__init__`` raise when called; a class has
    each of those members patched in place. Objects named in ``except_for`` are returned unchanged; an object of
    another kind raises ``ValueError`` unless ``fail_if_not_patchable`` is false.
    """
    excluded = [except_for] if isinstance(except_for, str) else list(except_for or [])
    obj: Any = o
    if inspect.isclass(obj):
        if obj.__name__ in excluded:
            return o
        return _patch_class(obj, missing_modules, dep_target, excluded)  # type: ignore[return-value]
    if isinstance(obj, staticmethod | classmethod):
        func = obj.__func__
        if func.__name__ in excluded:
            return o
        return type(obj)(_raising(func, _missing_message(func, missing_modules, dep_target)))  # type: ignore[return-value]
    if isinstance(obj, property):
        getter = obj.fget
        if getter is None or getter.__name__ in excluded:
            return o
        return property(_raising(getter, _missing_message(getter, missing_modules, dep_target)))  # type: ignore[return-value]
    if (
        inspect.isfunction(obj)
        or inspect.ismethod(obj)
        or (callable(obj) and getattr(obj, "__name__", "") == "__init__")
    ):
        if obj.__name__ in excluded:
            return o
        return _raising(obj, _missing_message(obj, missing_modules, dep_target))  # type: ignore[return-value]
    if fail_if_not_patchable:
        raise ValueError(f"Cannot patch object of type {type(obj)}")
    return o


def require_optional_import(
    modules: str | Iterable[str],
    dep_target: str,
    *,
    except_for: str | Iterable[str] | None = None,
) -> Callable[[T], T]:
    """Decorator: when ``modules`` are unavailable, the decorated object raises ImportError on use.

    ``dep_target`` is the extra named in the message (``pip install ag2[dep_target]``); ``except_for`` names
    objects (or class members) left working.
    """
    missing_modules = get_missing_imports(modules)

    def decorator(o: T) -> T:
        if not missing_modules:
            return o
        return patch_object(o, missing_modules=missing_modules, dep_target=dep_target, except_for=except_for)

    return decorator


# --- pytest helpers ----------------------------------------------------------------------------------------------


def _short_missing_message(missing_modules: dict[str, str], dep_target: str) -> str:
    plural = "s" if len(missing_modules) > 1 else ""
    return f"Missing module{plural}: {', '.join(missing_modules)}. Install using 'pip install ag2[{dep_target}]'"


def _mark_object(o: T, dep_target: str) -> T:
    import pytest

    marked = getattr(pytest.mark, dep_target.replace("-", "_"))(o)
    return pytest.mark.aux_neg_flag(marked)  # type: ignore[no-any-return]


def _is_coroutine_callable(o: Any) -> bool:
    if inspect.isclass(o):
        return False
    return inspect.iscoroutinefunction(o) or inspect.iscoroutinefunction(type(o).__call__)


def run_for_optional_imports(modules: str | Iterable[str], dep_target: str) -> Callable[[T], T]:
    """Pytest decorator: mark a test (or test class) with ``dep_target``; it fails if ``modules`` are missing."""

    def decorator(o: T) -> T:
        missing_modules = get_missing_imports(modules)
        target: Any = o
        if inspect.isclass(target):
            target = require_optional_import(modules, dep_target)(target)
        elif missing_modules:
            message = _short_missing_message(missing_modules, dep_target)
            if _is_coroutine_callable(target):

                async def failing(*args: Any, **kwargs: Any) -> Any:
                    raise ImportError(message)

            else:

                def failing(*args: Any, **kwargs: Any) -> Any:
                    raise ImportError(message)

            target = functools.wraps(target)(failing)
        return _mark_object(target, dep_target)  # type: ignore[no-any-return]

    return decorator


def skip_on_missing_imports(modules: str | Iterable[str], dep_target: str) -> Callable[[T], T]:
    """Pytest decorator: mark a test (or test class) with ``dep_target`` and skip it if ``modules`` are missing."""
    missing_modules = get_missing_imports(modules)

    def decorator(o: T) -> T:
        marked = _mark_object(o, dep_target)
        if not missing_modules:
            return marked
        import pytest

        return pytest.mark.skip(_short_missing_message(missing_modules, dep_target))(marked)  # type: ignore[no-any-return]

    return decorator
