"""Group orchestration: patterns, handoffs, context variables (built in a later session)."""
