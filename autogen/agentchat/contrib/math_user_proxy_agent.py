"""MathUserProxyAgent (deprecated in ag2 0.13): MathChat's user proxy. It sends a math problem with a
MathChat prompt, runs the Python (and Wolfram Alpha) queries the assistant writes, accumulating the
Python code that worked so later queries can use earlier definitions, and stops once the assistant
gives a ``\\boxed{}`` answer without a query.
"""

from __future__ import annotations

import os
import re
import time
import warnings
from collections.abc import Callable
from typing import Any, Literal

from pydantic import BaseModel, model_validator

from ...code_utils import UNKNOWN, execute_code, extract_code, infer_lang
from ...import_utils import optional_import
from ...math_utils import get_answer
from ..agent import Agent
from ..user_proxy_agent import UserProxyAgent

__all__ = ["PROMPTS", "MathUserProxyAgent", "WolframAlphaAPIWrapper", "get_from_dict_or_env"]

PROMPTS = {
    # default
    "default": """Let's use Python to solve a math problem.

Query requirements:
You should always use the 'print' function for the output and use fractions/radical forms instead of decimals.
You can use packages like sympy to help you.
You must follow the formats below to write your code:
```python
# your code
```

First state the key idea to solve the problem. You may choose from three ways to solve the problem:
Case 1: If the problem can be solved with Python code directly, please write a program to solve it. You can enumerate all possible arrangements if needed.
Case 2: If the problem is mostly reasoning, you can solve it by yourself directly.
Case 3: If the problem cannot be handled in the above two ways, please follow this process:
1. Solve the problem step by step (do not over-divide the steps).
2. Take out any queries that can be asked through Python (for example, any calculations or equations that can be calculated).
3. Wait for me to give the results.
4. Continue if you think the result is correct. If the result is invalid or unexpected, please correct your query or reasoning.

After all the queries are run and you get the answer, put the answer in \\boxed{}.

Problem:
""",
    # select python or wolfram
    "two_tools": """Let's use two tools (Python and Wolfram alpha) to solve a math problem.

Query requirements:
You must follow the formats below to write your query:
For Wolfram Alpha:
```wolfram
# one wolfram query
```
For Python:
```python
# your code
```
When using Python, you should always use the 'print' function for the output and use fractions/radical forms instead of decimals. You can use packages like sympy to help you.
When using wolfram, give one query in each code block.

Please follow this process:
1. Solve the problem step by step (do not over-divide the steps).
2. Take out any queries that can be asked through Python or Wolfram Alpha, select the most suitable tool to be used (for example, any calculations or equations that can be calculated).
3. Wait for me to give the results.
4. Continue if you think the result is correct. If the result is invalid or unexpected, please correct your query or reasoning.

After all the queries are run and you get the answer, put the final answer in \\boxed{}.

Problem: """,
    # use python step by step
    "python": """Let's use Python to solve a math problem.

Query requirements:
You should always use the 'print' function for the output and use fractions/radical forms instead of decimals.
You can use packages like sympy to help you.
You must follow the formats below to write your code:
```python
# your code
```

Please follow this process:
1. Solve the problem step by step (do not over-divide the steps).
2. Take out any queries that can be asked through Python (for example, any calculations or equations that can be calculated).
3. Wait for me to give the results.
4. Continue if you think the result is correct. If the result is invalid or unexpected, please correct your query or reasoning.

After all the queries are run and you get the answer, put the answer in \\boxed{}.

Problem: """,
}


_QUERY_LANGS = ("python", "wolfram")


def _is_termination_msg_mathchat(message: dict[str, Any] | str | None) -> bool:
    """A message ends MathChat when it holds a boxed answer and no Python / Wolfram query."""
    if isinstance(message, dict):
        message = message.get("content")
    if message is None:
        return False
    if any(lang in _QUERY_LANGS for lang, _ in extract_code(message)):
        return False
    answer = get_answer(message)
    return answer is not None and answer != ""


def _add_print_to_last_line(code: str) -> str:
    """Wrap the last line in print() unless the code prints already or that line is an assignment
    (or indented with a tab)."""
    if "print(" in code:
        return code
    lines = code.splitlines()
    if not lines or "\t" in lines[-1] or "=" in lines[-1]:
        return code
    lines[-1] = f"print({lines[-1]})"
    return "\n".join(lines)


def _remove_print(code: str) -> str:
    """The code without its lines that start with print(."""
    return "\n".join(line for line in code.splitlines() if not line.startswith("print("))


_FILE_LINE = re.compile(r'File "/[^"]+\.py", line \d+, in .+\n')
_MAX_OUTPUT = 2000


class MathUserProxyAgent(UserProxyAgent):
    """(Deprecated) The user proxy of MathChat (see the module docstring).

    Args:
        name: the agent's name.
        is_termination_msg: default: a boxed answer without a query.
        human_input_mode: "NEVER" by default (fully automated).
        default_auto_reply: the reply to a message without any query.
        max_invalid_q_per_step: failed queries in a row before the assistant is told to rethink the step.
        **kwargs: further UserProxyAgent arguments (``code_execution_config`` sets ``work_dir`` / ``use_docker``).
    """

    MAX_CONSECUTIVE_AUTO_REPLY = 15
    DEFAULT_REPLY = "Continue. Please keep solving the problem until you need to query. (If you get to the answer, put it in \\boxed{}.)"

    def __init__(
        self,
        name: str | None = "MathChatAgent",
        is_termination_msg: Callable[[dict[str, Any]], bool] | None = _is_termination_msg_mathchat,
        human_input_mode: Literal["ALWAYS", "NEVER", "TERMINATE"] = "NEVER",
        default_auto_reply: str | dict[str, Any] | None = DEFAULT_REPLY,
        max_invalid_q_per_step: int = 3,
        **kwargs: Any,
    ) -> None:
        warnings.warn(
            "MathUserProxyAgent is deprecated and will be removed in v0.14. "
            "Use ConversableAgent with tool calling instead.",
            DeprecationWarning,
            stacklevel=2,
        )
        super().__init__(
            name=name or "MathChatAgent",
            is_termination_msg=is_termination_msg,
            human_input_mode=human_input_mode,
            default_auto_reply=default_auto_reply if default_auto_reply is not None else "",
            **kwargs,
        )
        self.register_reply([Agent, None], MathUserProxyAgent._generate_math_reply, position=2)
        self._max_invalid_q_per_step = max_invalid_q_per_step
        self._reset()

    @staticmethod
    def message_generator(sender: MathUserProxyAgent, recipient: Agent, context: dict[str, Any]) -> str:
        """The first message of a MathChat: the prompt (``context["prompt_type"]``: "default", "python" or
        "two_tools"; or ``context["customized_prompt"]``) followed by ``context["problem"]``. Resets the
        sender's query state."""
        sender._reset()
        problem = context.get("problem")
        customized_prompt = context.get("customized_prompt")
        if customized_prompt is not None:
            return customized_prompt + problem
        return PROMPTS[context.get("prompt_type", "default")] + problem

    def _reset(self) -> None:
        self._valid_q_count = 0
        self._total_q_count = 0
        self._accum_invalid_q_per_step = 0
        self._previous_code = ""
        self.last_reply: str | None = None

    def _execution_kwargs(self) -> dict[str, Any]:
        config = self._code_execution_config or {}
        return {key: config[key] for key in ("work_dir", "use_docker") if key in config}

    def execute_one_python_code(self, pycode: str) -> tuple[str, bool]:
        """Run one Python query after the code kept from earlier queries; its last line is printed when
        it prints nothing. Returns (output, success)."""
        pycode = pycode.replace("; ", "\n").replace(";", "\n")
        pycode = self._previous_code + _add_print_to_last_line(pycode)
        kwargs = self._execution_kwargs()
        return_code, output, _ = execute_code(pycode, timeout=5, **kwargs)
        is_success = return_code == 0
        if not is_success:
            output = "Error: " + (_FILE_LINE.sub("", output) if isinstance(output, str) else str(output))
        elif output == "":
            is_success = "print" in pycode
            output = "No output found." if is_success else "No output found. Make sure you print the results."
        if len(output) > _MAX_OUTPUT:
            output = (
                "Your requested query response is too long. You might have made a mistake. "
                "Please revise your reasoning and query."
            )
            is_success = False
        if is_success:  # keep the code (without its prints) if it still runs
            kept = self._previous_code + "\n" + _remove_print(pycode) + "\n"
        else:  # keep only its imports
            kept = self._previous_code + "\n" + "".join(line + "\n" for line in pycode.split("\n") if "import" in line)
        if execute_code(kept, **kwargs)[0] == 0:
            self._previous_code = kept
        return output, is_success

    def execute_one_wolfram_query(self, query: str) -> tuple[str, bool]:
        """Ask Wolfram Alpha (``WOLFRAM_ALPHA_APPID``). Returns (output, success)."""
        output, is_success = WolframAlphaAPIWrapper().run(query)
        if output == "":
            return "Error: The wolfram query is invalid.", False
        return output, is_success

    def _generate_math_reply(
        self, messages: list[dict[str, Any]] | None = None, sender: Agent | None = None, config: Any | None = None
    ) -> tuple[bool, str | dict[str, Any]]:
        """Run the queries of the last message and reply with their outputs."""
        if messages is None:
            messages = self._oai_messages[sender]  # type: ignore[index]
        code_blocks = extract_code(messages[-1].get("content", "") or "")
        if len(code_blocks) == 1 and code_blocks[0][0] == UNKNOWN:
            return True, self._default_auto_reply
        all_success = True
        outputs = []
        for lang, code in code_blocks:
            lang = lang or infer_lang(code)
            if lang == "python":
                output, is_success = self.execute_one_python_code(code)
            elif lang == "wolfram":
                output, is_success = self.execute_one_wolfram_query(code)
            else:
                output, is_success = "Error: Unknown language.", False
            outputs.append(output + "\n")
            if not is_success:
                all_success = False
                self._valid_q_count -= 1
        reply = "".join(outputs).strip()
        if self.last_reply == reply:
            return True, reply + "\nYour query or result is same from the last, please try a new approach."
        self.last_reply = reply
        if not all_success:
            self._accum_invalid_q_per_step += 1
            if self._accum_invalid_q_per_step > self._max_invalid_q_per_step:
                self._accum_invalid_q_per_step = 0
                reply = (
                    "Please revisit the problem statement and your reasoning. If you think this step is correct, "
                    "solve it yourself and continue the next step. Otherwise, correct this step."
                )
        return True, reply


def get_from_dict_or_env(data: dict[str, Any], key: str, env_key: str, default: str | None = None) -> str:
    """``data[key]``, else the environment variable ``env_key``, else ``default``; ValueError when none is set."""
    if data.get(key):
        return data[key]
    if os.environ.get(env_key):
        return os.environ[env_key]
    if default is not None:
        return default
    raise ValueError(
        f"Did not find {key}, please add an environment variable `{env_key}` which contains it, "
        f"or pass `{key}` as a named parameter."
    )


_WOLFRAM_FAILED = "Wolfram Alpha wasn't able to answer it. Please try a new query for wolfram or use python."


class WolframAlphaAPIWrapper(BaseModel):
    """Wolfram Alpha queries through the ``wolframalpha`` package (``pip install "ag2[mathchat]"``); the
    app id comes from ``wolfram_alpha_appid`` or ``WOLFRAM_ALPHA_APPID``."""

    wolfram_client: Any = None
    wolfram_alpha_appid: str | None = None

    @model_validator(mode="before")
    @classmethod
    def validate_environment(cls, values: Any) -> Any:
        """Read the app id and make the client."""
        values = dict(values or {})
        wolframalpha = optional_import("wolframalpha", "mathchat", feature="Wolfram Alpha queries")
        appid = get_from_dict_or_env(values, "wolfram_alpha_appid", "WOLFRAM_ALPHA_APPID")
        values["wolfram_alpha_appid"] = appid
        values["wolfram_client"] = wolframalpha.Client(appid)
        return values

    def run(self, query: str) -> tuple[str, bool]:
        """The answer to ``query`` as "Assumption: ... \\nAnswer: ...", and whether there was one."""
        from urllib.error import HTTPError

        res = None
        for _ in range(20):
            try:
                res = self.wolfram_client.query(query)
                break
            except HTTPError:
                time.sleep(1)
            except Exception:  # noqa: BLE001 - any client failure is reported to the model as text
                return _WOLFRAM_FAILED, False
        if res is None:
            return (
                "Wolfram Alpha wasn't able to answer it (may be due to web error), you can try again or use python.",
                False,
            )
        try:
            if not res["@success"]:
                return "Your Wolfram query is invalid. Please try a new query for wolfram or use python.", False
            assumption = next(res.pods).text
            answer = ""
            for pod in res["pod"]:
                if pod["@title"] == "Solution":
                    answer = pod["subpod"]["plaintext"]
                if pod["@title"] in ("Results", "Solutions"):
                    for i, sub in enumerate(pod["subpod"]):
                        answer += f"ans {i}: " + sub["plaintext"] + "\n"
                    break
            if answer == "":
                answer = next(res.results).text
        except Exception:  # noqa: BLE001 - an unexpected result shape is reported to the model as text
            return _WOLFRAM_FAILED, False
        if not answer:
            return "No good Wolfram Alpha Result was found", False
        return f"Assumption: {assumption} \nAnswer: {answer}", True
