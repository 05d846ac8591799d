"""Orchestration patterns for `initiate_group_chat`."""

from .auto import AutoPattern
from .manual import ManualPattern
from .pattern import DefaultPattern, Pattern
from .random import RandomPattern
from .round_robin import RoundRobinPattern

__all__ = ["AutoPattern", "DefaultPattern", "ManualPattern", "Pattern", "RandomPattern", "RoundRobinPattern"]
