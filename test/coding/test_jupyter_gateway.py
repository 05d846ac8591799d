"""JupyterCodeExecutor over a real kernel gateway (local process and in Docker)."""

# ruff: noqa: F811 - fixtures from docker_fixtures are imported, then requested by name

from __future__ import annotations

import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from docker_fixtures import (  # noqa: F401 - pytest fixtures
    docker_image,
    jupyter_available,
    jupyter_docker_image,
    local_jupyter_server,
)

from autogen.coding import CodeBlock, CodeExecutorFactory, IPythonCodeResult


def run(executor, *codes: str):
    return executor.execute_code_blocks([CodeBlock(code=c, language="python") for c in codes])


@pytest.fixture(scope="module")
def jupyter(local_jupyter_server, tmp_path_factory):
    from autogen.coding.jupyter import JupyterCodeExecutor

    ex = JupyterCodeExecutor(local_jupyter_server, output_dir=tmp_path_factory.mktemp("jupyter-out"), timeout=3)
    yield ex
    ex.stop()


def test_gateway_requires_the_token(local_jupyter_server):
    info = local_jupyter_server.connection_info
    assert info.host == "127.0.0.1" and info.token and info.port
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(f"{info.base_url}/api/kernels", timeout=5)
    assert err.value.code in (401, 403)


def test_client_lists_specs_and_kernels(local_jupyter_server, jupyter):
    from autogen.coding.jupyter import JupyterClient

    client = JupyterClient(local_jupyter_server.connection_info)
    assert "python3" in client.list_kernel_specs()["kernelspecs"]
    assert jupyter._kernel_id in [k["id"] for k in client.list_kernels()]


def test_state_errors_and_rich_output(jupyter):
    res = run(jupyter, "z = 20", "z += 1\nprint('sum')", "z * 2")
    assert isinstance(res, IPythonCodeResult)
    assert res.exit_code == 0 and res.output == "sum\n42"
    bad = run(jupyter, "print('first')", "undefined_name", "print('never')")
    assert bad.exit_code == 1
    assert "first" in bad.output and "ERROR: NameError" in bad.output and "never" not in bad.output
    html = run(jupyter, "from IPython.display import HTML, display\ndisplay(HTML('<i>hi</i>'))")
    assert html.exit_code == 0 and len(html.output_files) == 1
    assert Path(html.output_files[0]).read_text() == "<i>hi</i>"
    assert f"HTML data saved to {html.output_files[0]}" in html.output


def test_timeout_interrupts_and_keeps_state(jupyter):
    run(jupyter, "kept = 1")
    started = time.monotonic()
    res = run(jupyter, "import time\ntime.sleep(30)")
    assert res.exit_code == 124 and "Timeout" in res.output
    assert time.monotonic() - started < 10
    assert run(jupyter, "kept + 1").output == "2"


def test_dead_kernel_is_reported_and_recovers(local_jupyter_server, tmp_path):
    from autogen.coding.jupyter import JupyterCodeExecutor

    with JupyterCodeExecutor(local_jupyter_server, output_dir=tmp_path, timeout=20) as ex:
        run(ex, "x = 1")
        res = run(ex, "import os\nos._exit(1)")
        assert res.exit_code == 1 and "kernel died" in res.output
        # the server restarted the kernel: it works again, without the old state
        deadline = time.monotonic() + 15
        after = run(ex, "print('alive')")
        while after.exit_code != 0 and time.monotonic() < deadline:
            time.sleep(0.2)
            after = run(ex, "print('alive')")
        assert after.output == "alive"
        assert run(ex, "'x' in globals()").output == "False"


def test_restart_clears_state(jupyter):
    run(jupyter, "gone_after_restart = 1")
    jupyter.restart()
    res = run(jupyter, "gone_after_restart")
    assert res.exit_code == 1 and "NameError" in res.output


def test_bad_kernel_name_and_bad_server(local_jupyter_server, tmp_path):
    from autogen.coding.jupyter import JupyterCodeExecutor

    with pytest.raises(ValueError, match="Kernel 'nope' is not installed"):
        JupyterCodeExecutor(local_jupyter_server, kernel_name="nope", output_dir=tmp_path)
    with pytest.raises(TypeError, match="JupyterConnectable"):
        JupyterCodeExecutor("http://localhost:8888", output_dir=tmp_path)


def test_factory_server_and_server_gone(jupyter_available, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the gateway log (default log_file) lands in the cwd
    ex = CodeExecutorFactory.create({"executor": "jupyter", "jupyter": {"output_dir": tmp_path, "timeout": 10}})
    server = ex._owned_server
    try:
        assert run(ex, "print('factory')").output == "factory"
        assert (tmp_path / "jupyter_gateway.log").read_text()
        # The server goes away under the executor: results, never exceptions.
        server.stop()
        res = run(ex, "1 + 1")
        assert res.exit_code == 1 and "ERROR" in res.output and "Jupyter server" in res.output
        assert run(ex, "1").exit_code == 1
    finally:
        ex.stop()
    assert server._process.poll() is not None and ex._owned_server is None


def test_agent_pair_with_jupyter(jupyter):
    from autogen import AssistantAgent, UserProxyAgent
    from autogen.testing import FakeLLMServer

    replies = ["```python\nitems = [1, 2, 3]\n```", "```python\nsum(items)\n```", "TERMINATE"]
    with FakeLLMServer(replies) as server:
        asst = AssistantAgent("asst", llm_config=server.llm_config)
        user = UserProxyAgent(
            "user",
            human_input_mode="NEVER",
            code_execution_config={"executor": jupyter},
            is_termination_msg=lambda m: "TERMINATE" in (m.get("content") or ""),
        )
        user.initiate_chat(asst, message="go")
        contents = [m["content"] for m in user.chat_messages[asst]]
        assert contents[4].startswith("exitcode: 0") and "6" in contents[4]


def test_docker_jupyter_server(jupyter_docker_image, tmp_path):
    from autogen.coding.jupyter import DockerJupyterServer, JupyterCodeExecutor

    with DockerJupyterServer() as server:
        with JupyterCodeExecutor(server, output_dir=tmp_path, timeout=10) as ex:
            res = run(ex, "import os\nv = os.path.exists('/.dockerenv')", "print('in docker:', v)")
            assert res.exit_code == 0 and res.output == "in docker: True"
        name = server.container_name
    import docker

    client = docker.from_env()
    deadline = time.monotonic() + 10
    while client.containers.list(filters={"name": name}) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not client.containers.list(filters={"name": name})
