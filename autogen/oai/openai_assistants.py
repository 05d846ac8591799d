"""Helpers for the OpenAI Assistants API (beta) used by GPTAssistantAgent: find, create and update assistants.

They take an ``openai.OpenAI`` client; nothing here imports the SDK. The Assistants API is deprecated by
OpenAI; an SDK without ``client.beta.assistants`` gets a ``RuntimeError`` that says so.
"""

from __future__ import annotations

import importlib.metadata
import logging
import time
from typing import Any

__all__ = [
    "create_gpt_assistant",
    "create_gpt_vector_store",
    "detect_gpt_assistant_api_version",
    "require_assistants_api",
    "retrieve_assistants_by_name",
    "update_gpt_assistant",
]

logger = logging.getLogger(__name__)


def require_assistants_api(client: Any) -> None:
    """Raise a clear error when the openai SDK in use no longer offers the Assistants API (``client.beta``)."""
    beta = getattr(client, "beta", None)
    missing = [name for name in ("assistants", "threads") if not hasattr(beta, name)]
    if missing:
        try:
            version = importlib.metadata.version("openai")
        except importlib.metadata.PackageNotFoundError:
            version = "unknown"
        raise RuntimeError(
            f"The installed openai SDK ({version}) has no Assistants API (client.beta.{' / client.beta.'.join(missing)} "
            "is missing): OpenAI deprecated the Assistants API, and GPTAssistantAgent needs it. Install an openai "
            "version that still ships it, or use a ConversableAgent (or the Responses API client, "
            'api_type="responses") instead.'
        )


def retrieve_assistants_by_name(client: Any, name: str) -> list[Any]:
    """The assistants named ``name`` (from the first page of ``client.beta.assistants.list()``)."""
    require_assistants_api(client)
    return [assistant for assistant in client.beta.assistants.list().data if assistant.name == name]


def detect_gpt_assistant_api_version() -> str:
    """ "v1" for openai SDKs before 1.21 (files on assistants), else "v2" (tool_resources, vector stores)."""
    version = importlib.metadata.version("openai")
    parts = []
    for piece in version.split(".")[:2]:
        digits = "".join(ch for ch in piece if ch.isdigit())
        parts.append(int(digits) if digits else 0)
    while len(parts) < 2:
        parts.append(0)
    return "v1" if tuple(parts) < (1, 21) else "v2"


def create_gpt_vector_store(client: Any, name: str, file_ids: list[str]) -> Any:
    """A vector store named ``name`` holding the uploaded files ``file_ids`` (waits for the file batch)."""
    try:
        vector_store = client.vector_stores.create(name=name)
    except Exception as e:
        raise AttributeError(
            f"Failed to create vector store, please install the latest OpenAI python package: {e}"
        ) from e
    batch = client.vector_stores.file_batches.create_and_poll(vector_store_id=vector_store.id, file_ids=file_ids)
    if batch.status == "in_progress":
        time.sleep(1)
        logger.debug("file batch status: %s", batch.file_counts)
        batch = client.vector_stores.file_batches.poll(vector_store_id=vector_store.id, batch_id=batch.id)
    if batch.status == "completed":
        return vector_store
    raise ValueError(f"Failed to upload files to vector store {vector_store.id}:{batch.status}")


def create_gpt_assistant(
    client: Any, name: str, instructions: str, model: str, assistant_config: dict[str, Any]
) -> Any:
    """Create an assistant; v1-style ``retrieval`` tools and ``file_ids`` become ``file_search`` with a vector
    store (and ``code_interpreter`` files) on the v2 API."""
    require_assistants_api(client)
    tools = [dict(tool) for tool in assistant_config.get("tools", [])]
    kwargs: dict[str, Any] = {}
    if detect_gpt_assistant_api_version() == "v2":
        tool_resources = dict(assistant_config.get("tool_resources") or {})
        file_ids = assistant_config.get("file_ids")
        if tool_resources.get("file_search") is not None and file_ids is not None:
            raise ValueError(
                "Cannot specify both `tool_resources['file_search']` tool and `file_ids` in the assistant config."
            )
        for tool in tools:
            if tool["type"] == "retrieval":
                tool["type"] = "file_search"
                if file_ids is not None:
                    store = create_gpt_vector_store(client, f"{name}-vectorstore", file_ids)
                    tool_resources["file_search"] = {"vector_store_ids": [store.id]}
            elif tool["type"] == "code_interpreter" and file_ids is not None:
                tool_resources["code_interpreter"] = {"file_ids": file_ids}
        kwargs["tools"] = tools
        if tool_resources:
            kwargs["tool_resources"] = tool_resources
    else:
        if "tool_resources" in assistant_config:
            raise ValueError("`tool_resources` argument are not supported in the openai assistant V1 API.")
        if any(tool["type"] == "file_search" for tool in tools):
            raise ValueError(
                "`file_search` tool are not supported in the openai assistant V1 API, please use `retrieval`."
            )
        kwargs["tools"] = tools
        kwargs["file_ids"] = assistant_config.get("file_ids", [])
    logger.info("Creating assistant with config: %s", kwargs)
    return client.beta.assistants.create(name=name, instructions=instructions, model=model, **kwargs)


def update_gpt_assistant(client: Any, assistant_id: str, assistant_config: dict[str, Any]) -> Any:
    """Update an assistant's ``tools``, ``instructions`` and ``tool_resources`` (v1: ``file_ids``) when given."""
    require_assistants_api(client)
    kwargs: dict[str, Any] = {}
    for key in ("tools", "instructions"):
        if assistant_config.get(key) is not None:
            kwargs[key] = assistant_config[key]
    extra = "tool_resources" if detect_gpt_assistant_api_version() == "v2" else "file_ids"
    if assistant_config.get(extra) is not None:
        kwargs[extra] = assistant_config[extra]
    return client.beta.assistants.update(assistant_id=assistant_id, **kwargs)
