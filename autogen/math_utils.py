"""Scoring answers to math problems (MATH-dataset style ``\\boxed{...}`` answers).

An answer is the content of the last ``\\boxed{...}`` (or ``\\fbox{...}``) of a response. Two
answers are equivalent when they are equal after removing formatting that does not change the
value: spaces, ``\\left``/``\\right``, degree signs, dollar and percent signs, trailing units
(``\\text{ cm}``), ``\\dfrac``/``\\tfrac``, a leading ``x =``, and short forms of fractions and
square roots (``\\frac12``, ``1/2``, ``0.5``, ``\\sqrt3``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

__all__ = [
    "eval_math_responses",
    "get_answer",
    "is_equiv",
    "is_equiv_chain_of_thought",
    "last_boxed_only_string",
    "remove_boxed",
    "voting_counts",
]

_BOXED_PREFIX = "\\boxed{"


def remove_boxed(string: str) -> str | None:
    """The inside of ``\\boxed{...}`` when ``string`` is exactly such an expression, else None."""
    if isinstance(string, str) and string.startswith(_BOXED_PREFIX) and string.endswith("}"):
        return string[len(_BOXED_PREFIX) : -1]
    return None


def last_boxed_only_string(string: str) -> str | None:
    """The last ``\\boxed{...}`` (or, without any, ``\\fbox{...}``) of ``string`` with its balanced braces."""
    start = string.rfind("\\boxed")
    if start < 0:
        start = string.rfind("\\fbox")
        if start < 0:
            return None
    depth = 0
    for i in range(start, len(string)):
        if string[i] == "{":
            depth += 1
        elif string[i] == "}":
            depth -= 1
            if depth == 0:
                return string[start : i + 1]
    return None


def get_answer(solution: str | None) -> str | None:
    """The boxed answer of a solution text, or None when it has none."""
    if solution is None:
        return None
    boxed = last_boxed_only_string(solution)
    return None if boxed is None else remove_boxed(boxed)


def _braced_fracs(s: str) -> str:
    # \frac12 -> \frac{1}{2}, \frac1b -> \frac{1}{b}, \frac1{72} -> \frac{1}{72}
    head, *parts = s.split("\\frac")
    out = [head]
    for part in parts:
        if part.startswith("{"):
            out.append("\\frac" + part)
        elif len(part) < 2:
            return s  # a malformed fraction: leave the whole string alone
        elif part[1] == "{":
            out.append("\\frac{" + part[0] + "}" + part[1:])
        else:
            out.append("\\frac{" + part[0] + "}{" + part[1] + "}" + part[2:])
    return "".join(out)


_INT_SLASH_INT = re.compile(r"(-?\d+)/(-?\d+)")


def _slash_to_frac(s: str) -> str:
    # "2/3" (two plain integers) -> \frac{2}{3}
    m = _INT_SLASH_INT.fullmatch(s)
    if m is None or s != f"{int(m.group(1))}/{int(m.group(2))}":
        return s
    return "\\frac{" + m.group(1) + "}{" + m.group(2) + "}"


def _braced_sqrts(s: str) -> str:
    # \sqrt3 -> \sqrt{3}
    head, *parts = s.split("\\sqrt")
    return head + "".join("\\sqrt" + (p if p.startswith("{") else "{" + p[:1] + "}" + p[1:]) for p in parts)


def _without_units(s: str) -> str:
    # "\text{ " only introduces units in MATH answers
    if "\\text{ " not in s:
        return s
    before, *after = s.split("\\text{ ")
    if len(after) != 1:
        raise ValueError("more than one unit")
    return before


def _normalize(s: str) -> str:
    for old, new in (
        ("\n", ""),
        ("\\!", ""),
        ("\\\\", "\\"),
        ("tfrac", "frac"),
        ("dfrac", "frac"),
        ("\\left", ""),
        ("\\right", ""),
        ("^{\\circ}", ""),
        ("^\\circ", ""),
        ("\\$", ""),
    ):
        s = s.replace(old, new)
    s = _without_units(s)
    s = s.replace("\\%", "").replace("%", "")
    s = s.replace(" .", " 0.").replace("{.", "{0.")
    if not s:
        return s
    if s.startswith("."):
        s = "0" + s
    sides = s.split("=")
    if len(sides) == 2 and len(sides[0]) <= 2:  # "x = 3", "k=3"
        s = sides[1]
    s = _braced_sqrts(s).replace(" ", "")
    s = _braced_fracs(s)
    if s == "0.5":
        s = "\\frac{1}{2}"
    return _slash_to_frac(s)


def is_equiv(str1: str | None, str2: str | None) -> float:
    """1.0 when two answers are the same up to formatting (see the module doc), else 0.0.

    Two missing answers count as equivalent; one missing answer does not.
    """
    if str1 is None or str2 is None:
        return float(str1 is None and str2 is None)
    try:
        return float(_normalize(str1) == _normalize(str2))
    except (ValueError, IndexError):
        return float(str1 == str2)


def is_equiv_chain_of_thought(str1: str | None, str2: str | None) -> float:
    """``is_equiv`` of the boxed answers of two solution texts."""
    return is_equiv(get_answer(str1), get_answer(str2))


def voting_counts(responses: Sequence[str]) -> dict[int, int]:
    """Group responses by equivalent boxed answer: ``{index of the group's first response: votes}``.

    Responses without a boxed answer do not vote.
    """
    votes: dict[int, int] = {}
    for i, response in enumerate(responses):
        if get_answer(response) is None:
            continue
        group = next((j for j in votes if is_equiv_chain_of_thought(response, responses[j])), i)
        votes[group] = votes.get(group, 0) + 1
    return votes


def eval_math_responses(responses: Sequence[str], solution: str | None = None) -> dict[str, Any]:
    """Pick the answer most responses agree on and, given the reference ``solution``, score them.

    Returns ``expected_success`` (chance that at least one of n samples is right, from the share of
    right responses), ``success`` (some response is right), ``success_vote`` (the voted answer is
    right, 1.0/0.0), ``voted_answer`` (the response standing for the winning group) and ``votes``.
    """
    n = len(responses)
    if n == 0:
        return {"expected_success": 0, "success": False, "success_vote": 0, "voted_answer": None, "votes": 0}
    right = [is_equiv_chain_of_thought(r, solution) for r in responses] if solution is not None else []
    groups = voting_counts(responses)
    # no response with a boxed answer: the first response stands, with no votes
    winner, votes = max(groups.items(), key=lambda item: item[1], default=(0, 0))
    return {
        "expected_success": 1 - (1 - sum(right) / n) ** n,
        "success": any(right),
        "success_vote": is_equiv_chain_of_thought(responses[winner], solution),
        "voted_answer": responses[winner],
        "votes": votes,
    }
