"""A small dependency-injection engine (ag2's ``autogen.fast_depends``, after Lancetnik's FastDepends).

``@inject`` turns a function into one whose ``Depends(...)`` parameters are computed on each call and
whose arguments are cast to their annotations with pydantic; ``dependency_provider`` swaps
dependencies for tests. Tools (`autogen.tools`) resolve their ``Depends`` parameters with it.
"""

from .dependencies import Provider, dependency_provider
from .use import Depends, inject

__all__ = ("Depends", "Provider", "dependency_provider", "inject")
