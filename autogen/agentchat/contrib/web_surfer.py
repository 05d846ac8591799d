"""The legacy `WebSurferAgent` (deprecated in ag2): an agent that browses with a `SimpleTextBrowser`.

Each reply runs an inner assistant that may call browsing tools (search, visit, scroll, answer from or
summarise the page); an inner user proxy executes the call, and the tool's output, or else the
assistant's own answer, is the surfer's reply. New code should use
``autogen.agents.experimental.WebSurferAgent``.
"""

from __future__ import annotations

import copy
import logging
import re
import warnings
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Annotated, Any, Literal

from ...browser_utils import SimpleTextBrowser
from ...llm_config.utils import filter_config
from ...token_count_utils import count_token, get_max_token_limit
from ..agent import Agent
from ..assistant_agent import AssistantAgent
from ..conversable_agent import ConversableAgent
from ..user_proxy_agent import UserProxyAgent

__all__ = ["WebSurferAgent"]

logger = logging.getLogger(__name__)

_DEPRECATION = (
    "WebSurferAgent (contrib) is deprecated and will be removed in v0.14. "
    "Use autogen.agents.experimental.WebSurferAgent instead."
)
# the summarizer prefers a long-context model of the list when it has one (as in the original)
_SUMMARIZER_MODELS = ["gpt-3.5-turbo-1106", "gpt-3.5-turbo-16k-0613", "gpt-3.5-turbo-16k"]
_SEPARATOR = "\n=======================\n"


def _as_dict(llm_config: Any) -> dict[str, Any]:
    """A plain, independent dict copy of an ``LLMConfig`` or dict llm_config."""
    if hasattr(llm_config, "model_dump") and not isinstance(llm_config, Mapping):
        return llm_config.model_dump()
    return copy.deepcopy(dict(llm_config))


class WebSurferAgent(ConversableAgent):
    """(Deprecated) An agent that searches the web and reads pages with a text browser.

    Args:
        name: the agent's name.
        summarizer_llm_config: the LLM that answers questions about and summarises pages (``None``: a copy
            of ``llm_config``, preferring a long-context model of its list; ``False``: no such tools).
        browser_config: keyword arguments for the `SimpleTextBrowser` (viewport_size, bing_api_key...).

    The other arguments are `ConversableAgent`'s (``human_input_mode`` defaults to "TERMINATE",
    ``code_execution_config`` to False).
    """

    __deprecated__ = _DEPRECATION

    DEFAULT_PROMPT = (
        "You are a helpful AI assistant with access to a web browser (via the provided functions). In fact, "
        "YOU ARE THE ONLY MEMBER OF YOUR PARTY WITH ACCESS TO A WEB BROWSER, so please help out where you can by "
        "performing web searches, navigating pages, and reporting what you find. Today's date is "
        + datetime.now().date().isoformat()
    )

    DEFAULT_DESCRIPTION = (
        "A helpful assistant with access to a web browser. Ask them to perform web searches, open pages, navigate "
        "to Wikipedia, answer questions from pages, and or generate summaries."
    )

    def __init__(
        self,
        name: str,
        system_message: str | list[str] | None = DEFAULT_PROMPT,
        description: str | None = DEFAULT_DESCRIPTION,
        is_termination_msg: Callable[[dict[str, Any]], bool] | None = None,
        max_consecutive_auto_reply: int | None = None,
        human_input_mode: Literal["ALWAYS", "NEVER", "TERMINATE"] = "TERMINATE",
        function_map: dict[str, Callable[..., Any]] | None = None,
        code_execution_config: dict[str, Any] | Literal[False] = False,
        llm_config: Any = None,
        summarizer_llm_config: Any = None,
        default_auto_reply: str | dict[str, Any] | None = "",
        browser_config: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        warnings.warn(_DEPRECATION, DeprecationWarning, stacklevel=2)
        super().__init__(
            name=name,
            system_message=system_message,
            description=description,
            is_termination_msg=is_termination_msg,
            max_consecutive_auto_reply=max_consecutive_auto_reply,
            human_input_mode=human_input_mode,
            function_map=function_map,
            code_execution_config=code_execution_config,
            llm_config=llm_config,
            default_auto_reply=default_auto_reply,
            **kwargs,
        )
        self._create_summarizer_client(summarizer_llm_config, llm_config)
        self.browser = SimpleTextBrowser(**(browser_config or {}))

        inner_llm_config = copy.deepcopy(llm_config)
        self._assistant = AssistantAgent(
            self.name + "_inner_assistant",
            system_message=system_message,  # type: ignore[arg-type]
            llm_config=inner_llm_config,
            is_termination_msg=lambda m: False,
        )
        self._user_proxy = UserProxyAgent(
            self.name + "_inner_user_proxy",
            human_input_mode="NEVER",
            code_execution_config=False,
            default_auto_reply="",
            is_termination_msg=lambda m: False,
        )
        if inner_llm_config not in (None, False):
            self._register_functions()

        # The inner monologue replaces the LLM reply; code, function calls and termination stay.
        self.register_reply([Agent, None], WebSurferAgent.generate_surfer_reply, remove_other_reply_funcs=True)
        self.register_reply([Agent, None], ConversableAgent.generate_code_execution_reply)
        self.register_reply([Agent, None], ConversableAgent.generate_function_call_reply)
        self.register_reply([Agent, None], ConversableAgent.check_termination_and_human_reply)

    # ------------------------------------------------------------------ summarizer
    def _create_summarizer_client(self, summarizer_llm_config: Any, llm_config: Any) -> None:
        from ...oai.client import OpenAIWrapper

        config: Any
        if summarizer_llm_config is not None:
            config = summarizer_llm_config
        elif llm_config is None or llm_config is False:
            config = llm_config
        else:
            config = _as_dict(llm_config)
            if config.get("config_list") is not None:
                preferred = filter_config(list(config["config_list"]), {"model": _SUMMARIZER_MODELS})
                if preferred:
                    config["config_list"] = preferred
                else:
                    logger.warning(
                        "The summarizer did not find the preferred model (gpt-3.5-turbo-16k) in the config list. "
                        "Semantic operations on webpages (summarization or Q&A) might be costly or ineffective."
                    )
        self.summarizer_llm_config = config
        self.summarization_client = None if not config else OpenAIWrapper(**_as_dict(config))

    def _summarizer_token_limit(self) -> int:
        try:
            config = _as_dict(self.summarizer_llm_config)
            first = config["config_list"][0] if config.get("config_list") else config
            return get_max_token_limit(first["model"])
        except (KeyError, IndexError, TypeError, ValueError):
            return 4096  # unknown model or no model named

    # ------------------------------------------------------------------ tools
    def _browser_state(self) -> str:
        """The browser's status header and current viewport, as every browsing tool returns them."""
        browser = self.browser
        header = f"Address: {browser.address}\n"
        if browser.page_title is not None:
            header += f"Title: {browser.page_title}\n"
        header += (
            f"Viewport position: Showing page {browser.viewport_current_page + 1} of {len(browser.viewport_pages)}.\n"
        )
        return header.strip() + _SEPARATOR + browser.viewport

    def _answer_from_page(self, question: str | None, url: str | None = None) -> str:
        if url is not None and url != self.browser.address:
            self.browser.visit_page(url)
        limit = self._summarizer_token_limit()
        if limit < 16000:
            logger.warning(
                f"The token limit ({limit}) of the WebSurferAgent.summarizer_llm_config, is below the recommended 16k."
            )
        # keep whole lines while they fit, leaving room for the summary itself
        buffer = ""
        for line in re.split(r"([\r\n]+)", self.browser.page_content):
            if count_token(buffer + line) + 1024 > limit:
                break
            buffer += line
        buffer = buffer.strip()
        if not buffer:
            return "Nothing to summarize."
        if question is None:
            prompt = f"Please summarize the following into one or two paragraph:\n\n{buffer}"
        else:
            prompt = (
                f"Please summarize the following into one or two paragraphs with respect to '{question}':\n\n{buffer}"
            )
        messages = [
            {
                "role": "system",
                "content": "You are a helpful assistant that can summarize long documents to answer question.",
            },
            {"role": "user", "content": prompt},
        ]
        client = self.summarization_client
        assert client is not None
        response = client.create(context=None, messages=messages)
        return str(client.extract_text_or_completion_object(response)[0])

    def _register_functions(self) -> None:
        """Offer the browsing tools to the inner assistant; the inner user proxy runs them."""
        browser = self.browser

        def tool(name: str, description: str) -> Callable[[Callable[..., str]], Callable[..., str]]:
            def register(f: Callable[..., str]) -> Callable[..., str]:
                return self._user_proxy.register_for_execution()(
                    self._assistant.register_for_llm(name=name, description=description)(f)
                )

            return register

        @tool("informational_web_search", "Perform an INFORMATIONAL web search query then return the search results.")
        def _informational_search(query: Annotated[str, "The informational web search query to perform."]) -> str:
            browser.visit_page(f"bing: {query}")
            return self._browser_state()

        @tool(
            "navigational_web_search",
            "Perform a NAVIGATIONAL web search query then immediately navigate to the top result. Useful, for "
            "example, to navigate to a particular Wikipedia article or other known destination. Equivalent to "
            "Google's \"I'm Feeling Lucky\" button.",
        )
        def _navigational_search(query: Annotated[str, "The navigational web search query to perform."]) -> str:
            browser.visit_page(f"bing: {query}")
            first_link = re.search(r"\[.*?\]\((http.*?)\)", browser.page_content)
            if first_link:
                browser.visit_page(first_link.group(1))
            return self._browser_state()

        @tool("visit_page", "Visit a webpage at a given URL and return its text.")
        def _visit_page(url: Annotated[str, "The relative or absolute url of the webpage to visit."]) -> str:
            browser.visit_page(url)
            return self._browser_state()

        @tool(
            "page_up",
            "Scroll the viewport UP one page-length in the current webpage and return the new viewport content.",
        )
        def _page_up() -> str:
            browser.page_up()
            return self._browser_state()

        @tool(
            "page_down",
            "Scroll the viewport DOWN one page-length in the current webpage and return the new viewport content.",
        )
        def _page_down() -> str:
            browser.page_down()
            return self._browser_state()

        if self.summarization_client is None:
            return

        @tool("answer_from_page", "Uses AI to read the page and directly answer a given question based on the content.")
        def _answer_from_page(
            question: Annotated[str | None, "The question to directly answer."],
            url: Annotated[str | None, "[Optional] The url of the page. (Defaults to the current page)"] = None,
        ) -> str:
            return self._answer_from_page(question, url)

        @tool(
            "summarize_page",
            "Uses AI to summarize the content found at a given url. If the url is not provided, the current page "
            "is summarized.",
        )
        def _summarize_page(
            url: Annotated[
                str | None, "[Optional] The url of the page to summarize. (Defaults to current page)"
            ] = None,
        ) -> str:
            return self._answer_from_page(None, url)

    # ------------------------------------------------------------------ the reply
    def generate_surfer_reply(
        self,
        messages: list[dict[str, Any]] | None = None,
        sender: Agent | None = None,
        config: Any = None,
    ) -> tuple[bool, str | dict[str, Any] | None]:
        """Let the inner assistant act on the latest message; reply with its tool's output or its answer."""
        if messages is None:
            messages = self._oai_messages[sender]
        self._user_proxy.reset()
        self._assistant.reset()
        # the inner assistant sees the outer conversation so far as its history with the proxy
        self._assistant.chat_messages[self._user_proxy] = list(messages[:-1])
        self._user_proxy.send(
            f"Your browser is currently open to the page '{self.browser.page_title}' at the address "
            f"'{self.browser.address}'.",
            self._assistant,
            request_reply=False,
            silent=True,
        )
        self._user_proxy.send(messages[-1]["content"], self._assistant, request_reply=True, silent=True)
        agent_reply = self._user_proxy.chat_messages[self._assistant][-1]
        proxy_reply = self._user_proxy.generate_reply(
            messages=self._user_proxy.chat_messages[self._assistant], sender=self._assistant
        )
        if proxy_reply == "":  # the proxy had nothing to run: the assistant's words are the answer
            return True, None if agent_reply is None else agent_reply["content"]
        return True, None if proxy_reply is None else proxy_reply["content"]  # type: ignore[index]
