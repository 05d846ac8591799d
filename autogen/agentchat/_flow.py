"""Old home of the flow drivers; the effects and drivers live in :mod:`autogen._effects`."""

from .._effects import NOT_RUN, Call, Flow, Parallel, run_async, run_coroutine_sync, run_sync, settle

#: The name the agent code used for a `Call` effect.
Step = Call

__all__ = ["NOT_RUN", "Call", "Flow", "Parallel", "Step", "run_async", "run_coroutine_sync", "run_sync", "settle"]
