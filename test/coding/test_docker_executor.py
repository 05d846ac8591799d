"""DockerCommandLineCodeExecutor against a real Docker engine (see scripts/ci_docker.sh)."""

# ruff: noqa: F811 - fixtures from docker_fixtures are imported, then requested by name

from __future__ import annotations

import time
from pathlib import Path

import pytest
from docker_fixtures import docker_image, shared_docker_executor  # noqa: F401 - pytest fixtures

from autogen.coding import CodeBlock, CodeExecutorFactory

PY = "python"


def run(executor, *blocks: tuple[str, str]):
    return executor.execute_code_blocks([CodeBlock(code=code, language=lang) for code, lang in blocks])


def test_public_import_and_all():
    from autogen import coding

    assert "DockerCommandLineCodeExecutor" in coding.__all__
    from autogen.coding import DockerCommandLineCodeExecutor

    assert DockerCommandLineCodeExecutor.__module__ == "autogen.coding.docker_commandline_code_executor"


def test_timeout_below_one_second_is_rejected(tmp_path):
    from autogen.coding import DockerCommandLineCodeExecutor

    with pytest.raises(ValueError, match="Timeout"):
        DockerCommandLineCodeExecutor(timeout=0, work_dir=tmp_path)


def test_python_and_shell_share_one_container(shared_docker_executor):
    ex = shared_docker_executor
    assert ex.container_name.startswith("autogen-code-exec-")
    first = run(ex, ("open('/tmp/marker', 'w').write('kept')\nprint('written')", PY))
    assert first.exit_code == 0 and first.output == "written\n"
    # A later block (other language, other call) sees the file outside /workspace: same container.
    second = run(ex, ("cat /tmp/marker; echo; echo oops >&2", "sh"))
    assert second.exit_code == 0
    assert second.output == "oops\nkept\n"  # stderr first, then stdout (as the local executor)
    assert Path(second.code_file).parent == ex.work_dir.resolve()


def test_no_network_unless_asked(shared_docker_executor):
    res = run(shared_docker_executor, ("import os\nprint(sorted(os.listdir('/sys/class/net')))", PY))
    assert res.output.strip() == "['lo']"
    res = run(
        shared_docker_executor,
        (
            "import socket\ntry:\n    socket.create_connection(('10.255.255.1', 80), timeout=2)\nexcept OSError as e:\n    print('blocked', type(e).__name__)",
            PY,
        ),
    )
    assert res.output.startswith("blocked")


def test_network_on_request(docker_image, tmp_path):
    from autogen.coding import DockerCommandLineCodeExecutor

    with DockerCommandLineCodeExecutor(
        image=docker_image, work_dir=tmp_path, container_create_kwargs={"network_mode": "host"}
    ) as ex:
        res = run(ex, ("import os\nprint(len(os.listdir('/sys/class/net')))", PY))
        assert int(res.output) >= 1
        res = run(ex, ("import socket\ns = socket.socket(); s.bind(('127.0.0.1', 0)); print('ok')", PY))
        assert res.output == "ok\n"


def test_timeout_kills_the_block_and_its_children(docker_image, tmp_path):
    from autogen.coding import DockerCommandLineCodeExecutor

    with DockerCommandLineCodeExecutor(image=docker_image, work_dir=tmp_path, timeout=2) as ex:
        started = time.monotonic()
        res = run(ex, ("sleep 300 &\nsleep 301\n", "sh"))
        elapsed = time.monotonic() - started
        assert res.exit_code == 124
        assert "Timeout" in res.output
        assert elapsed < ex.timeout + 8
        # A program that ignores SIGTERM is killed too (SIGKILL follows).
        res = run(ex, ("import signal, time\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\ntime.sleep(300)", PY))
        assert res.exit_code == 124 and "Timeout" in res.output
        leftovers = run(ex, (_FIND_SLEEPS, PY))
        assert leftovers.output.strip() == "[]"


_FIND_SLEEPS = """
import os
found = []
for p in os.listdir('/proc'):
    if p.isdigit():
        try:
            c = open(f'/proc/{p}/cmdline', 'rb').read()
        except OSError:
            continue
        if c.startswith(b'sleep\\x0030') or (c.startswith(b'python') and b'tmp_code_' in c and int(p) != os.getpid()):
            found.append(c)
print(found)
"""


def test_background_process_does_not_block_the_block(shared_docker_executor):
    started = time.monotonic()
    res = run(shared_docker_executor, ("sleep 30 >/dev/null 2>&1 &\necho started", "sh"))
    assert res.exit_code == 0 and res.output == "started\n"
    assert time.monotonic() - started < 5
    run(shared_docker_executor, ("pkill sleep || kill $(pidof sleep) 2>/dev/null; true", "sh"))


def test_filename_comment_and_workspace_escape(shared_docker_executor):
    ex = shared_docker_executor
    res = run(ex, ("# filename: pkg/hello.py\nprint('from file')", PY))
    assert res.exit_code == 0 and res.output == "from file\n"
    assert Path(res.code_file) == ex.work_dir.resolve() / "pkg" / "hello.py"
    assert (ex.work_dir / "pkg" / "hello.py").read_text().endswith("print('from file')")
    bad = run(ex, ("# filename: ../escape.py\nprint(1)", PY))
    assert bad.exit_code == 1 and "Filename is not in the workspace" in bad.output
    assert not (ex.work_dir.parent / "escape.py").exists()


def test_policies_unknown_language_and_stop_at_first_failure(shared_docker_executor):
    ex = shared_docker_executor
    saved = run(ex, ("<!-- filename: page.html -->\n<p>hi</p>", "html"))
    assert saved.exit_code == 0 and saved.output.startswith("Code saved to") and "page.html" in saved.output
    unknown = run(ex, ("x", "cobol"))
    assert unknown.exit_code == 1 and "unknown language cobol" in unknown.output
    res = run(ex, ("import sys\nprint('one')\nsys.exit(3)", PY), ("print('two')", PY))
    assert res.exit_code == 3 and "one" in res.output and "two" not in res.output
    aliases = run(ex, ("print('alias')", "py"))
    assert aliases.output == "alias\n"


def test_huge_output_is_truncated(shared_docker_executor):
    res = run(shared_docker_executor, ("import sys\nsys.stdout.write('x' * 3_000_000)", PY))
    assert res.exit_code == 0
    assert "truncated" in res.output
    assert len(res.output) < 1_000_000


def test_restart_stop_and_context_manager(docker_image, tmp_path):
    import docker

    from autogen.coding import DockerCommandLineCodeExecutor

    client = docker.from_env()
    with DockerCommandLineCodeExecutor(image=docker_image, work_dir=tmp_path, timeout=5) as ex:
        name = ex.container_name
        run(ex, ("sleep 301 >/dev/null 2>&1 &\necho keep > kept.txt", "sh"))
        assert run(ex, (_FIND_SLEEPS, PY)).output.strip() != "[]"
        ex.restart()
        assert run(ex, (_FIND_SLEEPS, PY)).output.strip() == "[]"  # processes stopped
        assert run(ex, ("cat kept.txt", "sh")).output == "keep\n"  # files kept
    # auto_remove: the container is gone once stopped
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and client.api.containers(all=True, filters={"name": name}):
        time.sleep(0.1)
    assert not client.api.containers(all=True, filters={"name": name})
    after = run(ex, ("print(1)", PY))
    assert after.exit_code == 1 and "stopped" in after.output


def test_dead_container_gives_a_result_and_recovers(docker_image, tmp_path):
    import docker

    from autogen.coding import DockerCommandLineCodeExecutor

    with DockerCommandLineCodeExecutor(image=docker_image, work_dir=tmp_path, timeout=5) as ex:
        docker.from_env().containers.get(ex.container_name).kill()
        res = run(ex, ("print('hi')", PY))
        assert res.exit_code == 1
        assert "not running" in res.output and "new container" in res.output
        assert run(ex, ("print('back')", PY)).output == "back\n"


def test_missing_image_is_a_clear_error(docker_image, tmp_path):
    from autogen.coding import DockerCommandLineCodeExecutor

    with pytest.raises(RuntimeError, match="ag2-no-such-image"):
        DockerCommandLineCodeExecutor(image="ag2-no-such-image:404", work_dir=tmp_path)


def test_overriding_managed_settings_warns(docker_image, tmp_path):
    from autogen.coding import DockerCommandLineCodeExecutor

    with pytest.warns(UserWarning, match="working_dir"):
        ex = DockerCommandLineCodeExecutor(
            image=docker_image, work_dir=tmp_path, container_create_kwargs={"working_dir": "/workspace"}
        )
    ex.stop()


def test_factory_builds_docker_executor(docker_image, tmp_path):
    from autogen.coding import DockerCommandLineCodeExecutor

    ex = CodeExecutorFactory.create({"executor": "docker", "docker": {"image": docker_image, "work_dir": tmp_path}})
    try:
        assert isinstance(ex, DockerCommandLineCodeExecutor) and ex.work_dir == tmp_path
        assert run(ex, ("print(2 + 3)", PY)).output == "5\n"
    finally:
        ex.stop()


def test_agent_pair_runs_code_in_docker(shared_docker_executor):
    from autogen import AssistantAgent, UserProxyAgent
    from autogen.testing import FakeLLMServer

    code = "```python\nimport os\nprint('in container', os.getcwd())\n```"
    with FakeLLMServer([code, "TERMINATE"]) as server:
        asst = AssistantAgent("asst", llm_config=server.llm_config)
        user = UserProxyAgent(
            "user",
            human_input_mode="NEVER",
            code_execution_config={"executor": shared_docker_executor},
            is_termination_msg=lambda m: "TERMINATE" in (m.get("content") or ""),
        )
        user.initiate_chat(asst, message="where do you run?")
        reply = user.chat_messages[asst][2]["content"]
        assert reply.startswith("exitcode: 0 (execution succeeded)")
        assert "in container" in reply and "/workspace" in reply
        assert "in container" in server.requests[1].messages[-1]["content"]
