"""Setting ``.cost`` on a model response, fast for the SDK's pydantic responses.

An openai response is a pydantic model that accepts extra fields and has no ``cost`` field:
``response.cost = x`` goes through pydantic's attribute-setting machinery and lands in
``__pydantic_extra__``. Storing it there directly gives the same object (it reads back and dumps
the same) for a fraction of the cost. This module is the only place that leans on that pydantic
detail; test_response_cost.py pins that both ways give equal responses.
"""

from __future__ import annotations

import logging
from typing import Any

__all__ = ["extra_cost_type", "store_cost"]

logger = logging.getLogger("autogen.oai.client")

# Response types whose `.cost` is stored straight into `__pydantic_extra__`.
_EXTRA_COST_TYPES: set[type] = set()


def extra_cost_type(kind: type) -> bool:
    """Whether responses of type ``kind`` were seen to keep ``.cost`` in their pydantic extras."""
    return kind in _EXTRA_COST_TYPES


def store_cost(response: Any, cost: float) -> None:
    """``response.cost = cost``, through ``__pydantic_extra__`` where that is where it would go."""
    kind = type(response)
    if kind in _EXTRA_COST_TYPES:
        response.__pydantic_extra__["cost"] = cost
        return
    extra = getattr(response, "__pydantic_extra__", None)
    if type(extra) is dict and "cost" not in getattr(kind, "model_fields", {"cost": None}):
        _EXTRA_COST_TYPES.add(kind)
        extra["cost"] = cost
        return
    try:
        response.cost = cost
    except AttributeError:  # a custom client's frozen response object
        logger.debug("Could not set .cost on a %s response", kind.__name__)
