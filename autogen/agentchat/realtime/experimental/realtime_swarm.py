"""Voice front-end for a swarm: the caller, heard through a ``RealtimeAgent``, is the swarm's user.

``register_swarm`` gives the realtime agent the swarm agents' tools plus ``answer_task_question``; once the
session is ready it starts the swarm chat in the same event loop. Whenever the swarm needs the user, the
``SwarmableRealtimeAgent`` has the model ask the caller the question aloud and waits until the model reports
the spoken answer by calling ``answer_task_question``.
"""

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

import anyio

from ...conversable_agent import ConversableAgent

if TYPE_CHECKING:
    from ...agent import Agent
    from .clients import Role
    from .realtime_agent import RealtimeAgent

__all__ = ["SwarmableAgent", "SwarmableRealtimeAgent", "message_to_dict", "parse_oai_message", "register_swarm"]

SWARM_SYSTEM_MESSAGE = (
    "You are a helpful voice assistant. Your task is to listen to user and to coordinate the tasks based on his/her "
    "inputs.You can and will communicate using audio output only."
)

QUESTION_ROLE: "Role" = "user"
QUESTION_MESSAGE = (
    "I have a question/information for myself. DO NOT ANSWER YOURSELF, GET THE ANSWER FROM ME. "
    "repeat the question to me **WITH AUDIO OUTPUT** and AFTER YOU GET THE ANSWER FROM ME call "
    "'answer_task_question' with the answer in first person\n\n"
    "IMPORTANT: repeat just the question, without any additional information or context\n\n"
    "The question is: '{}'\n\n"
)
QUESTION_TIMEOUT_SECONDS = 20


def message_to_dict(message: dict[str, Any] | str) -> dict[str, Any]:
    """A message as a dict (a string becomes its ``content``)."""
    if isinstance(message, str):
        return {"content": message}
    return message if isinstance(message, dict) else dict(message)


def parse_oai_message(message: dict[str, Any] | str, role: str, addressee: "Agent") -> dict[str, Any]:
    """``message`` in the OpenAI chat format, as ``addressee`` stores it (``role`` unless the message says otherwise).

    Raises ValueError when the message has neither content nor a function or tool call.
    """
    message = message_to_dict(message)
    keys = ("content", "function_call", "tool_calls", "tool_responses", "tool_call_id", "name", "context")
    oai_message = {key: message[key] for key in keys if message.get(key) is not None}
    if "content" not in oai_message:
        if "function_call" not in oai_message and "tool_calls" not in oai_message:
            raise ValueError("Message must have either 'content', 'function_call', or 'tool_calls' field.")
        oai_message["content"] = None
    if message.get("role") in ("function", "tool"):
        oai_message["role"] = message["role"]
        for tool_response in oai_message.get("tool_responses", []):
            tool_response["content"] = str(tool_response["content"])
    else:
        oai_message["role"] = message.get("override_role", role)
    if oai_message.get("function_call") or oai_message.get("tool_calls"):
        oai_message["role"] = "assistant"
    oai_message.setdefault("name", addressee.name)
    return oai_message


class SwarmableAgent(ConversableAgent):
    """A model-less participant of a swarm chat whose replies come from elsewhere (subclasses say where)."""

    def __init__(
        self,
        name: str,
        system_message: str = "You are a helpful AI Assistant.",
        is_termination_msg: Callable[..., bool] | None = None,
        description: str | None = None,
        silent: bool | None = None,
    ) -> None:
        """Create the participant (no LLM, no code execution, never asks a human on the console)."""
        super().__init__(
            name=name,
            system_message=system_message,
            is_termination_msg=is_termination_msg,
            description=description,
            silent=silent,
            llm_config=False,
            code_execution_config=False,
            human_input_mode="NEVER",
        )


class SwarmableRealtimeAgent(SwarmableAgent):
    """The swarm's user: asks the caller through the realtime session and answers with what they said."""

    def __init__(
        self,
        realtime_agent: "RealtimeAgent",
        initial_agent: ConversableAgent,
        agents: list[ConversableAgent],
        question_message: str | None = None,
    ) -> None:
        """Front ``agents`` (starting with ``initial_agent``) with ``realtime_agent``."""
        self._initial_agent = initial_agent
        self._agents = agents
        self._realtime_agent = realtime_agent
        self._answer_event = anyio.Event()
        self._answer = ""
        self.question_message = question_message or QUESTION_MESSAGE
        super().__init__(name=realtime_agent._name)
        self.register_reply([ConversableAgent, None], SwarmableRealtimeAgent._reply_from_caller, position=0)

    def reset_answer(self) -> None:
        """Forget the previous answer."""
        self._answer_event = anyio.Event()

    def set_answer(self, answer: str) -> str:
        """Record the caller's answer (the model calls this as ``answer_task_question``)."""
        self._answer = answer
        self._answer_event.set()
        return "Answer set successfully."

    async def get_answer(self) -> str:
        """Wait for the caller's answer."""
        await self._answer_event.wait()
        return self._answer

    async def ask_question(self, question: str, question_timeout: int) -> None:
        """Have the model ask ``question``; ask again every ``question_timeout`` seconds until answered."""
        self.reset_answer()
        client = self._realtime_agent.realtime_client
        while True:
            await client.send_text(role=QUESTION_ROLE, text=question)
            with anyio.move_on_after(question_timeout):
                await self._answer_event.wait()
                return

    async def _reply_from_caller(
        self, messages: list[dict[str, Any]] | None = None, sender: "Agent | None" = None, config: Any = None
    ) -> tuple[bool, dict[str, Any] | None]:
        if not messages:
            return False, None
        question = self.question_message.format(messages[-1].get("content"))
        await self.ask_question(question, question_timeout=QUESTION_TIMEOUT_SECONDS)
        return True, {"role": "user", "content": self._answer}

    def configure_realtime_agent(self, system_message: str | None) -> None:
        """Set the instructions, register the tools and start the swarm once the session is ready."""
        from ...contrib.swarm_agent import AfterWorkOption, a_initiate_swarm_chat

        realtime_agent = self._realtime_agent
        if not system_message:
            if realtime_agent.system_message != "You are a helpful AI Assistant.":
                realtime_agent.logger.warning(
                    "Overriding system message set up in `__init__`, please use `system_message` parameter of the "
                    "`register_swarm` function instead."
                )
            system_message = SWARM_SYSTEM_MESSAGE
        realtime_agent._system_message = system_message

        async def answer_task_question(answer: str) -> str:
            # async, so the answer is recorded on the event loop that waits for it (not in a worker thread)
            return self.set_answer(answer)

        realtime_agent.register_realtime_function(
            name="answer_task_question", description="Answer question from the task"
        )(answer_task_question)
        seen: set[str] = set()
        for agent in [self._initial_agent, *self._agents]:
            for tool in agent.tools:
                if tool.name not in seen:
                    realtime_agent.register_realtime_function(name=tool.name, description=tool.description)(tool)
                    seen.add(tool.name)

        start = partial(
            a_initiate_swarm_chat,
            initial_agent=self._initial_agent,
            agents=self._agents,
            user_agent=self,
            messages="Find out what the user wants.",
            after_work=AfterWorkOption.REVERT_TO_USER,
        )

        async def on_observers_ready() -> None:
            realtime_agent._tg.start_soon(start)

        realtime_agent.callbacks.on_observers_ready = on_observers_ready


def register_swarm(
    *,
    realtime_agent: "RealtimeAgent",
    initial_agent: ConversableAgent,
    agents: list[ConversableAgent],
    system_message: str | None = None,
    question_message: str | None = None,
) -> None:
    """Put ``realtime_agent`` in front of a swarm: the caller becomes the swarm's user.

    ``system_message`` replaces the realtime agent's instructions (default ``SWARM_SYSTEM_MESSAGE``);
    ``question_message`` is the template (one ``{}``) for asking the caller (default ``QUESTION_MESSAGE``).
    """
    swarmable = SwarmableRealtimeAgent(
        realtime_agent=realtime_agent, initial_agent=initial_agent, agents=agents, question_message=question_message
    )
    swarmable.configure_realtime_agent(system_message=system_message)
