"""`SafeguardValidator`: checks a safeguard policy's shape, then the agent and tool names it uses.

A policy has two optional sections::

    {
      "inter_agent_safeguards": {
        "agent_transitions": [{"message_source": "a", "message_destination": "b" | "*",
                               "check_method": "regex" | "llm", "pattern" | "custom_prompt" | "disallow_item": ...,
                               "violation_response" | "action": "block" | "mask" | "warning"}],
        "groupchat_message_check": {"disallow_item": [...]}
      },
      "agent_environment_safeguards": {
        "tool_interaction": [...],   # source/destination: an agent and one of its tools
        "llm_interaction": [...],    # an agent and "llm"
        "user_interaction": [...]    # "user" and the agent asking the human
      }
    }
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["ACTIONS", "CHECK_METHODS", "SafeguardValidator"]

CHECK_METHODS = ("llm", "regex")
ACTIONS = ("block", "mask", "warning")
ENVIRONMENT_SECTIONS = ("tool_interaction", "llm_interaction", "user_interaction")


def _rule_action(rule: dict[str, Any]) -> Any:
    return rule.get("violation_response", rule.get("action"))


class SafeguardValidator:
    """Validate a policy dict: `validate_policy_structure` (its shape; no agents needed), then
    `validate_policy_complete` (the agent and tool names it refers to). Errors are `ValueError`s
    naming the rule, e.g. ``tool_interaction[0] missing required field: check_method``."""

    def __init__(self, policy: dict[str, Any]) -> None:
        self.policy = policy

    # ------------------------------------------------------------------ shape

    def validate_policy_structure(self) -> None:
        """Check the sections, each rule's required fields, methods, actions and regexes."""
        if not isinstance(self.policy, dict):
            raise ValueError("Policy must be a dictionary")
        if "inter_agent_safeguards" in self.policy:
            self._validate_inter_agent_safeguards()
        if "agent_environment_safeguards" in self.policy:
            self._validate_environment_safeguards()

    def _validate_inter_agent_safeguards(self) -> None:
        section = self.policy["inter_agent_safeguards"]
        if not isinstance(section, dict):
            raise ValueError("inter_agent_safeguards must be a dictionary")
        for i, rule in enumerate(self._rules(section, "agent_transitions")):
            where = f"agent_transitions[{i}]"
            for field in ("message_source", "message_destination"):
                if field not in rule:
                    raise ValueError(f"{where} missing required field: {field}")
            self._check_method(where, rule)
            self._check_action(where, rule, ("violation_response", "action"))
        check = section.get("groupchat_message_check")
        if check is not None:
            if not isinstance(check, dict):
                raise ValueError("groupchat_message_check must be a dictionary")
            if "disallow_item" in check and not isinstance(check["disallow_item"], list):
                raise ValueError("groupchat_message_check disallow_item must be a list")

    def _validate_environment_safeguards(self) -> None:
        section = self.policy["agent_environment_safeguards"]
        if not isinstance(section, dict):
            raise ValueError("agent_environment_safeguards must be a dictionary")
        for name in ENVIRONMENT_SECTIONS:
            # tool rules also accept the inter-agent spelling of the action field
            action_keys = ("violation_response", "action") if name == "tool_interaction" else ("action",)
            for i, rule in enumerate(self._rules(section, name)):
                where = f"{name}[{i}]"
                if "check_method" not in rule:
                    raise ValueError(f"{where} missing required field: check_method")
                method = rule["check_method"]
                if method not in CHECK_METHODS:
                    raise ValueError(f"{where} invalid check_method: {method}. Must be 'llm' or 'regex'")
                self._check_action(where, rule, action_keys)
                if "message_source" not in rule or "message_destination" not in rule:
                    raise ValueError(f"{where} must have 'message_source' and 'message_destination'")
                self._check_method(where, rule)

    @staticmethod
    def _rules(section: dict[str, Any], name: str) -> list[dict[str, Any]]:
        rules = section.get(name, [])
        if not isinstance(rules, list):
            raise ValueError(f"{name} must be a list")
        for i, rule in enumerate(rules):
            if not isinstance(rule, dict):
                raise ValueError(f"{name}[{i}] must be a dictionary")
        return rules

    @staticmethod
    def _check_method(where: str, rule: dict[str, Any]) -> None:
        if "check_method" not in rule:
            raise ValueError(f"{where} missing required field: check_method")
        method = rule["check_method"]
        if method not in CHECK_METHODS:
            raise ValueError(f"{where} invalid check_method: {method}. Must be 'llm' or 'regex'")
        if method == "llm":
            if "custom_prompt" not in rule and "disallow_item" not in rule:
                raise ValueError(f"{where} with check_method 'llm' must have either 'custom_prompt' or 'disallow_item'")
            if "disallow_item" in rule and not isinstance(rule["disallow_item"], list):
                raise ValueError(f"{where} disallow_item must be a list")
            return
        if "pattern" not in rule:
            raise ValueError(f"{where} with check_method 'regex' must have 'pattern'")
        if not isinstance(rule["pattern"], str):
            raise ValueError(f"{where} pattern must be a string")
        try:
            re.compile(rule["pattern"])
        except re.error as e:
            raise ValueError(f"{where} invalid regex pattern '{rule['pattern']}': {e}") from None

    @staticmethod
    def _check_action(where: str, rule: dict[str, Any], keys: tuple[str, ...]) -> None:
        if not any(key in rule for key in keys):
            raise ValueError(f"{where} missing required field: {' or '.join(keys)}")
        action = _rule_action(rule) if len(keys) > 1 else rule[keys[0]]
        if action not in ACTIONS:
            raise ValueError(f"{where} invalid action: {action}. Must be 'block', 'mask', or 'warning'")

    # ------------------------------------------------------------------ names

    def validate_policy_complete(self, agent_names: list[str], agent_tool_mapping: dict[str, list[str]]) -> None:
        """Check the agent names, and (when any agent has tools) the tool names the rules use."""
        self.validate_agent_names(agent_names)
        if any(agent_tool_mapping.values()):
            self.validate_tool_names(agent_tool_mapping, agent_names)

    def validate_agent_names(self, agent_names: list[str]) -> None:
        """Every agent a rule names must be one of ``agent_names`` ("*", "llm" and "user" are not agents)."""
        known = set(agent_names)
        inter = self.policy.get("inter_agent_safeguards") or {}
        for i, rule in enumerate(inter.get("agent_transitions", [])):
            for field, label in (("message_source", "source"), ("message_destination", "destination")):
                name = rule.get(field)
                if name != "*" and name not in known:
                    raise ValueError(
                        f"agent_transitions[{i}] references unknown {label} agent: '{name}'. Available agents: {sorted(known)}"
                    )
        env = self.policy.get("agent_environment_safeguards") or {}
        for i, rule in enumerate(env.get("tool_interaction", [])):
            if not ("message_source" in rule and "message_destination" in rule) and not (
                "pattern" in rule and "message_source" not in rule
            ):
                raise ValueError(
                    f"tool_interaction[{i}] must use either (message_source, message_destination) or pattern-only format"
                )
        for i, rule in enumerate(env.get("llm_interaction", [])):
            names = [rule.get("message_source"), rule.get("message_destination")] if "message_source" in rule else [rule.get("agent_name")]
            for name in names:
                if isinstance(name, str) and name.lower() != "llm" and name not in known:
                    raise ValueError(
                        f"llm_interaction[{i}] references unknown agent: '{name}'. Available agents: {sorted(known)}"
                    )
        for i, rule in enumerate(env.get("user_interaction", [])):
            name = rule.get("agent")
            if name and name not in known:
                raise ValueError(f"user_interaction[{i}] references unknown agent: '{name}'. Available agents: {sorted(known)}")

    def validate_tool_names(self, agent_tool_mapping: dict[str, list[str]], agent_names: list[str]) -> None:
        """A tool rule between an agent and a tool needs the tool to be that agent's."""
        known = set(agent_names)
        all_tools = {tool for tools in agent_tool_mapping.values() for tool in tools}
        env = self.policy.get("agent_environment_safeguards") or {}
        for i, rule in enumerate(env.get("tool_interaction", [])):
            if "message_source" in rule and "message_destination" in rule:
                self._validate_agent_tool_relationship(
                    i, "message_source", rule["message_source"], rule["message_destination"], known, agent_tool_mapping, all_tools
                )

    def _validate_agent_tool_relationship(
        self,
        rule_index: int,
        src_field: str,
        src: str,
        dst: str,
        available_agents: set[str],
        agent_tool_mapping: dict[str, list[str]],
        all_available_tools: set[str],
    ) -> None:
        if "*" in (src, dst) or "user" in (src.lower(), dst.lower()):
            return
        where = f"tool_interaction[{rule_index}]"
        src_agent, dst_agent = src in available_agents, dst in available_agents
        if src_agent and dst_agent:
            return
        for tool in ([dst] if src_agent else [src] if dst_agent else [src, dst]):
            if tool not in all_available_tools:
                raise ValueError(f"{where} references unknown tool: '{tool}'. Available tools: {sorted(all_available_tools)}")
        owner, tool = (src, dst) if src_agent else (dst, src) if dst_agent else (None, None)
        if owner is not None and tool not in agent_tool_mapping.get(owner, []):
            raise ValueError(
                f"{where} agent '{owner}' does not have access to tool '{tool}'. "
                f"Agent's tools: {sorted(agent_tool_mapping.get(owner, []))}"
            )
