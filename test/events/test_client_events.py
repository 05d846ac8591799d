"""Client events: streamed chunks, usage tables and plain print events."""

import json
from collections.abc import Callable

import pytest

from autogen.events.client_events import StreamEvent, UsageSummaryEvent, _change_usage_summary_format
from autogen.events.print_event import PrintEvent

ACTUAL = {
    "total_cost": 0.0123456,
    "gpt-4o": {"cost": 0.0123456, "prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120},
}
TOTAL = {
    "total_cost": 0.02,
    "gpt-4o": {"cost": 0.02, "prompt_tokens": 160, "completion_tokens": 30, "total_tokens": 190},
}
RULE = "-" * 100


def test_usage_summary_both_modes(capsys: pytest.CaptureFixture[str]) -> None:
    UsageSummaryEvent(actual_usage_summary=ACTUAL, total_usage_summary=TOTAL, mode="both").print()
    assert capsys.readouterr().out == (
        f"{RULE}\n"
        "Usage summary excluding cached usage: \nTotal cost: 0.01235\n"
        "* Model 'gpt-4o': cost: 0.01235, prompt_tokens: 100, completion_tokens: 20, total_tokens: 120\n"
        "\n"
        "Usage summary including cached usage: \nTotal cost: 0.02\n"
        "* Model 'gpt-4o': cost: 0.02, prompt_tokens: 160, completion_tokens: 30, total_tokens: 190\n"
        f"{RULE}\n"
    )


def test_usage_summary_same_actual_and_total(capsys: pytest.CaptureFixture[str]) -> None:
    UsageSummaryEvent(actual_usage_summary=ACTUAL, total_usage_summary=ACTUAL).print()
    out = capsys.readouterr().out
    assert "All completions are non-cached: the total cost with cached completions is the same as actual cost." in out
    assert out.count("Usage summary") == 1


def test_usage_summary_all_cached_and_empty(capsys: pytest.CaptureFixture[str]) -> None:
    UsageSummaryEvent(actual_usage_summary=None, total_usage_summary=TOTAL, mode="actual").print()
    assert capsys.readouterr().out == f"{RULE}\nNo actual cost incurred (all completions are using cache).\n{RULE}\n"
    UsageSummaryEvent(actual_usage_summary=None, total_usage_summary=None).print()
    assert capsys.readouterr().out == 'No usage summary. Please call "create" first.\n'


def test_usage_summary_accepts_0_2_list_mode(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        UsageSummaryEvent(actual_usage_summary=ACTUAL, total_usage_summary=TOTAL, mode=["actual", "total"]).content.mode
        == "both"
    )
    assert UsageSummaryEvent(total_usage_summary=TOTAL, mode=["total"]).content.mode == "total"
    with pytest.raises(ValueError, match="Invalid mode"):
        UsageSummaryEvent(total_usage_summary=TOTAL, mode=["everything"])


def test_usage_summary_json_lists_models() -> None:
    data = json.loads(UsageSummaryEvent(actual_usage_summary=ACTUAL, total_usage_summary=TOTAL).model_dump_json())
    assert data["type"] == "usage_summary"
    assert data["content"]["actual"]["usages"][0]["model"] == "gpt-4o"
    assert data["content"]["total"]["total_cost"] == 0.02


def test_usage_dicts_become_per_model_lists() -> None:
    fields = _change_usage_summary_format({"total_cost": 0.5, "m": {"cost": 0.5, "prompt_tokens": 3}}, None)
    assert fields == {
        "actual": {"usages": [{"cost": 0.5, "prompt_tokens": 3, "model": "m"}], "total_cost": 0.5},
        "total": {"usages": None, "total_cost": None},
    }


def test_stream_event(capsys: pytest.CaptureFixture[str]) -> None:
    event = StreamEvent(content="chunk")
    assert event.type == "stream"
    event.print()
    assert capsys.readouterr().out == "chunk"


def test_print_event_stringifies_objects(capsys: pytest.CaptureFixture[str], plain: Callable[[str], str]) -> None:
    event = PrintEvent("x", 2, [3], sep=", ", end=".\n")
    assert event.type == "print"
    assert event.content.objects == ["x", "2", "[3]"]
    event.print()
    assert capsys.readouterr().out == "x, 2, [3].\n"
