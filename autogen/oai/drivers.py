"""The effects of a model-call plan and their drivers; they live in :mod:`autogen._effects`, the one
effect vocabulary shared by agents and the LLM client (this module keeps the older import path)."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any, TypeVar

from .._effects import CallModel, Sleep, run_async, run_sync

__all__ = ["CallModel", "Plan", "Sleep", "run_async", "run_sync"]

T = TypeVar("T")

Plan = Generator["CallModel | Sleep", Any, T]
