"""`apply_safeguard_policy` and `reset_safeguard_policy`: install a policy's hooks on agents (or on
the members of a group chat) and take them off again."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from ....events.print_event import PrintEvent
from ....io.base import IOStream

if TYPE_CHECKING:
    from .enforcer import SafeguardEnforcer

__all__ = ["apply_safeguard_policy", "reset_safeguard_policy"]

_TOOL_EXECUTOR = "_Group_Tool_Executor"
#: The hook lists a policy installs hooks in (and that a reset empties).
SAFEGUARD_HOOK_LISTS = (
    "safeguard_tool_inputs",
    "safeguard_tool_outputs",
    "safeguard_llm_inputs",
    "safeguard_llm_outputs",
    "safeguard_human_inputs",
    "process_message_before_send",
)


def _check_manager(groupchat_manager: Any) -> None:
    from ...groupchat import GroupChatManager

    if not isinstance(groupchat_manager, GroupChatManager):
        raise ValueError("groupchat_manager must be an instance of GroupChatManager")


def _inter_agent_list(groupchat: Any) -> list[Any]:
    guardrails = getattr(groupchat, "_inter_agent_guardrails", None)
    if guardrails is None:
        guardrails = groupchat._inter_agent_guardrails = []
    return guardrails  # type: ignore[no-any-return]


def reset_safeguard_policy(*, agents: list[Any] | None = None, groupchat_manager: Any = None) -> None:
    """Remove every safeguard hook (and a group chat's inter-agent checks) from the agents.

    Note: the safeguard hook lists are emptied, hooks registered by hand included.
    """
    iostream = IOStream.get_default()
    iostream.send(PrintEvent("Resetting safeguards..."))
    if groupchat_manager:
        _check_manager(groupchat_manager)
        targets = [a for a in groupchat_manager.groupchat.agents if hasattr(a, "hook_lists")]
        iostream.send(PrintEvent(f"📋 Found {len(targets)} agents in GroupChat: {', '.join(a.name for a in targets)}"))
        guardrails = _inter_agent_list(groupchat_manager.groupchat)
        if guardrails:
            iostream.send(PrintEvent(f"🔗 Clearing {len(guardrails)} inter-agent guardrails from GroupChat"))
        guardrails.clear()
    elif agents:
        targets = list(agents)
        iostream.send(PrintEvent(f"📋 Resetting safeguards for {len(targets)} agents: {', '.join(a.name for a in targets)}"))
    else:
        raise ValueError("Either agents or groupchat_manager must be provided")
    for agent in targets:
        hook_lists = getattr(agent, "hook_lists", None)
        if not isinstance(hook_lists, dict):
            raise ValueError(f"Agent {agent.name} does not support hooks. Please ensure it inherits from ConversableAgent.")
        for name in SAFEGUARD_HOOK_LISTS:
            if name in hook_lists:
                hook_lists[name].clear()
    iostream.send(PrintEvent(f"✅ Safeguard reset completed for {len(targets)} agents"))


def _tool_names(agent: Any) -> list[str]:
    names = [tool.name for tool in getattr(agent, "tools", None) or []]
    function_map = getattr(agent, "function_map", None)
    if function_map:
        names.extend(function_map.keys())
    return names


def apply_safeguard_policy(
    *,
    agents: list[Any] | None = None,
    groupchat_manager: Any = None,
    policy: dict[str, Any] | str | Path,
    safeguard_llm_config: Any = None,
    mask_llm_config: Any = None,
) -> SafeguardEnforcer:
    """Apply a safeguard policy to ``agents``, or to the members of ``groupchat_manager``'s chat.

    Args:
        agents: the agents to guard (when there is no group chat manager).
        groupchat_manager: a `GroupChatManager`; its members are guarded, its tool executor runs the
            tool rules, and every message it relays goes through the inter-agent rules.
        policy: the policy dict or the path of its JSON file (see `SafeguardValidator` for the format).
        safeguard_llm_config: the LLM answering ``check_method: "llm"`` rules.
        mask_llm_config: an LLM that masks sensitive content (``mask`` actions without a regex).

    Returns:
        The `SafeguardEnforcer` holding the loaded rules.

    Raises:
        ValueError: a malformed policy ("... missing required field: ..."), a rule naming an
            unknown agent or tool ("Policy validation failed: ..."), or no agents nor manager given.
    """
    from .enforcer import SafeguardEnforcer
    from .validator import SafeguardValidator

    enforcer = SafeguardEnforcer(
        policy=policy,
        safeguard_llm_config=safeguard_llm_config,
        mask_llm_config=mask_llm_config,
        groupchat_manager=groupchat_manager,
        agents=agents,
    )
    if groupchat_manager:
        _check_manager(groupchat_manager)
        members = groupchat_manager.groupchat.agents
        targets = [a for a in members if hasattr(a, "hook_lists") and a.name != _TOOL_EXECUTOR]
        names = [a.name for a in members if a.name != _TOOL_EXECUTOR] + [groupchat_manager.name]
    elif agents:
        targets = list(agents)
        names = [a.name for a in agents]
    else:
        raise ValueError("Either agents or groupchat_manager must be provided")

    try:
        SafeguardValidator(enforcer.policy).validate_policy_complete(
            agent_names=names, agent_tool_mapping={a.name: _tool_names(a) for a in targets}
        )
    except ValueError as e:
        raise ValueError(f"Policy validation failed: {e}") from e

    if groupchat_manager:
        guardrails = _inter_agent_list(groupchat_manager.groupchat)
        guardrails.clear()
        guardrails.append(enforcer)
    for agent in targets:
        if not isinstance(getattr(agent, "hook_lists", None), dict):
            raise ValueError(f"Agent {agent.name} does not support hooks. Please ensure it inherits from ConversableAgent.")
        _install(agent, enforcer.create_agent_hooks(agent.name))
    executor = enforcer.group_tool_executor
    if groupchat_manager and executor is not None and isinstance(getattr(executor, "hook_lists", None), dict):
        _install(executor, enforcer.create_agent_hooks(executor.name))
    return enforcer


def _install(agent: Any, hooks: dict[str, Any]) -> None:
    for name, hook in hooks.items():
        if name in agent.hook_lists:
            agent.hook_lists[name].append(hook)


def remove_enforcer_hooks(agents: list[Any], enforcer: SafeguardEnforcer) -> None:
    """Take the hooks made by ``enforcer`` off ``agents`` (other hooks stay)."""
    for agent in agents:
        hook_lists = getattr(agent, "hook_lists", None)
        if not isinstance(hook_lists, dict):
            continue
        for name in SAFEGUARD_HOOK_LISTS:
            hooks = hook_lists.get(name)
            if hooks:
                hooks[:] = [h for h in hooks if getattr(h, "_safeguard_enforcer", None) is not enforcer]
