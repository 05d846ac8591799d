"""Speaker-transition graphs of a `GroupChat`: validation, inversion, and drawing.

A graph is a dict ``{agent: [agents that may speak after it]}`` whose keys and values are Agent
objects of the group.
"""

from __future__ import annotations

import logging
from typing import Any, Protocol

__all__ = [
    "check_graph_validity",
    "has_self_loops",
    "invert_disallowed_to_allowed",
    "visualize_speaker_transitions_dict",
]

logger = logging.getLogger(__name__)


class Speaker(Protocol):
    """What this module needs of an agent: its name. (A utility below the agents, it does not
    import ``autogen.agentchat``; what counts as an agent is checked by duck typing, `_is_agent`.)"""

    @property
    def name(self) -> str: ...


# The methods of the autogen.agentchat.agent.Agent protocol.
_AGENT_METHODS = (
    "send",
    "a_send",
    "receive",
    "a_receive",
    "generate_reply",
    "a_generate_reply",
    "set_ui_tools",
    "unset_ui_tools",
)
_AGENT_CLASSES: set[type] = set()  # classes known to define them all


def _is_agent(obj: Any) -> bool:
    """Whether ``obj`` has every member of the ``Agent`` protocol, as ``isinstance(obj, Agent)``
    checks (the methods are looked up once per class when the class defines them)."""
    if not (hasattr(obj, "name") and hasattr(obj, "description")):
        return False
    cls = type(obj)
    if cls in _AGENT_CLASSES:
        return True
    if all(hasattr(cls, m) for m in _AGENT_METHODS):
        _AGENT_CLASSES.add(cls)
        return True
    return all(hasattr(obj, m) for m in _AGENT_METHODS)  # e.g. methods set on the instance, or mocks


def _name(agent: Any) -> str:
    return str(getattr(agent, "name", agent))


def _contains(agents: list[Any], agent: Any) -> bool:
    return any(a is agent for a in agents) or agent in agents


def has_self_loops(allowed_speaker_transitions: dict[Any, list[Any]]) -> bool:
    """True when some agent may speak right after itself."""
    return any(_contains(targets, source) for source, targets in allowed_speaker_transitions.items())


def check_graph_validity(allowed_speaker_transitions_dict: dict[Any, list[Any]], agents: list[Speaker]) -> None:
    """Raise ValueError when the graph is malformed; log warnings for suspicious but usable graphs.

    Errors: not a dict; a value that is not a list; a key that is not one of ``agents``; a value
    item that is not an agent (e.g. a name string).
    Warnings: agents with no edge at all; agents of the graph and of the group differ; an agent
    listed twice as a target of the same source.
    """
    if not isinstance(allowed_speaker_transitions_dict, dict):
        raise ValueError(  # noqa: TRY004
            "The speaker transitions must be a dict {agent: [agents that may speak next]}, "
            f"got {type(allowed_speaker_transitions_dict).__name__}."
        )
    for source, targets in allowed_speaker_transitions_dict.items():
        if not isinstance(targets, list):
            raise ValueError(  # noqa: TRY004
                f"The speaker transitions of {_name(source)!r} must be a list of agents, got {type(targets).__name__}."
            )
    unknown = [_name(k) for k in allowed_speaker_transitions_dict if not _contains(agents, k)]
    if unknown:
        raise ValueError(
            f"The speaker transitions have keys that are not agents of the group: {unknown}. "
            "Use the Agent objects of GroupChat.agents as keys."
        )
    for source, targets in allowed_speaker_transitions_dict.items():
        bad = [t for t in targets if not _is_agent(t)]
        if bad:
            raise ValueError(
                f"The speaker transitions of {_name(source)!r} contain items that are not agents: {bad!r}. "
                "List Agent objects, not names."
            )

    names = [_name(a) for a in agents]
    with_outgoing = {_name(k) for k, v in allowed_speaker_transitions_dict.items() if v}
    with_incoming = {_name(t) for v in allowed_speaker_transitions_dict.values() for t in v}
    isolated = [n for n in names if n not in with_outgoing and n not in with_incoming]
    if isolated:
        logger.warning("There are isolated agent nodes, with no speaker transition to or from them: %s", isolated)
    in_graph = with_outgoing | with_incoming
    mismatch = set(names).symmetric_difference(in_graph)
    if mismatch:
        logger.warning(
            "The agents in allowed_speaker_transitions do not match agents of the group. Offending agents: %s. "
            "Agents missing from the graph are never chosen after another agent.",
            sorted(mismatch),
        )
    for source, targets in allowed_speaker_transitions_dict.items():
        seen: set[int] = set()
        dups = []
        for t in targets:
            if id(t) in seen and _name(t) not in dups:
                dups.append(_name(t))
            seen.add(id(t))
        if dups:
            logger.warning(
                "Agent %r has duplicate elements: %s. Please remove duplicates manually.", _name(source), dups
            )


def invert_disallowed_to_allowed(
    disallowed_speaker_transitions_dict: dict[Any, list[Any]], agents: list[Speaker]
) -> dict[Any, list[Any]]:
    """The allowed graph that a disallowed graph means: every agent (self included) may follow every
    agent, except the listed transitions."""
    allowed: dict[Any, list[Any]] = {agent: list(agents) for agent in agents}
    for source, forbidden in disallowed_speaker_transitions_dict.items():
        if not isinstance(forbidden, list):
            raise ValueError(  # noqa: TRY004
                f"The disallowed transitions of {_name(source)!r} must be a list of agents, got {type(forbidden).__name__}."
            )
        if not _contains(agents, source):
            raise ValueError(
                f"The disallowed speaker transitions have a key that is not an agent of the group: {_name(source)!r}."
            )
        allowed[source] = [a for a in allowed[source] if not _contains(forbidden, a)]
    return allowed


def visualize_speaker_transitions_dict(
    speaker_transitions_dict: dict[Any, list[Any]], agents: list[Speaker], export_path: str | None = None
) -> None:
    """Draw the transition graph with networkx and matplotlib (pip install networkx matplotlib);
    saved to ``export_path`` when given, else shown."""
    try:
        import matplotlib.pyplot as plt
        import networkx as nx
    except ImportError as e:
        raise ImportError(
            "visualize_speaker_transitions_dict needs networkx and matplotlib: pip install networkx matplotlib"
        ) from e
    graph = nx.DiGraph()
    graph.add_nodes_from(_name(a) for a in agents)
    for source, targets in speaker_transitions_dict.items():
        for target in targets:
            graph.add_edge(_name(source), _name(target))
    nx.draw(graph, with_labels=True, font_weight="bold")
    if export_path is not None:
        plt.savefig(export_path)
    else:
        plt.show()
