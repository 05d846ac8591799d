"""ConfigEntries is the union of every provider's entry class."""

import typing

from pydantic import TypeAdapter

from autogen.llm_config.entry import AnthropicLLMConfigEntry, OpenAILLMConfigEntry
from autogen.llm_config.types import ConfigEntries


def test_union_lists_the_provider_entries() -> None:
    members = typing.get_args(ConfigEntries)
    assert len(members) == 17
    assert OpenAILLMConfigEntry in members and AnthropicLLMConfigEntry in members


def test_union_validates_an_entry() -> None:
    entry = TypeAdapter(ConfigEntries).validate_python(OpenAILLMConfigEntry(model="gpt-4o-mini", api_key="k"))
    assert isinstance(entry, OpenAILLMConfigEntry) and entry.model == "gpt-4o-mini"
