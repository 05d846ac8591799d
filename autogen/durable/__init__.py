"""Durable chats on DBOS Transact: a chat survives a crash and resumes where it stopped, and queued
chats run exactly once across any number of worker processes (``pip install "ag2[durable]"``).

    import autogen.durable as durable

    @durable.chat
    def research(topic: str):
        writer = AssistantAgent("writer", llm_config=llm_config)
        user = UserProxyAgent("user", human_input_mode="NEVER", code_execution_config=False)
        return user.initiate_chat(writer, message=topic, max_turns=4)

    durable.launch()                        # SQLite file in the working directory, or a PostgreSQL URL
    result = research("durable execution")  # runs durably here; or durable.start / durable.enqueue

Each LLM call, tool call, code execution, speaker choice and human input of the chat is a recorded
step; after a crash, relaunching replays the chat function on the recorded steps (none is run again)
and goes on from the first unrecorded one. ``python -m autogen.durable worker|status`` runs workers
and lists chats.
"""

from ._codec import RecordedStepError, StepNotSavableError
from ._runtime import (
    DEFAULT_QUEUE,
    ChatHandle,
    ChatInfo,
    chat,
    enqueue,
    launch,
    list_chats,
    retrieve,
    send_input,
    shutdown,
    start,
)
from ._steps import NonDeterministicChatError

__all__ = [
    "DEFAULT_QUEUE",
    "ChatHandle",
    "ChatInfo",
    "NonDeterministicChatError",
    "RecordedStepError",
    "StepNotSavableError",
    "chat",
    "enqueue",
    "launch",
    "list_chats",
    "retrieve",
    "send_input",
    "shutdown",
    "start",
]
