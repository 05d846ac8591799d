"""Offline, real language models for tests and demos (the ``local`` extra).

Light to import: llama.cpp bindings are loaded only when a server starts.
"""

from autogen.local.server import LocalModelServer, default_model_path

__all__ = ["LocalModelServer", "default_model_path"]
