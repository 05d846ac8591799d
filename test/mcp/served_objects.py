"""Objects the MCP serve tests expose with ``python -m autogen.mcp serve served_objects:NAME``."""

from __future__ import annotations

import json
import os
from typing import Annotated

from pydantic import BaseModel

from autogen import AssistantAgent
from autogen.tools import Toolkit, tool


@tool(description="Add two integers")
def plus(a: Annotated[int, "first"], b: Annotated[int, "second"]) -> int:
    return a + b


@tool(description="Greet someone, asynchronously")
async def greet(name: str) -> str:
    return f"hello {name}"


@tool(description="Always fails")
def broken() -> str:
    raise RuntimeError("broken on purpose")


toolkit = Toolkit([plus, greet, broken])


class Item(BaseModel):
    sku: str
    quantity: int = 1


class Order(BaseModel):
    items: list[Item]
    note: str | None = None


@tool(description="Count the pieces of an order")
def order(order: Order) -> int:
    return sum(item.quantity for item in order.items)


def agent() -> AssistantAgent:
    """An assistant whose model is the FakeLLMServer named by $FAKE_LLM_CONFIG."""
    return AssistantAgent(
        "helper", llm_config=json.loads(os.environ["FAKE_LLM_CONFIG"]), description="Answers questions"
    )
