"""AgentOptimizer (deprecated in ag2 0.13): improves the functions an assistant is given, from recorded
conversations and whether the user was satisfied with them (https://arxiv.org/abs/2402.11359). Each `step`
asks the optimizer model to add, revise or remove functions (through tool calls) and returns what to
register on the assistant (`register_for_llm`) and its executor (`register_for_executor`).
"""

from __future__ import annotations

import copy
import json
import warnings
from typing import Any

from ...code_utils import execute_code
from ...llm_config.utils import filter_config

__all__ = ["ADD_FUNC", "EXECUTION_IMAGE", "OPT_PROMPT", "REMOVE_FUNC", "REVISE_FUNC", "AgentOptimizer", "execute_func"]

_ARGUMENTS_DESCRIPTION = (
    "JSON schema of arguments encoded as a string. Please note that the JSON schema only supports specific types "
    "including string, integer, object, array, boolean. (do not have float type) For example: "
    '{ "url": { "type": "string", "description": "The URL", }}. '
    "Please avoid the error 'array schema missing items' when using array type."
)
_PACKAGES_DESCRIPTION = (
    "A list of package names imported by the function, and that need to be installed with pip prior to invoking the "
    "function. This solves ModuleNotFoundError. It should be string, not list."
)
_NAME_PROPERTY = {"type": "string", "description": "The name of the function in the code implementation."}


def _function_tool(name: str, verb: str) -> dict[str, Any]:
    """The tool schema of add_function / revise_function (the same five fields)."""
    return {
        "type": "function",
        "function": {
            "name": name,
            "description": f"{verb} a function in the context of the conversation. Necessary Python packages must be "
            "declared. The name of the function MUST be the same with the function name in the code you generated.",
            "parameters": {
                "type": "object",
                "properties": {
                    "name": dict(_NAME_PROPERTY),
                    "description": {"type": "string", "description": "A short description of the function."},
                    "arguments": {"type": "string", "description": _ARGUMENTS_DESCRIPTION},
                    "packages": {"type": "string", "description": _PACKAGES_DESCRIPTION},
                    "code": {
                        "type": "string",
                        "description": "The implementation in Python. Do not include the function declaration.",
                    },
                },
                "required": ["name", "description", "arguments", "packages", "code"],
            },
        },
    }


ADD_FUNC = _function_tool("add_function", "Add")
REVISE_FUNC = _function_tool("revise_function", "Revise")
REMOVE_FUNC = {
    "type": "function",
    "function": {
        "name": "remove_function",
        "description": "Remove one function in the context of the conversation. Once remove one function, the "
        "assistant will not use this function in future conversation.",
        "parameters": {"type": "object", "properties": {"name": dict(_NAME_PROPERTY)}, "required": ["name"]},
    },
}

OPT_PROMPT = """You are a function optimizer. Your task is to maintain a list of functions for the assistant according to the existing function list and conversation history that happens between the assistant and the user.
You can perform one of the following four actions to manipulate the function list using the functions you have:
1. Revise one existing function (using revise_function).
2. Remove one existing function (using remove_function).
3. Add one new function (using add_function).
4. Directly return "TERMINATE" to me if no more actions are needed for the current function list.

Below are the principles that you need to follow for taking these four actions.
(1) Revise one existing function:
1. Pay more attention to the failed tasks and corresponding error information, and optimize the function used in these tasks according to the conversation history if needed.
2. A failed function call can occur due to incorrect input arguments (missing arguments) or an incorrect function code implementation. You should focus more on the function code implementation and make it easy to get success function call.
3. Do not revise the function that you think works well and plays a critical role in solving the problems according to the conversation history. Only making revisions if needed.
4. Sometimes, a NameError may occur. To fix this error, you can either revise the name of the function in the code implementation or revise the name of the function call to make these two names consistent.
(2) Remove one existing function:
1. Only remove the function that you think is not needed anymore in future tasks.
(3) Add one new function:
1. The added function should be general enough to be used in future tasks. For instance, if you encounter a problem that this function can solve, or one step of it, you can use the generated function directly instead of starting from scratch
2. The added new function should solve a higher-level question that encompasses the original query and extend the code's functionality to make it more versatile and widely applicable.
3. Replace specific strings or variable names with general variables to enhance the tool's applicability to various queries. All names used inside the function should be passed in as arguments.
Below is an example of a function that potentially deserves to be added in solving MATH problems, which can be used to solve a higher-level question:
{{
    \"name\": \"evaluate_expression\",
    \"description\": \"Evaluate arithmetic or mathematical expressions provided as strings.\",
    \"arguments\": {{
        \"expression\": {{
            \"type\": \"string\",
            \"description\": \"The mathematical expression to evaluate.\"
        }}
    }},
    \"packages\": \"sympy\",
    \"code\": \"from sympy import sympify, SympifyError\\n\\ndef evaluate_expression(expression):\\n    try:\\n        result = sympify(expression)\\n        if result.is_number:\\n            result = float(result)\\n        else:\\n            result = str(result)\\n        return result\\n    except SympifyError as e:\\n        return str(e)\"
}}
(4) Directly return "TERMINATE":
If you think there is no need to perform any other actions for the current function list since the current list is optimal more actions will harm the performance in future tasks. Please directly reply to me with "TERMINATE".

One function signature includes the following five elements:
1. Function name
2. Function description
3. JSON schema of arguments encoded as a string
4. A list of package names imported by the function packages
5. The code implementation

Below are the signatures of the current functions:
List A: {best_functions}.
The following list are the function signatures that you have after taking {actions_num} actions to manipulate List A:
List B: {incumbent_functions}.

{accumulated_experience}

Here are {best_conversations_num} conversation histories of solving {best_conversations_num} tasks using List A.
History:
{best_conversations_history}

{statistic_information}

According to the information I provide, please take one of four actions to manipulate list B using the functions you know.
Instead of returning TERMINATE directly or taking no action, you should try your best to optimize the function list. Only take no action if you really think the current list is optimal, as more actions will harm performance in future tasks.
Even adding a general function that can substitute the assistant's repeated suggestions of Python code with the same functionality could also be helpful.
"""

EXECUTION_IMAGE: str | bool = "shaokun529/evoagent:v1"
"""Where generated functions run: the Docker image of the original (False: natively, on this machine)."""


def execute_func(name: str, packages: str | None, code: str, **args: Any) -> str:
    """Run a generated function (after pip-installing its packages) with ``args``; its printed output."""
    install = (
        f'print("Installing package: {packages}")\nsubprocess.run(["pip", "-qq", "install", "{packages}"])'
        if packages
        else ""
    )
    program = f"""
import subprocess
{install}
print("Result of {name} function execution:")
{code}
args={args}
result={name}(**args)
if result is not None: print(result)
"""
    print(f"execute_code:\n{program}")
    exit_code, output, _ = execute_code(program, use_docker=EXECUTION_IMAGE)
    if exit_code != 0:
        raise Exception("Error in executing function:" + output)  # noqa: TRY002 - the original's exception type
    print(f"Result: {output}")
    return output


def _arguments_of(action: Any) -> dict[str, Any]:
    return json.loads(action.function.arguments.strip('"'))


class AgentOptimizer:
    """(Deprecated) Optimizes the functions of an assistant (see the module docstring).

    Args:
        max_actions_per_step: most function edits per `step`.
        llm_config: the optimizer model's config (entries are filtered to ``optimizer_model``).
        optimizer_model: the model that edits the functions.
    """

    def __init__(
        self, max_actions_per_step: int, llm_config: Any = None, optimizer_model: str | None = "gpt-4-1106-preview"
    ) -> None:
        warnings.warn(
            "AgentOptimizer is deprecated and will be removed in v0.14. "
            "Use ConversableAgent with tool calling for agent configuration and tooling instead.",
            DeprecationWarning,
            stacklevel=2,
        )
        from ...llm_config import LLMConfig
        from ...oai.client import OpenAIWrapper

        self.max_actions_per_step = max_actions_per_step
        self._max_trials = 3
        self.optimizer_model = optimizer_model
        self.reset_optimizer()
        if llm_config is None:
            raise ValueError("llm_config is required for AgentOptimizer")
        assert isinstance(llm_config, (dict, LLMConfig)), "llm_config must be a dict or LLMConfig"
        llm_config = llm_config.model_dump() if isinstance(llm_config, LLMConfig) else copy.deepcopy(llm_config)
        self.llm_config = llm_config
        if self.llm_config in ({}, {"config_list": []}, {"config_list": [{"model": ""}]}):
            raise ValueError(
                "When using OpenAI or Azure OpenAI endpoints, specify a non-empty 'model' either in 'llm_config' "
                "or in each config of 'config_list'."
            )
        self.llm_config["config_list"] = filter_config(llm_config["config_list"], {"model": [self.optimizer_model]})
        self._client = OpenAIWrapper(**self.llm_config)

    def record_one_conversation(
        self, conversation_history: list[dict[str, Any]], is_satisfied: bool | None = None
    ) -> None:
        """Record a conversation and whether the user was satisfied (asked on the console when None)."""
        if is_satisfied is None:
            reply = input(
                "Please provide whether the user is satisfied with the solution. 1 represents satisfied. "
                "0 represents not satisfied. Press enter to submit. \n"
            )
            assert reply in ("0", "1"), (
                "The input is invalid. Please input 1 or 0. 1 represents satisfied. 0 represents not satisfied."
            )
            is_satisfied = reply == "1"
        index = len(self._trial_conversations_history)
        self._trial_conversations_history.append({f"Conversation {index}": conversation_history})
        self._trial_conversations_performance.append({f"Conversation {index}": 1 if is_satisfied else 0})

    def step(self) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        """One optimization step over the conversations recorded since the last one. Returns
        ``(register_for_llm, register_for_executor)``: ``[{"func_sig": ..., "is_remove": bool}]`` for the
        assistant's ``update_function_signature`` and ``{name: callable or None}`` for the executor's
        ``register_function``."""
        performance = sum(sum(d.values()) for d in self._trial_conversations_performance) / len(
            self._trial_conversations_performance
        )
        if performance < self._best_performance:
            self._failure_functions_performance.append({"functions": self._trial_functions, "performance": performance})
            self._failure_functions_performance.sort(key=lambda x: x["performance"])
        else:
            self._failure_functions_performance = []
            self._best_performance = performance
            self._best_functions = copy.deepcopy(self._trial_functions)
            self._best_conversations_history = copy.deepcopy(self._trial_conversations_history)
            self._best_conversations_performance = copy.deepcopy(self._trial_conversations_performance)
        self._trial_conversations_history = []
        self._trial_conversations_performance = []

        best_functions = copy.deepcopy(self._best_functions)
        incumbent_functions = copy.deepcopy(self._best_functions)
        failure_experience_prompt, statistic_prompt = self._construct_intermediate_prompt()
        for action_index in range(self.max_actions_per_step):
            prompt = OPT_PROMPT.format(
                best_conversations_history=self._best_conversations_history,
                best_conversations_num=len(self._best_conversations_history),
                actions_num=action_index,
                best_functions=best_functions,
                incumbent_functions=incumbent_functions,
                accumulated_experience=failure_experience_prompt,
                statistic_information=statistic_prompt,
            )
            actions = None
            for _ in range(self._max_trials):
                response = self._client.create(
                    messages=[{"role": "user", "content": prompt}],
                    tools=[ADD_FUNC, REVISE_FUNC, REMOVE_FUNC],
                    tool_choice="auto",
                )
                actions = response.choices[0].message.tool_calls
                if self._validate_actions(actions, incumbent_functions):
                    break
            if actions is not None and self._validate_actions(actions, incumbent_functions):
                incumbent_functions = self._update_function_call(incumbent_functions, actions)

        # functions of the last step that the edits dropped (ag2 compared the functions' field names here)
        kept = {func["name"] for func in incumbent_functions}
        removed = [func["name"] for func in self._trial_functions if func["name"] not in kept]
        register_for_llm: list[dict[str, Any]] = []
        register_for_executor: dict[str, Any] = {}
        for name in removed:
            register_for_llm.append({"func_sig": {"name": name}, "is_remove": True})
            register_for_executor[name] = None
        for func in incumbent_functions:
            register_for_llm.append(
                {
                    "func_sig": {
                        "name": func.get("name"),
                        "description": func.get("description"),
                        "parameters": {"type": "object", "properties": func.get("arguments")},
                    },
                    "is_remove": False,
                }
            )
            register_for_executor[func.get("name")] = self._executor_for(func)
        self._trial_functions = incumbent_functions
        return register_for_llm, register_for_executor

    @staticmethod
    def _executor_for(func: dict[str, Any]) -> Any:
        def run(**args: Any) -> str:
            return execute_func(func.get("name"), func.get("packages"), func.get("code"), **args)  # type: ignore[arg-type]

        return run

    def reset_optimizer(self) -> None:
        """Forget every recorded conversation and function."""
        self._trial_conversations_history: list[dict[str, Any]] = []
        self._trial_conversations_performance: list[dict[str, int]] = []
        self._trial_functions: list[dict[str, Any]] = []
        self._best_conversations_history: list[dict[str, Any]] = []
        self._best_conversations_performance: list[dict[str, int]] = []
        self._best_functions: list[dict[str, Any]] = []
        self._best_performance: float = -1
        self._failure_functions_performance: list[dict[str, Any]] = []

    def _update_function_call(
        self, incumbent_functions: list[dict[str, Any]], actions: list[Any]
    ) -> list[dict[str, Any]]:
        """The function list after the model's add / revise / remove actions."""
        for action in actions:
            args = _arguments_of(action)
            name = args.get("name")
            incumbent_functions = [item for item in incumbent_functions if item["name"] != name]
            if action.function.name != "remove_function":
                incumbent_functions.append(
                    {
                        "name": name,
                        "description": args.get("description"),
                        "arguments": json.loads(args.get("arguments").strip('"')),
                        "packages": args.get("packages"),
                        "code": args.get("code"),
                    }
                )
        return incumbent_functions

    def _construct_intermediate_prompt(self) -> tuple[str, str]:
        """The failure-experience and statistics parts of the optimizer prompt."""
        if self._failure_functions_performance:
            failure = (
                "We also provide more examples for different functions and their corresponding performance (0-100).\n"
                " The following function signatures are arranged in ascending order based on their performance, "
                "where higher performance indicate better quality.\n"
            )
            for item in self._failure_functions_performance:
                failure += "Function: \n" + str(item["functions"]) + "\n"
                failure += "Performance: \n" + str(item["performance"]) + "\n"
        else:
            failure = "\n"
        if self._best_conversations_performance:
            statistic = (
                "The following table shows the statistical information for solving each task in each conversation "
                "and indicates, whether the result is satisfied by the users. 1 represents satisfied. "
                "0 represents not satisfied.\n"
            )
            statistic += "".join(str(item) + "\n" for item in self._best_conversations_performance)
        else:
            statistic = "\n"
        return failure, statistic

    def _validate_actions(self, actions: list[Any] | None, incumbent_functions: list[dict[str, Any]]) -> bool:
        """Whether the actions are usable: JSON arguments, code that compiles, removals of existing functions."""
        if actions is None:
            return True
        for action in actions:
            try:
                args = _arguments_of(action)
                if "arguments" in args:
                    json.loads(args.get("arguments").strip('"'))
            except Exception as e:  # noqa: BLE001 - any malformed argument string rejects the actions
                print("JSON is invalid:", e)
                return False
        for action in actions:
            if action.function.name != "remove_function":
                try:
                    compile(_arguments_of(action).get("code"), "<string>", "exec")
                except Exception as e:  # noqa: BLE001 - as above
                    print("Syntax is invalid:", e)
                    return False
        existing = [item["name"] for item in incumbent_functions]
        for action in actions:
            if action.function.name == "remove_function" and _arguments_of(action).get("name") not in existing:
                print("The function you want to remove does not exist.")
                return False
        return True
