"""Small helpers shared by chats: validating chat settings, summing usage, finding tags in messages."""

from __future__ import annotations

import re
from typing import Any

__all__ = ["consolidate_chat_info", "gather_usage_summary", "parse_tags_from_content"]


def consolidate_chat_info(chat_info: dict[str, Any] | list[dict[str, Any]], uniform_sender: Any = None) -> None:
    """Check the summary settings of one chat (or several) before it starts."""
    for chat in chat_info if isinstance(chat_info, list) else [chat_info]:
        sender = uniform_sender if uniform_sender is not None else chat["sender"]
        method = chat.get("summary_method")
        if not (method is None or callable(method) or method in ("last_msg", "reflection_with_llm")):
            raise AssertionError("summary_method must be None, a callable, 'last_msg' or 'reflection_with_llm'.")
        if method == "reflection_with_llm":
            recipient = chat.get("recipient")
            if getattr(sender, "client", None) is None and getattr(recipient, "client", None) is None:
                raise AssertionError(
                    "summary_method='reflection_with_llm' needs an LLM client on the sender or the recipient."
                )


def _add_usage(total: dict[str, Any], usage: dict[str, Any] | None) -> None:
    if not usage:
        return
    total["total_cost"] = total.get("total_cost", 0) + usage.get("total_cost", 0)
    for model, data in usage.items():
        if model == "total_cost":
            continue
        slot = total.setdefault(model, {"cost": 0, "prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0})
        for key in ("cost", "prompt_tokens", "completion_tokens", "total_tokens"):
            slot[key] = slot.get(key, 0) + data.get(key, 0)


def gather_usage_summary(agents: list[Any]) -> dict[str, dict[str, Any]]:
    """Usage and cost summed over agents: including and excluding cache hits."""
    including: dict[str, Any] = {"total_cost": 0}
    excluding: dict[str, Any] = {"total_cost": 0}
    for agent in agents:
        client = getattr(agent, "client", None)
        if client is None:
            continue
        _add_usage(including, client.total_usage_summary)
        _add_usage(excluding, client.actual_usage_summary)
    return {"usage_including_cached_inference": including, "usage_excluding_cached_inference": excluding}


# key='value' or key="value"; a quoted value ends at its quote followed by a space or the end, so
# it may hold spaces and other quotes (text='I'm here').
_QUOTED_ATTR = re.compile(r"""([^\s=]+)=(['"])(.*?)\2(?=\s|$)""")
_WORD = re.compile(r"\S+")


def parse_tags_from_content(tag: str, content: str | list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The ``<tag ...>`` marks in a message's content (a str, or multimodal parts whose text parts
    are read), in order, each as ``{"tag": tag, "attr": {...}, "match": re.Match}``.

    Inside a mark, ``key='value'`` / ``key="value"`` give attributes; every other word (a bare
    URL, or ``a=b`` without quotes) is part of ``attr["src"]``, words joined by spaces:
    ``<img http://x/y.png width='100'>`` gives ``{"src": "http://x/y.png", "width": "100"}``.
    """
    if isinstance(content, str):
        texts = [content]
    elif isinstance(content, list):
        texts = [part["text"] for part in content if isinstance(part, dict) and part.get("type") == "text"]
    else:
        raise ValueError(f"content must be str or list, but got {type(content)}")
    pattern = re.compile(f"<{re.escape(tag)} (.*?)>")
    found = []
    for text in texts:
        for match in pattern.finditer(text):
            found.append({"tag": tag, "attr": _tag_attributes(match.group(1).strip()), "match": match})
    return found


def _tag_attributes(text: str) -> dict[str, str]:
    attrs: dict[str, str] = {}
    src: list[str] = []
    pos = 0
    while pos < len(text):
        if text[pos].isspace():
            pos += 1
            continue
        quoted = _QUOTED_ATTR.match(text, pos)
        if quoted:
            attrs[quoted.group(1)] = quoted.group(3)
            pos = quoted.end()
        else:
            word = _WORD.match(text, pos)
            src.append(word.group(0))  # type: ignore[union-attr]
            pos = word.end()  # type: ignore[union-attr]
    if src:
        attrs = {"src": " ".join(src), **attrs}
    return attrs
