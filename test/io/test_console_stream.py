"""The console stream: what a user sees in the terminal, and how input is read."""

import subprocess
import sys
import textwrap
from collections.abc import Callable

import pytest

from autogen.events.agent_events import TerminationEvent, TextEvent, ToolCallEvent, ToolResponseEvent
from autogen.events.client_events import StreamEvent
from autogen.io import IOConsole


def test_print_behaves_like_builtin_print(capsys: pytest.CaptureFixture[str]) -> None:
    IOConsole().print("a", 1, None, sep="|", end="!\n")
    IOConsole().print("second")
    assert capsys.readouterr().out == "a|1|None!\nsecond\n"


def test_send_text_event_prints_header_content_and_rule(
    capsys: pytest.CaptureFixture[str], plain: Callable[[str], str]
) -> None:
    IOConsole().send(TextEvent(content="Hello there", sender="user", recipient="assistant"))
    assert plain(capsys.readouterr().out) == "user (to assistant):\n\nHello there\n\n" + "-" * 80 + "\n"


def test_send_termination_event_shows_uuid_and_reason(
    capsys: pytest.CaptureFixture[str], plain: Callable[[str], str]
) -> None:
    event = TerminationEvent(termination_reason="Maximum turns (2) reached")
    IOConsole().send(event)
    out = plain(capsys.readouterr().out)
    assert out == f"\n>>>>>>>> TERMINATING RUN ({event.content.uuid}): Maximum turns (2) reached\n"


def test_stream_events_print_without_newlines(capsys: pytest.CaptureFixture[str]) -> None:
    console = IOConsole()
    for chunk in ["Hel", "lo", " world"]:
        console.send(StreamEvent(content=chunk))
    assert capsys.readouterr().out == "Hello world"


def test_tool_call_and_response_banners(capsys: pytest.CaptureFixture[str], plain: Callable[[str], str]) -> None:
    console = IOConsole()
    console.send(
        ToolCallEvent(
            sender="assistant",
            recipient="user",
            tool_calls=[
                {"id": "call_1", "type": "function", "function": {"name": "add", "arguments": '{"a": 1, "b": 2}'}}
            ],
        )
    )
    console.send(
        ToolResponseEvent(
            sender="user",
            recipient="assistant",
            content="3",
            tool_responses=[{"tool_call_id": "call_1", "role": "tool", "content": "3"}],
        )
    )
    out = plain(capsys.readouterr().out)
    call_banner = "***** Suggested tool call (call_1): add *****"
    response_banner = "***** Response from calling tool (call_1) *****"
    assert out == (
        "assistant (to user):\n\n"
        f"{call_banner}\nArguments: \n" + '{"a": 1, "b": 2}\n' + "*" * len(call_banner) + "\n\n" + "-" * 80 + "\n"
        "user (to assistant):\n\n"
        f"{response_banner}\n3\n" + "*" * len(response_banner) + "\n\n" + "-" * 80 + "\n"
    )


def test_input_reads_a_line(monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[str] = []
    monkeypatch.setattr("builtins.input", lambda prompt="": asked.append(prompt) or "yes")
    assert IOConsole().input("Continue? ") == "yes"
    assert asked == ["Continue? "]


def test_password_input_uses_getpass(monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[str] = []
    monkeypatch.setattr("getpass.getpass", lambda prompt="": asked.append(prompt) or "s3cret")
    monkeypatch.setattr("builtins.input", lambda prompt="": pytest.fail("password must not be echoed"))
    console = IOConsole()
    assert console.input("Key: ", password=True) == "s3cret"
    assert console.input(password=True) == "s3cret"
    assert asked == ["Key: ", "Password: "]


def test_importing_the_console_stream_does_not_load_pydantic_or_termcolor() -> None:
    code = textwrap.dedent(
        """
        import sys
        import autogen.io, autogen.io.console, autogen.io.base
        heavy = sorted(m for m in ("pydantic", "termcolor", "websockets") if m in sys.modules)
        print(",".join(heavy))
        """
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert result.stdout.strip() == ""
