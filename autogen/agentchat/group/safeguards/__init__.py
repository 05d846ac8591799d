"""Safeguard policies: rules on what agents say to each other (inter-agent) and exchange with
tools, the LLM and the human (agent-environment), checked by regex or by an LLM, acted on by
blocking, masking or warning. `apply_safeguard_policy` installs a policy; `initiate_group_chat`
takes one as ``safeguard_policy=``."""

from .api import apply_safeguard_policy, reset_safeguard_policy
from .enforcer import SafeguardEnforcer
from .events import SafeguardEvent
from .validator import SafeguardValidator

__all__ = [
    "SafeguardEnforcer",
    "SafeguardEvent",
    "SafeguardValidator",
    "apply_safeguard_policy",
    "reset_safeguard_policy",
]
