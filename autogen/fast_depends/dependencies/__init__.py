"""The ``Depends`` marker and the override registry."""

from .model import Depends
from .provider import Provider, dependency_provider

__all__ = ("Depends", "Provider", "dependency_provider")
