"""EmbeddedIPythonCodeExecutor with a real local ipykernel."""

from __future__ import annotations

import base64
import json
import time
from pathlib import Path

import pytest
from docker_fixtures import jupyter_available  # noqa: F401 - pytest fixture

from autogen.coding import CodeBlock, CodeExecutor, CodeExecutorFactory, IPythonCodeResult

pytestmark = pytest.mark.usefixtures("jupyter_available")

# 1x1 transparent PNG
PNG = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
    )
).decode()


def run(executor, *codes: str):
    return executor.execute_code_blocks([CodeBlock(code=c, language="python") for c in codes])


@pytest.fixture(scope="module")
def ipython(tmp_path_factory):
    from autogen.coding.jupyter import EmbeddedIPythonCodeExecutor

    out = tmp_path_factory.mktemp("ipython-out")
    ex = EmbeddedIPythonCodeExecutor(output_dir=out, timeout=3)
    yield ex
    ex.stop()


def test_validation_errors(tmp_path):
    from autogen.coding.jupyter import EmbeddedIPythonCodeExecutor

    with pytest.raises(ValueError, match="does not exist"):
        EmbeddedIPythonCodeExecutor(output_dir=tmp_path / "missing")
    with pytest.raises(ValueError, match="Kernel 'no-such-kernel' is not installed"):
        EmbeddedIPythonCodeExecutor(output_dir=tmp_path, kernel_name="no-such-kernel")
    with pytest.raises(ValueError):
        EmbeddedIPythonCodeExecutor(output_dir=tmp_path, timeout=0)


def test_state_persists_and_outputs_join(ipython):
    assert isinstance(ipython, CodeExecutor)
    first = run(ipython, "counter = 40", "counter += 2\nprint('printed')", "counter")
    assert isinstance(first, IPythonCodeResult)
    assert first.exit_code == 0
    assert first.output == "printed\n42"
    assert run(ipython, "counter * 2").output == "84"


def test_error_stops_and_keeps_earlier_output(ipython):
    res = run(ipython, "print('before')", "1/0", "print('never')")
    assert res.exit_code == 1
    assert "before" in res.output and "ERROR: ZeroDivisionError: division by zero" in res.output
    assert "never" not in res.output
    assert "\x1b[" not in res.output  # colour codes stripped


def test_rich_outputs_are_saved_to_files(ipython):
    code = (
        "from IPython.display import display, HTML, JSON, Image\nimport base64\n"
        f"display(Image(data=base64.b64decode({PNG!r})))\n"
        "display(HTML('<b>bold</b>'))\n"
        "display(JSON({'answer': 42}))"
    )
    res = run(ipython, code)
    assert res.exit_code == 0
    suffixes = sorted(Path(f).suffix for f in res.output_files)
    assert suffixes == [".html", ".json", ".png"]
    for f in res.output_files:
        assert Path(f).parent == Path(ipython.output_dir) and Path(f).exists()
        assert f in res.output
    png = next(f for f in res.output_files if f.endswith(".png"))
    assert Path(png).read_bytes().startswith(b"\x89PNG")
    assert f"Image data saved to {png}" in res.output
    html = next(f for f in res.output_files if f.endswith(".html"))
    assert Path(html).read_text() == "<b>bold</b>"
    js = next(f for f in res.output_files if f.endswith(".json"))
    assert json.loads(Path(js).read_text()) == {"answer": 42}


def test_timeout_interrupts_and_keeps_state(ipython):
    run(ipython, "kept = 'yes'")
    started = time.monotonic()
    res = run(ipython, "import time\nprint('start')\ntime.sleep(30)")
    assert res.exit_code == 124
    assert "Timeout" in res.output and "start" in res.output
    assert time.monotonic() - started < 10
    assert run(ipython, "kept").output == "'yes'"


def test_pip_lines_are_silenced(ipython):
    # The kernel sees "!pip install -qqq ..." (quiet); --help keeps this offline and fast.
    res = run(ipython, "!pip install --help > /dev/null\nprint('done')")
    assert res.exit_code == 0 and res.output.endswith("done")


def test_shell_blocks_run_in_the_kernel(ipython):
    # plain shell runs as a %%bash cell; "!command" lines (ag2's style) run as they are
    res = ipython.execute_code_blocks([CodeBlock(code="x=hi\necho $x-there", language="sh")])
    assert res.exit_code == 0 and res.output.strip() == "hi-there"
    res = ipython.execute_code_blocks([CodeBlock(code='!echo "hello world!"', language="bash")])
    assert res.exit_code == 0 and "hello world!" in res.output
    failed = ipython.execute_code_blocks([CodeBlock(code="exit 3", language="bash")])
    assert failed.exit_code == 1


def test_other_languages_are_refused(ipython):
    res = ipython.execute_code_blocks([CodeBlock(code="console.log(1)", language="javascript")])
    assert res.exit_code == 1 and "only Python and shell blocks" in res.output


def test_dead_kernel_is_a_result_then_recovers(tmp_path):
    from autogen.coding.jupyter import EmbeddedIPythonCodeExecutor

    with EmbeddedIPythonCodeExecutor(output_dir=tmp_path, timeout=10) as ex:
        run(ex, "x = 1")
        res = run(ex, "import os\nos._exit(1)")
        assert res.exit_code == 1 and "kernel died" in res.output
        after = run(ex, "print('alive')\n'x' in globals()")
        assert after.exit_code == 0 and after.output == "alive\nFalse"


def test_restart_clears_state(tmp_path):
    ex = CodeExecutorFactory.create({"executor": "ipython-embedded", "ipython-embedded": {"output_dir": tmp_path}})
    try:
        run(ex, "y = 5")
        ex.restart()
        res = run(ex, "y")
        assert res.exit_code == 1 and "NameError" in res.output
    finally:
        ex.stop()
    assert run(ex, "1").exit_code == 1  # stopped: a result, not an exception


def test_agent_pair_keeps_state_across_turns(ipython):
    from autogen import AssistantAgent, UserProxyAgent
    from autogen.testing import FakeLLMServer

    replies = ["```python\nsecret = 7 * 6\n```", "```python\nprint('secret is', secret)\n```", "TERMINATE"]
    with FakeLLMServer(replies) as server:
        asst = AssistantAgent("asst", llm_config=server.llm_config)
        user = UserProxyAgent(
            "user",
            human_input_mode="NEVER",
            code_execution_config={"executor": ipython},
            is_termination_msg=lambda m: "TERMINATE" in (m.get("content") or ""),
        )
        user.initiate_chat(asst, message="go")
        contents = [m["content"] for m in user.chat_messages[asst]]
        assert contents[2].startswith("exitcode: 0")
        assert "secret is 42" in contents[4]
