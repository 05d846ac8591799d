"""SandboxedLocalCommandLineCodeExecutor: real bubblewrap sandboxes around real programs."""

from __future__ import annotations

import os
import socket
import time
from pathlib import Path

import pytest
from docker_fixtures import bwrap_ok  # noqa: F401 - pytest fixture

from autogen.coding import CodeBlock, CodeExecutorFactory, LocalCommandLineCodeExecutor
from autogen.coding.sandbox import BubblewrapNotAvailableError, SandboxedLocalCommandLineCodeExecutor

pytestmark = pytest.mark.usefixtures("bwrap_ok")


def run(executor, code: str, lang: str = "python"):
    return executor.execute_code_blocks([CodeBlock(code=code, language=lang)])


@pytest.fixture
def sandbox(tmp_path: Path) -> SandboxedLocalCommandLineCodeExecutor:
    work = tmp_path / "work"
    ex = SandboxedLocalCommandLineCodeExecutor(work_dir=work, timeout=5)
    yield ex
    ex.stop()


def test_is_a_local_executor_and_runs_code(sandbox):
    assert isinstance(sandbox, LocalCommandLineCodeExecutor)
    res = run(sandbox, "print(6 * 7)")
    assert res.exit_code == 0 and res.output == "42\n"
    res = run(sandbox, "echo from-sh; echo err >&2", "sh")
    assert res.output == "err\nfrom-sh\n"


def test_only_work_dir_is_writable(sandbox):
    # Not under /tmp (the sandbox has its own private /tmp, where writing is allowed) and not
    # under the checkout, which may itself live in /tmp.
    outside = Path.home() / f"ag2-sandbox-outside-{os.getpid()}.txt"
    res = run(sandbox, f"open({str(outside)!r}, 'w').write('x')")
    assert res.exit_code == 1 and "Read-only file system" in res.output
    assert not outside.exists()
    res = run(sandbox, "open('inside.txt', 'w').write('ok'); print(open('inside.txt').read())")
    assert res.output == "ok\n"
    assert (sandbox.work_dir / "inside.txt").read_text() == "ok"
    # shell blocks are sandboxed too, and so are the programs they start
    res = run(
        sandbox,
        f"touch {outside} 2>&1 || echo denied; python3 -c \"open('{outside}', 'w')\" 2>/dev/null || echo denied2",
        "sh",
    )
    assert "denied" in res.output and "denied2" in res.output and not outside.exists()


def test_tmp_is_private(sandbox):
    marker = Path("/tmp") / f"ag2-sandbox-marker-{os.getpid()}"
    marker.write_text("host")
    try:
        res = run(sandbox, f"import os\nprint(os.path.exists({str(marker)!r}))\nopen('/tmp/scratch', 'w').write('ok')")
        assert res.output == "False\n"  # host /tmp invisible; sandbox /tmp writable
        assert not Path("/tmp/scratch").exists() or Path("/tmp/scratch").read_text() != "ok"
    finally:
        marker.unlink()


def test_no_network(sandbox):
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        code = (
            "import socket\ntry:\n"
            f"    socket.create_connection(('127.0.0.1', {port}), timeout=2)\n    print('connected')\n"
            "except OSError as e:\n    print('blocked')"
        )
        assert run(sandbox, code).output == "blocked\n"


def test_network_on_request(tmp_path):
    ex = SandboxedLocalCommandLineCodeExecutor(work_dir=tmp_path / "w", network=True)
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        res = run(ex, f"import socket\nsocket.create_connection(('127.0.0.1', {port}), timeout=2)\nprint('connected')")
        assert res.output == "connected\n"
    assert ex.network is True


def test_timeout_kills_sandboxed_tree(sandbox):
    started = time.monotonic()
    # Durations unique to this test process, so another test run on the machine cannot be mistaken
    # for a leftover of this one.
    tag = f"{os.getpid()}"
    first, second = f"100.{tag}", f"101.{tag}"
    res = run(sandbox, f"sleep {first} &\nsleep {second}", "sh")
    assert res.exit_code == 124 and "Timeout" in res.output
    assert time.monotonic() - started < 10
    # The kernel tears the sandbox's pid namespace down after its init is killed; under load that
    # can take a moment, so poll (a surviving process would still be there after 5 s).
    deadline = time.monotonic() + 5
    while True:
        wanted = {f"sleep\x00{first}\x00".encode(), f"sleep\x00{second}\x00".encode()}
        leftover = [p for p in os.listdir("/proc") if p.isdigit() and _cmdline(p) in wanted]
        if not leftover or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert leftover == []


def _cmdline(pid: str) -> bytes:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read()
    except OSError:
        return b""


def test_filename_rules_still_apply(sandbox):
    res = run(sandbox, "# filename: ../../escape.py\nprint(1)")
    assert res.exit_code == 1 and "Filename is not in the workspace" in res.output


def test_hidden_paths(tmp_path):
    secret_dir = tmp_path / "secrets"
    secret_dir.mkdir()
    (secret_dir / "key").write_text("s3cret")
    ex = SandboxedLocalCommandLineCodeExecutor(work_dir=tmp_path / "w", hidden_paths=[secret_dir])
    res = run(ex, f"import os\nprint(os.listdir({str(secret_dir)!r}))")
    assert res.output == "[]\n"


def test_missing_bwrap_is_a_clear_error(tmp_path):
    with pytest.raises(BubblewrapNotAvailableError, match="bubblewrap"):
        SandboxedLocalCommandLineCodeExecutor(work_dir=tmp_path / "w", bwrap_path=str(tmp_path / "no-bwrap"))


def test_factory_and_agent_pair(tmp_path):
    from autogen import AssistantAgent, UserProxyAgent
    from autogen.testing import FakeLLMServer

    ex = CodeExecutorFactory.create({"executor": "sandbox", "sandbox": {"work_dir": tmp_path / "w", "timeout": 5}})
    assert isinstance(ex, SandboxedLocalCommandLineCodeExecutor)
    code = (
        "```python\ntry:\n    open('/etc/ag2-test', 'w')\nexcept OSError as e:\n    print('refused:', e.strerror)\n```"
    )
    with FakeLLMServer([code, "TERMINATE"]) as server:
        asst = AssistantAgent("asst", llm_config=server.llm_config)
        user = UserProxyAgent(
            "user",
            human_input_mode="NEVER",
            code_execution_config={"executor": ex},
            is_termination_msg=lambda m: "TERMINATE" in (m.get("content") or ""),
        )
        user.initiate_chat(asst, message="try to write /etc")
        reply = user.chat_messages[asst][2]["content"]
        assert reply.startswith("exitcode: 0") and "refused: Read-only file system" in reply
