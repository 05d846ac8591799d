"""A real tiny model (SmolLM2-135M via llama.cpp) answering over the OpenAI API on 127.0.0.1."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request

import pytest

pytest.importorskip("xllamacpp", reason='xllamacpp is not installed (pip install "ag2[local]")')

from autogen.local import LocalModelServer


def _port_refuses(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except ConnectionRefusedError:
        return True
    return False


def test_real_chat_completion_through_openai_sdk(local_server: LocalModelServer) -> None:
    openai = pytest.importorskip("openai")
    client = openai.OpenAI(base_url=local_server.base_url, api_key="sk-local", max_retries=0)
    response = client.chat.completions.create(
        model=local_server.alias,
        messages=[{"role": "user", "content": "Name one colour of the sky."}],
        max_tokens=20,
    )
    text = response.choices[0].message.content
    assert isinstance(text, str) and text.strip()
    assert response.model == "smollm2"
    assert response.usage.prompt_tokens > 0
    assert 0 < response.usage.completion_tokens <= 20
    assert response.usage.total_tokens == response.usage.prompt_tokens + response.usage.completion_tokens


def test_connection_details_point_at_the_running_server(local_server: LocalModelServer) -> None:
    assert local_server.base_url == f"http://127.0.0.1:{local_server.port}/v1"
    assert local_server.config_list == [{"model": "smollm2", "api_key": "sk-local", "base_url": local_server.base_url}]
    assert local_server.llm_config == {"config_list": local_server.config_list}
    assert local_server.llm_config is not local_server.llm_config  # callers may mutate their copy
    with urllib.request.urlopen(f"http://127.0.0.1:{local_server.port}/health", timeout=5) as r:
        assert r.status == 200


def test_wrong_api_key_is_rejected(local_server: LocalModelServer) -> None:
    openai = pytest.importorskip("openai")
    client = openai.OpenAI(base_url=local_server.base_url, api_key="not-the-key", max_retries=0)
    with pytest.raises(openai.AuthenticationError):
        client.chat.completions.create(model="smollm2", messages=[{"role": "user", "content": "hi"}], max_tokens=1)


def test_stop_frees_the_port_and_it_can_be_reused() -> None:
    started = time.monotonic()
    with LocalModelServer() as server:
        port = server.port
        assert server.running
    assert time.monotonic() - started < 15  # ~1 s on an idle 2-core machine
    assert not server.running
    assert _port_refuses(port)
    server.stop()  # stopping twice is harmless
    with pytest.raises(RuntimeError, match="not running"):
        _ = server.base_url
    # The same port is free again for a new server.
    with LocalModelServer(port=port) as again:
        assert again.port == port


def test_busy_port_gives_a_clear_error() -> None:
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", 0))
        blocker.listen()
        port = blocker.getsockname()[1]
        with pytest.raises(RuntimeError, match="port may be in use"):
            LocalModelServer(port=port)


def test_not_a_gguf_file_is_rejected(tmp_path) -> None:
    fake = tmp_path / "model.gguf"
    fake.write_text("not a model")
    with pytest.raises(ValueError, match="not a GGUF model file"):
        LocalModelServer(fake)
    with pytest.raises(FileNotFoundError, match="does not exist"):
        LocalModelServer(tmp_path / "missing.gguf")


def test_import_is_light() -> None:
    code = "import sys, autogen.local; assert 'xllamacpp' not in sys.modules, 'xllamacpp imported eagerly'"
    subprocess.run([sys.executable, "-c", code], check=True)
