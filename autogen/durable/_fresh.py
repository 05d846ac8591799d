"""Recording a step that cannot have a record yet: one database transaction instead of two.

``DBOS.run_step`` first reads the step's record (a transaction: the workflow's status and the step's
row), runs the step only when there is none, then writes the record (a second transaction: the
ownership check and the insert). Within one execution of a workflow the recorded steps are a prefix
of its steps, because each is written before the next one starts. So once a step of this execution
has run afresh, every later step of it has no record: the read can only come back empty. This module
runs such a step and writes its record as ``run_step`` does, through DBOS's own system database and
step context, without the read.

Nothing is weakened: the write still checks that this execution owns the workflow (so a cancelled
chat, or one taken over by another process, stops at its next step, as with ``run_step``) and still
fails on an existing row for the step. A crash before the write leaves the step unrecorded, so it
runs again on recovery, as with ``run_step``.

These are DBOS internals (the step context, the system database's record call); `AVAILABLE` says
whether the installed DBOS has them, and `autogen.durable` uses ``DBOS.run_step`` when it does not.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

__all__ = ["AVAILABLE", "in_workflow", "run_fresh", "run_fresh_async"]

try:
    from dbos._context import EnterDBOSStepCtx, get_local_dbos_context, snapshot_step_context
    from dbos._dbos import _get_dbos_instance
    from dbos._serialization import serialize_value
    from dbos._sys_db import SystemDatabase

    AVAILABLE = callable(getattr(SystemDatabase, "record_operation_result", None))
except ImportError:  # another DBOS layout: DBOS.run_step does it all
    AVAILABLE = False


def in_workflow() -> bool:
    """Whether this runs in a workflow's own context (not inside a step), where a step can start."""
    ctx = get_local_dbos_context()
    return ctx is not None and ctx.is_workflow()


def _begin(name: str) -> tuple[Any, Any, dict[str, Any]]:
    dbos = _get_dbos_instance()
    step_ctx = snapshot_step_context(reserve_sleep_id=False)  # takes the step's id, as run_step does
    result = {
        "workflow_uuid": step_ctx.workflow_id,
        "function_id": step_ctx.function_id,
        "function_name": name,
        "output": None,
        "error": None,
        "serialization": None,
        "started_at_epoch_ms": int(time.time() * 1000),
        "child_workflow_id": None,
    }
    return dbos, step_ctx, result


def _attributes(name: str) -> Any:
    return {"name": name, "operationType": "step"}


def run_fresh(name: str, body: Callable[[], bytes]) -> bytes:
    """Run ``body`` as the step ``name`` of the current workflow and record what it returns.

    ``body`` must not raise (the caller records failures in what it returns): an exception from it
    leaves the step unrecorded, like a crash.
    """
    dbos, step_ctx, result = _begin(name)
    with EnterDBOSStepCtx(_attributes(name), step_ctx):
        output = body()
        result["output"], result["serialization"] = serialize_value(output, None, dbos._serializer)
        dbos._sys_db.record_operation_result(result)
    return output


async def run_fresh_async(name: str, body: Callable[[], Awaitable[bytes]]) -> bytes:
    """`run_fresh` for an async ``body``; the write runs in a worker thread, as DBOS's own does."""
    dbos, step_ctx, result = _begin(name)
    with EnterDBOSStepCtx(_attributes(name), step_ctx):
        output = await body()
        result["output"], result["serialization"] = serialize_value(output, None, dbos._serializer)
        await asyncio.to_thread(dbos._sys_db.record_operation_result, result)
    return output
