"""The LLM reply step: build the request from the history, call the model, return its reply
(part of `ConversableAgent`)."""

from __future__ import annotations

import functools
import warnings
from typing import Any

from ..._effects import Call, Flow, run_sync
from .._messages import ApiView, GrowingHistory, normalize_function_name, to_api_messages
from ..agent import Agent
from .stock import FLOW_PASSTHROUGH, a_run_reply_step, register_stock_flow, run_reply_step

__all__ = ["LLMReply", "message_object_to_dict"]


class LLMReply:
    """generate_oai_reply and the model call shared by replies and summaries (part of `ConversableAgent`)."""

    client: Any
    client_cache: Any
    _oai_messages: dict[Agent, list[dict[str, Any]]]
    _oai_system_message: list[dict[str, Any]]
    hook_lists: dict[str, list[Any]]

    def _llm_flow(
        self, client: Any, request: list[dict[str, Any]], context: Any, cache: Any, extra: dict[str, Any] | None = None
    ) -> Flow[str | dict[str, Any] | None]:
        """One model call on an already-built request: the reply text, a message dict (tool or
        function calls), or None when the model returned nothing. ``extra`` holds further
        arguments for the client's ``create`` (those given to `generate_oai_reply`)."""
        params = {"context": context, "messages": request, "cache": cache, "agent": self}
        if extra:
            clash = extra.keys() & params.keys()
            if clash:
                raise TypeError(f"generate_oai_reply() sets {sorted(clash)} itself; do not pass them as keyword arguments.")
            params.update(extra)
        plan = _stock_plan(client)
        if plan is not None:  # the library's OpenAIWrapper: its call plan is entered by delegation
            response = yield from plan(client, params)
        else:  # a user's wrapper: its create / a_create is user code
            response = yield Call(client.create, getattr(client, "a_create", None), **params)
        extracted = client.extract_text_or_completion_object(response)[0]
        if extracted is None or isinstance(extracted, str):
            return extracted
        return message_object_to_dict(extracted)

    def _oai_reply_flow(
        self, messages: list[dict[str, Any]] | None, sender: Agent | None, config: Any, extra: dict[str, Any] | None = None
    ) -> Any:
        """The LLM reply step (a result when there is no client, else a flow)."""
        client = self.client if config is None else config
        if client is None:
            return False, None
        return self._ask_llm(client, messages, sender, extra)

    def _ask_llm(
        self, client: Any, messages: list[dict[str, Any]] | None, sender: Agent | None, extra: dict[str, Any] | None = None
    ) -> Flow[tuple[bool, Any]]:
        if messages is None:
            messages = self._oai_messages[sender]  # type: ignore[index]
        if sender is not None and messages is self._oai_messages.get(sender):
            # A stored history grows by appending: extend its cached request form.
            request = self._api_view(sender, messages).build(self._oai_system_message, messages)
        elif isinstance(messages, GrowingHistory):  # a hook's append-only view: one cached slot
            view = self.__dict__.get("_api_view_growing")
            if view is None or view.source is not messages:
                view = self.__dict__["_api_view_growing"] = ApiView()
            request = view.build(self._oai_system_message, messages)
        else:  # a one-off list (hook output, a selector's prompt): nothing worth keeping
            request = to_api_messages(self._oai_system_message, messages)
        if self.hook_lists["safeguard_llm_inputs"]:
            for hook in self.hook_lists["safeguard_llm_inputs"]:
                if hook(request) is None:
                    return True, {"content": "LLM call blocked by safeguard", "role": "assistant"}
        context = messages[-1].get("context") if messages else None
        if _replaced_from_client(self):  # overridden or patched: called as ag2 calls it
            reply = yield Call(self._generate_oai_reply_from_client, None, llm_client=client, messages=request, cache=self.client_cache)
        else:
            reply = yield from self._llm_flow(client, request, context, self.client_cache, extra)
        if reply is None:
            warnings.warn(f"Extracted response from the LLM is None for agent {self.name}.", UserWarning, stacklevel=2)  # type: ignore[attr-defined]
            return False, None
        for hook in self.hook_lists["safeguard_llm_outputs"]:
            if hook(reply) is None:
                raise ValueError("The safeguard_llm_outputs hook returned None; it must return the reply.")
        return True, reply

    def _api_view(self, peer: Agent, messages: list[dict[str, Any]]) -> ApiView:
        """The cached API form of the history with ``peer`` (one view per peer, like the histories)."""
        views = self.__dict__.setdefault("_api_views", {})
        view = views.get(peer)
        if view is None:
            view = views[peer] = ApiView()
        return view

    def generate_oai_reply(
        self,
        messages: list[dict[str, Any]] | None = None,
        sender: Agent | None = None,
        config: Any | None = None,
        **kwargs: Any,
    ) -> tuple[bool, str | dict[str, Any] | None]:
        """Reply with the LLM (system message + history). ``config`` is the client to use (default:
        the agent's own); further keyword arguments go to the client's ``create`` call."""
        return run_reply_step(self._oai_reply_flow(messages, sender, config, kwargs))

    async def a_generate_oai_reply(
        self,
        messages: list[dict[str, Any]] | None = None,
        sender: Agent | None = None,
        config: Any | None = None,
        **kwargs: Any,
    ) -> tuple[bool, str | dict[str, Any] | None]:
        """Async twin of `generate_oai_reply` (uses the async client: no thread per call)."""
        return await a_run_reply_step(self._oai_reply_flow(messages, sender, config, kwargs))

    def _generate_oai_reply_from_client(self, llm_client: Any, messages: list[dict[str, Any]], cache: Any, **kwargs: Any) -> Any:
        """Call ``llm_client`` on ``messages`` (already including any system message); keyword
        arguments go to its ``create`` call."""
        context = messages[-1].get("context") if messages else None
        return run_sync(self._llm_flow(llm_client, to_api_messages([], messages), context, cache, kwargs))

register_stock_flow(LLMReply.generate_oai_reply, LLMReply.a_generate_oai_reply, "_oai_reply_flow")


def _replaced_from_client(agent: Any) -> bool:
    """Whether ``agent``'s ``_generate_oai_reply_from_client`` is not the library's own (overridden,
    patched on the class or set on the instance): replies and summaries then call it, as ag2 does."""
    return (
        getattr(type(agent), "_generate_oai_reply_from_client", None) is not LLMReply._generate_oai_reply_from_client
        or "_generate_oai_reply_from_client" in agent.__dict__
    )


def _stock_plan(client: Any) -> Any:
    """The call-plan function of ``client`` when it is the library's OpenAIWrapper using its own
    create/a_create (not overridden in a subclass, patched on the class, or set on the instance),
    else None: the client is then user code, called as an effect."""
    cls = type(client)
    wrapper = _wrapper_module()
    create, a_create = getattr(cls, "create", None), getattr(cls, "a_create", None)
    if (create is not wrapper.STOCK_CREATE and not hasattr(create, FLOW_PASSTHROUGH)) or (
        a_create is not wrapper.STOCK_A_CREATE and not hasattr(a_create, FLOW_PASSTHROUGH)
    ):
        return None
    instance_dict = client.__dict__
    if "create" in instance_dict or "a_create" in instance_dict:
        return None
    return cls._plan


@functools.cache
def _wrapper_module() -> Any:
    from ...oai import client

    return client


def message_object_to_dict(message: Any) -> dict[str, Any]:
    """A model's reply message (an SDK object) as a message dict, function names normalised."""
    data = _openai_message_dump(message) if type(message).__module__.startswith("openai.") else None
    if data is None:
        data = message.model_dump() if hasattr(message, "model_dump") else dict(message)
    function_call = data.get("function_call")
    if function_call and function_call.get("name"):
        function_call["name"] = normalize_function_name(function_call["name"])
    tool_calls = data.get("tool_calls")
    if tool_calls:
        for call in tool_calls:
            fn = call.get("function") or {}
            if fn.get("name"):
                fn["name"] = normalize_function_name(fn["name"])
            # Mistral-style servers may send id/type as None; drop those keys.
            for key in ("id", "type"):
                if key in call and call[key] is None:
                    del call[key]
    return data


@functools.cache
def _openai_message_types() -> tuple[type, type, type] | None:
    """openai's ChatCompletionMessage, function tool call and Function classes (None if it has none)."""
    try:
        from openai.types.chat import ChatCompletionMessage
        from openai.types.chat.chat_completion_message_function_tool_call import (
            ChatCompletionMessageFunctionToolCall,
            Function,
        )
    except ImportError:
        return None
    return ChatCompletionMessage, ChatCompletionMessageFunctionToolCall, Function


def _openai_message_dump(message: Any) -> dict[str, Any] | None:
    """``message.model_dump()`` for the common shapes of openai's ChatCompletionMessage (text and/or
    function tool calls, no extra fields, annotations, audio or legacy function_call), built from
    the fields directly; None for anything else (the caller then uses model_dump). This leans on
    pydantic keeping a model's fields in ``__dict__``; test_message_dump pins it against model_dump."""
    types = _openai_message_types()
    if types is None or type(message) is not types[0]:
        return None
    if message.__pydantic_extra__ or message.annotations is not None or message.audio is not None:
        return None
    if message.function_call is not None:
        return None
    _, call_type, function_type = types
    data = dict(message.__dict__)
    calls = data.get("tool_calls")
    if calls:
        dumped = []
        for call in calls:
            if type(call) is not call_type or call.__pydantic_extra__:
                return None
            function = call.function
            if type(function) is not function_type or function.__pydantic_extra__:
                return None
            entry = dict(call.__dict__)
            entry["function"] = dict(function.__dict__)
            dumped.append(entry)
        data["tool_calls"] = dumped
    elif calls is not None:
        data["tool_calls"] = []
    return data
