"""The parts `ConversableAgent` is composed of, one concept per module (see ``conversable_agent.py``)."""
