"""The per-agent instrumentators that `autogen.opentelemetry.instrument_agent` applies."""

from .chat import instrument_initiate_chat, instrument_initiate_chats, instrument_resume, instrument_run_chat
from .code import instrument_code_execution, instrument_create_or_get_executor
from .human_input import instrument_human_input
from .remote import instrument_remote_reply
from .reply import instrument_generate_oai_reply, instrument_generate_reply
from .tool import instrument_execute_function

__all__ = [
    "instrument_code_execution",
    "instrument_create_or_get_executor",
    "instrument_execute_function",
    "instrument_generate_oai_reply",
    "instrument_generate_reply",
    "instrument_human_input",
    "instrument_initiate_chat",
    "instrument_initiate_chats",
    "instrument_remote_reply",
    "instrument_resume",
    "instrument_run_chat",
]
