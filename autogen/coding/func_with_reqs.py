"""User functions that generated code can import, with the packages and imports they need.

An executor given ``functions=[...]`` writes them into a module (``functions.py`` by default) in
its working directory, so a code block can ``from functions import my_tool``.
"""

from __future__ import annotations

import ast
import functools
import inspect
import textwrap
import types
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, ParamSpec, TypeVar

__all__ = [
    "Alias",
    "FunctionWithRequirements",
    "FunctionWithRequirementsStr",
    "Import",
    "ImportFromModule",
    "build_python_functions_file",
    "to_stub",
    "with_requirements",
]

T = TypeVar("T")
P = ParamSpec("P")


@dataclass
class Alias:
    """``import name as alias`` (or ``name as alias`` inside a from-import)."""

    name: str
    alias: str


@dataclass
class ImportFromModule:
    """``from module import a, b as c``."""

    module: str
    imports: list[str | Alias]


Import = str | ImportFromModule | Alias


def _import_statement(item: Import) -> str:
    if isinstance(item, str):
        return f"import {item}"
    if isinstance(item, Alias):
        return f"import {item.name} as {item.alias}"
    names = ", ".join(n if isinstance(n, str) else f"{n.name} as {n.alias}" for n in item.imports)
    return f"from {item.module} import {names}"


class FunctionWithRequirementsStr:
    """A function given as source text, with its requirements. It is not callable here."""

    def __init__(self, func: str, python_packages: list[str] | None = None, global_imports: list[Import] | None = None):
        self.func = func
        self.python_packages = list(python_packages or [])
        self.global_imports = list(global_imports or [])
        namespace = types.ModuleType("_function_source")
        try:
            # The imports must run first so the definition (annotations, defaults) can be evaluated.
            prelude = "\n".join(_import_statement(i) for i in self.global_imports)
            code = compile(prelude + "\n" + func, "<function source>", "exec", dont_inherit=True)
            exec(code, namespace.__dict__)  # noqa: S102 - the user handed us this source to define their function
        except Exception as e:
            raise ValueError(f"Could not compile the function source: {e}") from e
        defined = [v for v in vars(namespace).values() if inspect.isfunction(v) and v.__module__ == namespace.__name__]
        if len(defined) != 1:
            raise ValueError(f"The source must define exactly one function, found {len(defined)}.")
        self._compiled_func: Callable[..., Any] = defined[0]
        self._func_name: str = defined[0].__name__

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError("A function given as a string cannot be called directly; it runs in the executor.")

    def __repr__(self) -> str:
        return f"FunctionWithRequirementsStr(name={self._func_name!r}, python_packages={self.python_packages!r})"


@dataclass
class FunctionWithRequirements(Generic[T, P]):
    """A callable plus the pip packages and module-level imports its source needs."""

    func: Callable[P, T]
    python_packages: list[str] = field(default_factory=list)
    global_imports: list[Import] = field(default_factory=list)

    @classmethod
    def from_callable(
        cls, func: Callable[P, T], python_packages: list[str] | None = None, global_imports: list[Import] | None = None
    ) -> FunctionWithRequirements[T, P]:
        """Wrap an existing callable."""
        return cls(func=func, python_packages=list(python_packages or []), global_imports=list(global_imports or []))

    @staticmethod
    def from_str(
        func: str, python_packages: list[str] | None = None, global_imports: list[Import] | None = None
    ) -> FunctionWithRequirementsStr:
        """Wrap a function given as source text."""
        return FunctionWithRequirementsStr(func, python_packages, global_imports)

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> T:
        return self.func(*args, **kwargs)


def with_requirements(
    python_packages: list[str] | None = None, global_imports: list[Import] | None = None
) -> Callable[[Callable[P, T]], FunctionWithRequirements[T, P]]:
    """Decorator: attach pip packages and module-level imports to a function for an executor."""

    def decorate(func: Callable[P, T]) -> FunctionWithRequirements[T, P]:
        wrapped = FunctionWithRequirements(
            func=func, python_packages=list(python_packages or []), global_imports=list(global_imports or [])
        )
        functools.update_wrapper(wrapped, func)  # name, docstring, signature via __wrapped__
        return wrapped

    return decorate


def _function_name(func: Any) -> str:
    if isinstance(func, FunctionWithRequirementsStr):
        return func._func_name
    if isinstance(func, FunctionWithRequirements):
        return func.func.__name__
    return func.__name__


def _source_of(func: Any) -> str:
    """Module-level source of ``func`` without its decorators."""
    if isinstance(func, FunctionWithRequirementsStr):
        return textwrap.dedent(func.func).strip("\n")
    target = func.func if isinstance(func, FunctionWithRequirements) else func
    target = inspect.unwrap(target)
    try:
        source = textwrap.dedent(inspect.getsource(target))
    except (OSError, TypeError) as e:
        raise ValueError(
            f"Cannot get the source of {getattr(target, '__name__', target)!r} to write it into the functions "
            "module; pass a function defined in a file, or FunctionWithRequirements.from_str(source)."
        ) from e
    tree = ast.parse(source)
    defs = [n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
    if not defs:
        raise ValueError(f"{target.__name__!r} is not a def-statement function (lambdas are not supported).")
    # Since Python 3.8 a decorated def's lineno is the 'def' line: drop the decorator lines.
    lines = source.splitlines()
    return "\n".join(lines[defs[0].lineno - 1 :])


def build_python_functions_file(funcs: list[Any]) -> str:
    """Source of the functions module: the collected global imports, then every function."""
    imports: list[str] = []
    for func in funcs:
        if isinstance(func, (FunctionWithRequirements, FunctionWithRequirementsStr)):
            for item in func.global_imports:
                stmt = _import_statement(item)
                if stmt not in imports:
                    imports.append(stmt)
    parts = ["\n".join(imports)] if imports else []
    parts.extend(_source_of(func) for func in funcs)
    return "\n\n\n".join(parts) + "\n"


# Old private name kept for code that imported it.
_build_python_functions_file = build_python_functions_file


def to_stub(func: Any) -> str:
    """A ``def name(signature): \"\"\"doc\"\"\" ...`` stub describing ``func`` for a prompt."""
    if isinstance(func, FunctionWithRequirementsStr):
        func = func._compiled_func
    content = f"def {func.__name__}{_readable_signature(func)}:\n"
    doc = func.__doc__
    if doc:
        content += textwrap.indent('"""' + textwrap.dedent(doc) + '"""', "    ") + "\n"
    return content + "    ..."


class _RawAnnotation:
    """Shows a string annotation (from ``from __future__ import annotations``) without quotes."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return self.text


def _readable_signature(func: Callable[..., Any]) -> inspect.Signature:
    sig = inspect.signature(func)

    def unquote(annotation: Any) -> Any:
        return _RawAnnotation(annotation) if isinstance(annotation, str) else annotation

    params = [p.replace(annotation=unquote(p.annotation)) for p in sig.parameters.values()]
    return sig.replace(parameters=params, return_annotation=unquote(sig.return_annotation))
