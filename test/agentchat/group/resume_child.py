"""Child process for test_resume.py: runs (or resumes) one pattern chat against a FakeLLMServer.

Usage: python resume_child.py <mode: full|kill|resume> <base_url> <state_file> <out_file> [kill_at]
In "kill" mode the state is saved after every turn and, once the transcript holds ``kill_at``
messages, the process writes <state_file>.ready and waits to be killed (SIGKILL) by the test.
"""

from __future__ import annotations

import json
import sys
import time
import warnings

warnings.filterwarnings("ignore")

from autogen import ConversableAgent  # noqa: E402
from autogen.agentchat.group import (  # noqa: E402
    AgentTarget,
    ContextExpression,
    ContextVariables,
    ExpressionContextCondition,
    GroupChatState,
    OnCondition,
    OnContextCondition,
    ReplyResult,
    StringLLMCondition,
    TerminateTarget,
)
from autogen.agentchat.group.multi_agent_chat import initiate_group_chat, resume_group_chat  # noqa: E402
from autogen.agentchat.group.patterns import DefaultPattern  # noqa: E402


def build(base_url: str) -> DefaultPattern:
    llm_config = {"config_list": [{"model": "fake-model", "api_key": "sk-fake", "base_url": base_url}]}
    a = ConversableAgent("a", system_message="[agent:a] adds numbers", llm_config=llm_config, human_input_mode="NEVER")
    b = ConversableAgent("b", system_message="[agent:b] routes", llm_config=llm_config, human_input_mode="NEVER")
    c = ConversableAgent("c", system_message="[agent:c] comments", llm_config=llm_config, human_input_mode="NEVER")

    def add(n: int, context_variables: ContextVariables) -> ReplyResult:
        """Add n to the total."""
        context_variables["total"] += n
        context_variables["steps"].append(n)
        return ReplyResult(message=f"total is {context_variables['total']}", target=AgentTarget(b), context_variables=context_variables)

    a.register_for_llm()(add)
    a.handoffs.add_context_condition(
        OnContextCondition(target=TerminateTarget(), condition=ExpressionContextCondition(ContextExpression("${total} > 40")))
    )
    b.handoffs.add_llm_condition(OnCondition(target=AgentTarget(c), condition=StringLLMCondition("let c comment")))
    c.handoffs.set_after_work(AgentTarget(a))
    return DefaultPattern(
        initial_agent=a, agents=[a, b, c], context_variables=ContextVariables({"total": 0, "steps": []})
    )


def main() -> None:
    mode, base_url, state_file, out_file = sys.argv[1:5]
    kill_at = int(sys.argv[5]) if len(sys.argv) > 5 else 0
    pattern = build(base_url)
    saver = GroupChatState.file_saver(state_file)

    def on_turn(state: GroupChatState) -> None:
        saver(state)
        if mode == "kill" and len(state.messages) >= kill_at:
            with open(state_file + ".ready", "w") as f:
                f.write("ready")
            time.sleep(120)  # the test kills this process with SIGKILL now

    if mode == "resume":
        result, context, last = resume_group_chat(pattern, GroupChatState.load(state_file), on_turn=saver)
    else:
        result, context, last = initiate_group_chat(pattern, "start adding", max_rounds=60, on_turn=on_turn)
    final = GroupChatState.load(state_file)
    with open(out_file, "w") as f:
        json.dump(
            {
                "transcript": final.messages,
                "context": context.to_dict(),
                "last": last.name,
                "summary": result.summary,
                "history": result.chat_history,
            },
            f,
        )


if __name__ == "__main__":
    main()
