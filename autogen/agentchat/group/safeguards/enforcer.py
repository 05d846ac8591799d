"""`SafeguardEnforcer`: runs a safeguard policy's rules on what agents say to each other and
exchange with their environment (tools, the LLM, the human).

The enforcer only makes hook functions (`create_agent_hooks`) and answers the group chat's
inter-agent check (`check_and_act`); `apply_safeguard_policy` installs them. Each check reports
`SafeguardEvent`s: "check", then "violation" and "action" when a rule is broken. Actions:

- ``block``: the content is replaced by "🛡️ BLOCKED: <activation message>";
- ``mask``: the sensitive part is replaced by "[SENSITIVE_INFO]" (the rule's regex, else the mask
  LLM when ``mask_llm_config`` is given, else the whole text);
- ``warning``: the content goes through unchanged; only the events tell.
"""

from __future__ import annotations

import json
import re
import threading
from collections import defaultdict, deque
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ....code_utils import content_str
from ....io.base import IOStream
from ..guardrails import LLMGuardrail, RegexGuardrail
from ..targets.transition_target import TransitionTarget
from .events import SafeguardEvent
from .validator import SafeguardValidator

__all__ = ["MASK_TOKEN", "SafeguardEnforcer"]

MASK_TOKEN = "[SENSITIVE_INFO]"
_TOOL_EXECUTOR = "_Group_Tool_Executor"
_PREVIEW = 100


def _preview(text: str) -> str:
    return text[:_PREVIEW] + ("..." if len(text) > _PREVIEW else "")


def _disallow_condition(items: list[str]) -> str:
    return f"The content falls into one of these disallowed categories: {', '.join(items)}"


class SafeguardEnforcer:
    """Holds a loaded policy and enforces it.

    Args:
        policy: the policy dict, or the path of a JSON file holding it.
        safeguard_llm_config: the LLM that answers ``check_method: "llm"`` rules (required by them).
        mask_llm_config: an LLM that rewrites content with the sensitive parts masked (optional).
        groupchat_manager: the manager of the group chat the policy applies to, if any.
        agents: the agents the policy applies to (outside a group chat).
    """

    @staticmethod
    def _stringify_content(value: Any) -> str:
        """Text of a message content (str, content parts or anything else); None is ""."""
        if value is None:
            return ""
        if isinstance(value, (str, list)):
            try:
                return content_str(value)
            except (TypeError, ValueError, AssertionError):
                pass
        return str(value)

    def __init__(
        self,
        policy: dict[str, Any] | str | Path,
        safeguard_llm_config: Any = None,
        mask_llm_config: Any = None,
        groupchat_manager: Any = None,
        agents: list[Any] | None = None,
    ) -> None:
        self.policy = self._load_policy(policy)
        self.safeguard_llm_config = safeguard_llm_config
        self.mask_llm_config = mask_llm_config
        self.groupchat_manager = groupchat_manager
        self.agents = agents
        self.group_tool_executor: Any = None
        if groupchat_manager is not None:
            self.group_tool_executor = next(
                (a for a in groupchat_manager.groupchat.agents if getattr(a, "name", None) == _TOOL_EXECUTOR), None
            )
        SafeguardValidator(self.policy).validate_policy_structure()
        self.mask_agent: Any = None
        if mask_llm_config:
            from ...conversable_agent import ConversableAgent

            self.mask_agent = ConversableAgent(
                name="mask_agent",
                system_message="You mask sensitive information in the text you are given.",
                llm_config=mask_llm_config,
                human_input_mode="NEVER",
                max_consecutive_auto_reply=1,
            )
        self._llm_checks: dict[str, LLMGuardrail] = {}
        # Tool calls whose input was blocked, per (agent, tool): their output is replaced by the block
        # notice (the call itself fails on the blocked arguments, with an unhelpful parse error).
        self._blocked_calls: dict[tuple[str, str], deque[str]] = defaultdict(deque)
        self._lock = threading.Lock()
        self.inter_agent_rules = self._parse_inter_agent_rules()
        self.environment_rules = self._parse_environment_rules()
        self._send_safeguard_event(
            event_type="load",
            message=f"Loaded {len(self.inter_agent_rules)} inter-agent and {len(self.environment_rules)} "
            "environment safeguard rules",
        )

    # ------------------------------------------------------------------ loading

    @staticmethod
    def _load_policy(policy: dict[str, Any] | str | Path) -> dict[str, Any]:
        if isinstance(policy, (str, Path)):
            with open(policy, encoding="utf-8") as f:
                loaded: dict[str, Any] = json.load(f)
            return loaded
        return policy

    def _validate_policy(self) -> None:
        SafeguardValidator(self.policy).validate_policy_structure()

    def _send_safeguard_event(
        self,
        event_type: str,
        message: str,
        source_agent: str | None = None,
        target_agent: str | None = None,
        guardrail_type: str | None = None,
        action: str | None = None,
        content_preview: str | None = None,
    ) -> None:
        IOStream.get_default().send(
            SafeguardEvent(
                event_type=event_type,
                message=message,
                source_agent=source_agent,
                target_agent=target_agent,
                guardrail_type=guardrail_type,
                action=action,
                content_preview=content_preview,
            )
        )

    def _require_llm(self, what: str) -> Any:
        if not self.safeguard_llm_config:
            raise ValueError(f"safeguard_llm_config is required for LLM-based {what}")
        return self.safeguard_llm_config

    def _parse_inter_agent_rules(self) -> list[dict[str, Any]]:
        rules: list[dict[str, Any]] = []
        section = self.policy.get("inter_agent_safeguards") or {}
        for rule in section.get("agent_transitions", []):
            src, dst = rule["message_source"], rule["message_destination"]
            guardrail: LLMGuardrail | RegexGuardrail | None = None
            if rule.get("check_method", "regex") == "llm":
                llm_config = self._require_llm(f"guardrail: {src} -> {dst}")
                if "custom_prompt" in rule:
                    condition = rule["custom_prompt"]
                elif "disallow_item" in rule:
                    condition = _disallow_condition(rule["disallow_item"])
                else:
                    raise ValueError(
                        f"Either custom_prompt or disallow_item must be provided for LLM guardrail: {src} -> {dst}"
                    )
                guardrail = LLMGuardrail(
                    name=f"llm_guard_{src}_{dst}",
                    condition=condition,
                    target=TransitionTarget(),
                    llm_config=llm_config,
                    activation_message=rule.get("activation_message", "LLM detected violation"),
                )
            elif "pattern" in rule:
                guardrail = RegexGuardrail(
                    name=f"regex_guard_{src}_{dst}",
                    condition=rule["pattern"],
                    target=TransitionTarget(),
                    activation_message=rule.get("activation_message", "Regex pattern matched"),
                )
            parsed: dict[str, Any] = {
                "type": "agent_transition",
                "source": src,
                "target": dst,
                "action": rule.get("violation_response", rule.get("action", "block")),
                "guardrail": guardrail,
                "activation_message": rule.get("activation_message", "Content blocked by safeguard"),
            }
            for key, name in (("disallow_item", "disallow"), ("pattern", "pattern"), ("custom_prompt", "custom_prompt")):
                if key in rule:
                    parsed[name] = rule[key]
            rules.append(parsed)
        check = section.get("groupchat_message_check")
        if check is not None:
            rules.append({
                "type": "groupchat_message",
                "source": "*",
                "target": "*",
                "action": check.get("pet_action", check.get("action", "block")),
                "disallow": check.get("disallow_item", []),
            })
        return rules

    _DEFAULT_ACTIVATION = {
        ("tool_interaction", "llm"): "LLM blocked tool output",
        ("llm_interaction", "llm"): "LLM blocked content",
    }

    def _parse_environment_rules(self) -> list[dict[str, Any]]:
        rules: list[dict[str, Any]] = []
        section = self.policy.get("agent_environment_safeguards") or {}
        for kind in ("tool_interaction", "llm_interaction", "user_interaction"):
            for rule in section.get(kind, []):
                method = rule.get("check_method", "llm" if kind == "user_interaction" else "regex")
                parsed: dict[str, Any] = {
                    "type": kind,
                    "message_source": rule["message_source"],
                    "message_destination": rule["message_destination"],
                    "check_method": method,
                    "action": rule.get("violation_response", rule.get("action", "block"))
                    if kind == "tool_interaction"
                    else rule.get("action", "block"),
                }
                if kind != "user_interaction" or "activation_message" in rule:
                    parsed["activation_message"] = rule.get(
                        "activation_message", self._DEFAULT_ACTIVATION.get((kind, method), "Content blocked by safeguard")
                    )
                for key in ("pattern", "custom_prompt", "disallow_item"):
                    if key in rule:
                        parsed[key] = rule[key]
                rules.append(parsed)
        return rules

    # ------------------------------------------------------------------ hooks

    def create_agent_hooks(self, agent_name: str) -> dict[str, Callable[..., Any]]:
        """The hook functions agent ``agent_name`` needs (only for the kinds of rule that concern it),
        by hook list name: ``safeguard_tool_inputs``/``outputs``, ``safeguard_llm_inputs``/``outputs``,
        ``safeguard_human_inputs`` and ``process_message_before_send`` (inter-agent rules)."""
        hooks: dict[str, Callable[..., Any]] = {}

        def concerns(rule: dict[str, Any]) -> bool:
            return agent_name in (rule.get("message_source"), rule.get("message_destination"), rule.get("agent_name")) or (
                "message_destination" not in rule
            )

        env = self.environment_rules
        # The group's tool executor runs every agent's tools: all tool rules concern it.
        if any(r["type"] == "tool_interaction" and (agent_name == _TOOL_EXECUTOR or concerns(r)) for r in env):

            def tool_input_hook(tool_input: dict[str, Any]) -> dict[str, Any]:
                return self._check_tool_interaction(agent_name, tool_input, "input")

            def tool_output_hook(tool_output: dict[str, Any]) -> dict[str, Any]:
                return self._check_tool_interaction(agent_name, tool_output, "output")

            hooks["safeguard_tool_inputs"] = tool_input_hook
            hooks["safeguard_tool_outputs"] = tool_output_hook

        if any(r["type"] == "llm_interaction" and concerns(r) for r in env):

            def llm_input_hook(messages: Any) -> Any:
                inner = messages.get("messages", messages) if isinstance(messages, dict) else messages
                result = self._check_llm_interaction(agent_name, inner, "input")
                if result is None:
                    return None  # blocked: the agent answers "LLM call blocked by safeguard"
                if isinstance(messages, dict) and "messages" in messages and isinstance(result, list):
                    return {**messages, "messages": result}
                return result

            def llm_output_hook(response: Any) -> Any:
                return self._check_llm_interaction(agent_name, response, "output")

            hooks["safeguard_llm_inputs"] = llm_input_hook
            hooks["safeguard_llm_outputs"] = llm_output_hook

        if any(r["type"] == "user_interaction" and r.get("message_destination") == agent_name for r in env):

            def human_input_hook(human_input: Any) -> Any:
                if isinstance(human_input, dict):
                    text = str(human_input.get("content", ""))
                    checked = self._check_user_interaction(agent_name, text)
                    return human_input if checked == text else {**human_input, "content": checked}
                return self._check_user_interaction(agent_name, "" if human_input is None else str(human_input))

            hooks["safeguard_human_inputs"] = human_input_hook

        if any(
            "*" in (r.get("source"), r.get("target")) or agent_name in (r.get("source"), r.get("target"))
            for r in self.inter_agent_rules
        ):

            def message_before_send_hook(sender: Any, message: Any, recipient: Any, silent: Any = None) -> Any:
                return self._check_inter_agent_communication(sender.name, recipient.name, message)

            hooks["process_message_before_send"] = message_before_send_hook

        for hook in hooks.values():
            hook._safeguard_enforcer = self  # type: ignore[attr-defined]
        return hooks

    # ------------------------------------------------------------------ checks

    def _check_llm_violation(
        self, content: str, disallow_items: list[str] | None = None, custom_prompt: str | None = None
    ) -> tuple[bool, str]:
        """Ask the safeguard LLM whether ``content`` breaks the condition; (violated, justification)."""
        llm_config = self._require_llm("safeguard checks")
        if custom_prompt:
            condition = custom_prompt
        elif disallow_items:
            condition = _disallow_condition(disallow_items)
        else:
            raise ValueError("Either custom_prompt or disallow_items must be provided")
        with self._lock:
            guardrail = self._llm_checks.get(condition)
            if guardrail is None:
                guardrail = self._llm_checks[condition] = LLMGuardrail(
                    name="safeguard_check",
                    condition=condition,
                    target=TransitionTarget(),
                    llm_config=llm_config,
                    activation_message="Content violates safeguard conditions",
                )
        try:
            result = guardrail.check(content)
        except Exception as e:
            raise RuntimeError(f"Safeguard check failed: {e}") from e
        return result.activated, result.justification

    @staticmethod
    def _check_regex_violation(content: str, pattern: str) -> tuple[bool, str]:
        """(True, why) when ``pattern`` is found in ``content`` (case-insensitive)."""
        try:
            found = re.search(pattern, content, re.IGNORECASE)
        except re.error as e:
            raise ValueError(f"Invalid regex pattern '{pattern}': {e}") from None
        return (True, f"Content matched pattern: {pattern}") if found else (False, "No pattern match")

    def _perform_check(self, rule: dict[str, Any], content: str, check_method: str) -> tuple[bool, str]:
        route = f"{rule['type']}: {rule['message_source']} -> {rule['message_destination']}"
        if check_method == "llm":
            self._require_llm(f"{rule['type']} rule: {rule['message_source']} -> {rule['message_destination']}")
            if "custom_prompt" in rule:
                return self._check_llm_violation(content, custom_prompt=rule["custom_prompt"])
            if "disallow_item" in rule:
                return self._check_llm_violation(content, disallow_items=rule["disallow_item"])
            raise ValueError(f"Either custom_prompt or disallow_item must be provided for LLM-based {route}")
        if check_method == "regex":
            if "pattern" not in rule:
                raise ValueError(f"pattern is required for regex-based {route}")
            return self._check_regex_violation(content, rule["pattern"])
        raise ValueError(f"Unsupported check_method: {check_method}")

    @staticmethod
    def _matches(rule_value: Any, name: str) -> bool:
        return rule_value == "*" or rule_value == name

    def _find_violation(
        self, kind: str, source: str, dest: str, content: str, context_info: str
    ) -> tuple[dict[str, Any], str, str, str] | None:
        """Run the ``kind`` rules for source -> dest; the first broken one as (rule, explanation,
        preview, guardrail type), or None. Emits the check and violation events."""
        for rule in self.environment_rules:
            if rule["type"] != kind or not (
                self._matches(rule["message_source"], source) and self._matches(rule["message_destination"], dest)
            ):
                continue
            preview = _preview(content)
            method = rule.get("check_method", "regex")
            guardrail_type = "LLMGuardrail" if method == "llm" else "RegexGuardrail"
            self._send_safeguard_event(
                event_type="check",
                message=f"Checking {kind.replace('_', ' ')}: {context_info}",
                source_agent=source,
                target_agent=dest,
                guardrail_type=guardrail_type,
                content_preview=preview,
            )
            violated, explanation = self._perform_check(rule, content, method)
            if violated:
                self._send_safeguard_event(
                    event_type="violation",
                    message=f"{method.upper()} VIOLATION: {explanation}",
                    source_agent=source,
                    target_agent=dest,
                    guardrail_type=guardrail_type,
                    content_preview=preview,
                )
                return rule, explanation, preview, guardrail_type
        return None

    def _check_interaction(
        self,
        interaction_type: str,
        source_name: str,
        dest_name: str,
        content: str,
        data: Any,
        context_info: str,
    ) -> Any:
        """The rules of one kind for source -> dest: the acted-on ``data`` when one is broken, else None."""
        found = self._find_violation(interaction_type, source_name, dest_name, content, context_info)
        if found is None:
            return None
        return self._act_on(found, data, source_name, dest_name)

    def _act_on(self, found: tuple[Any, str, str, str], data: Any, source: str, dest: str) -> Any:
        """Apply the action of the broken rule in ``found`` (from `_find_violation`) to ``data``."""
        rule, explanation, preview, guardrail_type = found
        return self._apply_action(
            action=rule["action"],
            content=data,
            disallow_items=rule.get("disallow_item", []),
            explanation=explanation,
            custom_message=rule.get("activation_message"),
            pattern=rule.get("pattern"),
            guardrail_type=guardrail_type,
            source_agent=source,
            target_agent=dest,
            content_preview=preview,
        )

    def _caller_of_tools(self, agent_name: str) -> str:
        """The agent whose tool call is being run (the group's executor runs them for the agents)."""
        if agent_name == _TOOL_EXECUTOR and self.group_tool_executor is not None:
            originator = self.group_tool_executor.get_tool_call_originator()
            if originator:
                return str(originator)
        return agent_name

    def _check_tool_interaction(self, agent_name: str, data: dict[str, Any], direction: str) -> dict[str, Any]:
        """Tool input (agent -> tool: the call's arguments) or output (tool -> agent: its result)."""
        tool_name = str(data.get("name", data.get("tool_name", "")))
        caller = self._caller_of_tools(agent_name)
        key = (caller, tool_name)
        if direction == "output":
            with self._lock:
                pending = self._blocked_calls.get(key)
                notice = pending.popleft() if pending else None
            if notice is not None:
                return {**data, "content": notice}
            source, dest, content = tool_name, caller, self._stringify_content(data.get("content"))
        else:
            source, dest, content = caller, tool_name, self._stringify_content(data.get("arguments"))
        found = self._find_violation("tool_interaction", source, dest, content, f"{caller} <-> {tool_name} ({direction})")
        if found is None:
            return data
        rule, explanation = found[0], found[1]
        result = self._act_on(found, data, source, dest)
        if direction == "input" and rule["action"] == "block":
            with self._lock:
                self._blocked_calls[key].append(self._block_notice(rule.get("activation_message") or explanation))
        return result if isinstance(result, dict) else {"content": str(result), "name": tool_name}

    @classmethod
    def _messages_text(cls, data: Any) -> str:
        """The text a check reads from an LLM request (messages) or reply (str or message dict)."""
        if isinstance(data, str):
            return data
        items = data if isinstance(data, list) else [data]
        parts: list[str] = []
        for item in items:
            if not isinstance(item, dict):
                parts.append(cls._stringify_content(item))
                continue
            if item.get("content") is not None:
                parts.append(cls._stringify_content(item.get("content")))
            for call in item.get("tool_calls") or []:
                function = call.get("function") or {}
                parts.append(f"{function.get('name', '')}({function.get('arguments', '')})")
        return "\n".join(p for p in parts if p)

    def _check_llm_interaction(self, agent_name: str, data: Any, direction: str) -> Any:
        """LLM input (agent -> llm: the request's messages) or output (llm -> agent: its reply).

        A blocked input gives None (the agent then does not call the LLM)."""
        source, dest = (agent_name, "llm") if direction == "input" else ("llm", agent_name)
        found = self._find_violation(
            "llm_interaction", source, dest, self._messages_text(data), f"{agent_name} <-> llm ({direction})"
        )
        if found is None:
            return data
        rule = found[0]
        result = self._act_on(found, data, source, dest)
        if direction == "input" and rule["action"] == "block":
            return None
        return result

    def _check_user_interaction(self, agent_name: str, user_input: str) -> str:
        """What the human typed for ``agent_name``: as typed, masked, or the block notice."""
        found = self._find_violation("user_interaction", "user", agent_name, user_input, f"user <-> {agent_name}")
        if found is None:
            return user_input
        result = self._act_on(found, user_input, "user", agent_name)
        if isinstance(result, dict):
            return str(result.get("content", ""))
        return str(result)

    @classmethod
    def _inter_agent_text(cls, message: Any) -> str:
        if isinstance(message, str):
            return message
        if not isinstance(message, dict):
            raise ValueError("Message must be a dictionary or a string")
        if isinstance(message.get("tool_calls"), list):
            return " | ".join(
                str(c["function"]["arguments"]) for c in message["tool_calls"] if "arguments" in (c.get("function") or {})
            )
        if isinstance(message.get("tool_responses"), list):
            return " | ".join(str(r["content"]) for r in message["tool_responses"] if "content" in r)
        return cls._stringify_content(message.get("content"))

    def _check_inter_agent_communication(self, sender_name: str, recipient_name: str, message: Any) -> Any:
        """A message from one agent to another: itself, or what the first broken rule makes of it."""
        text = self._inter_agent_text(message)
        for rule in self.inter_agent_rules:
            if rule["type"] != "agent_transition":
                continue
            if not (self._matches(rule["source"], sender_name) and self._matches(rule["target"], recipient_name)):
                continue
            guardrail = rule.get("guardrail")
            if guardrail is None:
                continue
            guardrail_type = type(guardrail).__name__
            preview = _preview(text)
            self._send_safeguard_event(
                event_type="check",
                message="Checking inter-agent communication",
                source_agent=sender_name,
                target_agent=recipient_name,
                guardrail_type=guardrail_type,
                content_preview=preview,
            )
            try:
                result = guardrail.check(text)
            except Exception as e:
                raise ValueError(f"Guardrail check failed: {e}") from e
            if not result.activated:
                continue
            self._send_safeguard_event(
                event_type="violation",
                message=f"VIOLATION DETECTED: {result.justification}",
                source_agent=sender_name,
                target_agent=recipient_name,
                guardrail_type=guardrail_type,
                content_preview=preview,
            )
            return self._apply_action(
                action=rule["action"],
                content=message,
                disallow_items=rule.get("disallow", []),
                explanation=result.justification,
                custom_message=rule.get("activation_message", result.justification),
                pattern=rule.get("pattern") if isinstance(guardrail, RegexGuardrail) else None,
                guardrail_type=guardrail_type,
                source_agent=sender_name,
                target_agent=recipient_name,
                content_preview=preview,
            )
        return message

    def check_and_act(self, src_agent_name: str, dst_agent_name: str, message_content: Any) -> Any:
        """The group chat's inter-agent check of one relayed message: the replacement, or None to
        relay it as it is. A tool executor's message is checked as coming from the agent whose
        tools it ran."""
        source = self._resolve_tool_executor_source(src_agent_name, self.group_tool_executor)
        result = self._check_inter_agent_communication(source, dst_agent_name, message_content)
        return None if result == message_content else result

    def _resolve_tool_executor_source(self, src_agent_name: str, tool_executor: Any = None) -> str:
        if src_agent_name != _TOOL_EXECUTOR:
            return src_agent_name
        get = getattr(tool_executor, "get_tool_call_originator", None)
        originator = get() if callable(get) else None
        return str(originator) if originator else "tool_executor"

    # ------------------------------------------------------------------ actions

    @staticmethod
    def _block_notice(message: str) -> str:
        return f"🛡️ BLOCKED: {message}"

    def _apply_action(
        self,
        action: str,
        content: Any,
        disallow_items: list[str],
        explanation: str,
        custom_message: str | None = None,
        pattern: str | None = None,
        guardrail_type: str | None = None,
        source_agent: str | None = None,
        target_agent: str | None = None,
        content_preview: str | None = None,
    ) -> Any:
        """Do what the rule says with ``content`` (keeping its shape), announcing it."""
        message = custom_message or explanation
        label = {"block": "BLOCKED", "mask": "MASKED", "warning": "WARNING"}.get(action)
        if label is None:
            return content
        self._send_safeguard_event(
            event_type="action",
            message=f"{label}: {message}",
            action=action,
            source_agent=source_agent,
            target_agent=target_agent,
            content_preview=content_preview,
        )
        if action == "block":
            return self._handle_blocked_content(content, message)
        if action == "mask":
            return self._handle_masked_content(content, lambda text: self._mask_content(text, disallow_items, explanation, pattern))
        return content

    def _mask_content(self, content: str, disallow_items: list[str], explanation: str, pattern: str | None = None) -> str:
        """``content`` with its sensitive parts replaced by [SENSITIVE_INFO]."""
        if pattern:
            try:
                masked = re.sub(pattern, MASK_TOKEN, content, flags=re.IGNORECASE)
            except re.error as e:
                raise ValueError(f"Pattern masking failed: {e}") from None
            if masked != content:
                return masked
        if self.mask_agent is not None:
            categories = ", ".join(disallow_items) if disallow_items else "anything the reason below covers"
            prompt = (
                f"Rewrite the content below with every sensitive part replaced by {MASK_TOKEN}. "
                "Answer with the rewritten content only.\n\n"
                f"Content: {content}\nSensitive categories: {categories}\nReason: {explanation}"
            )
            try:
                ok, reply = self.mask_agent.generate_oai_reply(messages=[{"role": "user", "content": prompt}])
            except Exception as e:
                raise ValueError(f"LLM masking failed: {e}") from e
            if ok and reply:
                return str(reply.get("content", content)) if isinstance(reply, dict) else str(reply)
        # Nothing can tell which part is sensitive: hide all of it rather than none.
        return MASK_TOKEN

    def _handle_blocked_content(self, content: Any, block_message: str) -> Any:
        """``content`` (a message, a list of them, a tool call or result, or text) with its text
        replaced by the block notice."""
        notice = self._block_notice(block_message)
        blocked_args = json.dumps({"error": notice})
        return self._rewrite(content, lambda _text: notice, lambda _args: blocked_args, {"content": notice, "role": "function"})

    def _handle_masked_content(self, content: Any, mask_func: Callable[[str], str]) -> Any:
        """``content`` with each of its texts passed through ``mask_func``, its shape kept."""
        if not isinstance(content, (dict, list)):
            return mask_func(self._stringify_content(content))
        return self._rewrite(content, mask_func, mask_func, None)

    def _rewrite(
        self, content: Any, on_text: Callable[[str], str], on_arguments: Callable[[str], str], other: Any
    ) -> Any:
        """Apply ``on_text`` to the texts of ``content`` and ``on_arguments`` to its tool-call
        arguments. A single message changes in its main part (tool results, else tool calls, else its
        content); each message of a list changes in all of them. Non-message content becomes ``other``."""
        text = self._stringify_content

        def calls_of(message: dict[str, Any]) -> list[dict[str, Any]]:
            return [
                {**c, "function": {**(c.get("function") or {}), "arguments": on_arguments(text((c.get("function") or {}).get("arguments")))}}
                for c in message["tool_calls"]
            ]

        def responses_of(message: dict[str, Any]) -> list[dict[str, Any]]:
            return [{**r, "content": on_text(text(r.get("content")))} for r in message["tool_responses"]]

        if isinstance(content, dict):
            out = dict(content)
            if out.get("tool_responses"):
                out["content"] = on_text(text(out.get("content")))
                out["tool_responses"] = responses_of(out)
            elif out.get("tool_calls"):
                out["tool_calls"] = calls_of(out)
            elif "content" in out or "arguments" not in out:
                out["content"] = on_text(text(out.get("content")))
            else:
                out["arguments"] = on_text(text(out.get("arguments")))
            return out
        if isinstance(content, list):
            rewritten: list[Any] = []
            for item in content:
                if not isinstance(item, dict):
                    rewritten.append(other if other is not None else {"content": on_text(text(item)), "role": "function"})
                    continue
                out = dict(item)
                if "content" in out:
                    out["content"] = on_text(text(out.get("content")))
                if out.get("tool_calls"):
                    out["tool_calls"] = calls_of(out)
                if out.get("tool_responses"):
                    out["tool_responses"] = responses_of(out)
                rewritten.append(out)
            return rewritten
        return other
