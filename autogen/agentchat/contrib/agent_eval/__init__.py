"""AgentEval (deprecated in ag2 0.13): criteria for judging how well a task was done, written by a critic
agent, and an assessment of one run against them by a quantifier agent."""
