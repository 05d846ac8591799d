"""`import autogen` stays light: no heavy integration is loaded until it is used."""

from __future__ import annotations

import subprocess
import sys

HEAVY = [
    "openai", "httpx", "httpx2", "docker", "chromadb", "qdrant_client", "jupyter_client", "numpy", "tiktoken",
    "redis", "psycopg", "pymongo", "onnxruntime", "xllamacpp", "pydantic", "termcolor", "dbos", "sqlalchemy",
]  # fmt: skip


def loaded_after(code: str) -> list[str]:
    probe = f"import sys\n{code}\nprint(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.strip()
    return [m for m in out.split(",") if m]


def test_import_autogen_loads_no_heavy_module():
    assert loaded_after("import autogen") == []


def test_public_classes_resolve_without_touching_the_network_stack():
    # Creating agents with an llm_config builds no HTTP client and imports no SDK.
    loaded = loaded_after(
        "import autogen\n"
        "a = autogen.AssistantAgent('a', llm_config={'config_list': [{'model': 'gpt-4o', 'api_key': 'sk-x'}]})\n"
        "u = autogen.UserProxyAgent('u', code_execution_config=False)"
    )
    assert "openai" not in loaded and "httpx" not in loaded and "httpx2" not in loaded


def test_old_and_new_import_paths_exist():
    import autogen
    from autogen.agentchat.contrib.retrieve_user_proxy_agent import RetrieveUserProxyAgent  # noqa: F401
    from autogen.agentchat.contrib.vectordb.base import VectorDB  # noqa: F401
    from autogen.code_utils import execute_code, extract_code  # noqa: F401
    from autogen.oai.openai_utils import config_list_from_json  # noqa: F401

    assert autogen.config_list_from_json is config_list_from_json
    assert autogen.__version__ == "0.13.4"
