"""RetrieveUserProxyAgent + AssistantAgent chats against the fake OpenAI server, with real embeddings and stores."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest

from autogen import AssistantAgent
from autogen.agentchat.contrib.retrieve_user_proxy_agent import (
    PROMPT_DEFAULT,
    UPDATE_CONTEXT_IN_PROMPT,
    RetrieveUserProxyAgent,
)
from autogen.retrieve.vectordb.chromadb import ChromaVectorDB
from autogen.retrieve.vectordb.qdrant import QdrantVectorDB
from autogen.testing import FakeLLMServer

CORPUS = Path(__file__).resolve().parents[2] / "retrieve" / "corpus" / "docs"
CHEESE_Q = "How long are the sheep cheese wheels aged, and where?"


class MemoEmbedder:
    """The real default embedder, remembering vectors so the corpus is embedded once per test module."""

    def __init__(self) -> None:
        from autogen.retrieve.embeddings import DefaultEmbeddingFunction

        self._inner = DefaultEmbeddingFunction()
        self._memo: dict[str, list[float]] = {}
        self.dimension = 384

    def __call__(self, texts: list[str]) -> list[list[float]]:
        todo = [t for t in dict.fromkeys(texts) if t not in self._memo]
        if todo:
            self._memo.update(zip(todo, self._inner(todo)))
        return [self._memo[t] for t in texts]


@pytest.fixture(scope="module")
def embedder():
    return MemoEmbedder()


@pytest.fixture
def closed_port() -> int:
    import socket

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


@pytest.fixture
def server():
    with FakeLLMServer() as s:
        yield s


def make_proxy(tmp_path, embedder, **config):
    retrieve_config = {
        "docs_path": str(CORPUS),
        "chunk_token_size": 100,
        "collection_name": "corpus",
        "db_config": {"path": str(tmp_path / "chroma")},
        "embedding_function": embedder,
    }
    retrieve_config.update(config)
    return RetrieveUserProxyAgent(
        name="ragproxy", human_input_mode="NEVER", code_execution_config=False, retrieve_config=retrieve_config
    )


def make_assistant(server):
    return AssistantAgent("assistant", system_message="You answer from context.", llm_config=server.llm_config)


def prompt_of(request) -> str:
    return request.messages[-1]["content"]


def test_prompt_holds_the_retrieved_context_and_the_chat_ends_on_an_answer(tmp_path, embedder, server):
    server.add_replies("They age for fourteen months in a chalk cliff cave. Sources: brinecastle_cheese.txt")
    proxy, assistant = make_proxy(tmp_path, embedder), make_assistant(server)
    result = proxy.initiate_chat(assistant, message=proxy.message_generator, problem=CHEESE_Q, n_results=3)

    assert len(server.requests) == 1
    prompt = prompt_of(server.requests[0])
    assert CHEESE_Q in prompt
    assert "fourteen months" in prompt  # the answer chunk was retrieved into the context
    assert "brinecastle_cheese.txt" in prompt  # sources listed by the default prompt
    assert UPDATE_CONTEXT_IN_PROMPT in prompt
    assert result.chat_history[-1]["content"].startswith("They age for fourteen months")
    # the results contract: one list per query of (Document, distance), best first
    (first_doc, first_dist), *_ = proxy._results[0]
    assert "fourteen months" in first_doc["content"] and isinstance(first_dist, float)
    assert len(proxy._results[0]) == 3


def test_n_results_from_the_chat_kwargs_bounds_the_context(tmp_path, embedder, server):
    server.add_replies("Fourteen months.")
    proxy, assistant = make_proxy(tmp_path, embedder), make_assistant(server)
    proxy.initiate_chat(assistant, message=proxy.message_generator, problem=CHEESE_Q, n_results=1)
    assert len(proxy._results[0]) == 1
    assert proxy._doc_ids == [proxy._results[0][0][0]["id"]]


def test_update_context_requeries_and_clears_both_histories(tmp_path, embedder, server):
    server.add_replies("UPDATE CONTEXT", "Fourteen months, in a cave. Sources: brinecastle_cheese.txt")
    proxy, assistant = make_proxy(tmp_path, embedder), make_assistant(server)
    proxy.initiate_chat(assistant, message=proxy.message_generator, problem=CHEESE_Q, n_results=1)

    assert len(server.requests) == 2
    first, second = (prompt_of(r) for r in server.requests)
    assert first != second
    assert CHEESE_Q in second
    # the second request carries only the system message and the fresh prompt: history was cleared
    assert [m["role"] for m in server.requests[1].messages] == ["system", "user"]
    assert len(proxy._doc_ids) == 2  # a new doc was used, the old one is not repeated
    assert proxy._doc_ids[0] != proxy._doc_ids[1]
    # both sides now hold only the new round
    assert proxy.chat_messages[assistant][0]["content"] == second
    assert len(assistant.chat_messages[proxy]) == 2


def test_update_context_widens_the_search_when_the_results_are_used_up(tmp_path, embedder, server):
    server.add_replies("UPDATE CONTEXT", "UPDATE CONTEXT", "Found it.")
    proxy, assistant = make_proxy(tmp_path, embedder), make_assistant(server)
    proxy.initiate_chat(assistant, message=proxy.message_generator, problem=CHEESE_Q, n_results=1)
    assert len(server.requests) == 3
    assert len(set(proxy._doc_ids)) == 3
    assert len(proxy._results[0]) > 1  # re-queried with more results (n_results x 3)


def test_no_context_left_sends_terminate(tmp_path, embedder, server):
    docs = tmp_path / "one"
    docs.mkdir()
    shutil.copy(CORPUS / "quillfern.md", docs)
    server.add_replies("UPDATE CONTEXT")
    proxy = make_proxy(tmp_path, embedder, docs_path=str(docs), chunk_token_size=2000)
    assistant = make_assistant(server)
    result = proxy.initiate_chat(assistant, message=proxy.message_generator, problem="Quillfern tea?", n_results=5)
    assert result.chat_history[-1]["content"] == "TERMINATE"
    assert len(server.requests) == 1


def test_customized_prompt_and_task_prompts(tmp_path, embedder, server):
    server.add_replies("Fourteen months.")
    proxy = make_proxy(tmp_path, embedder, customized_prompt="QUESTION={input_question}\nCONTEXT={input_context}")
    proxy.initiate_chat(make_assistant(server), message=proxy.message_generator, problem=CHEESE_Q, n_results=2)
    prompt = prompt_of(server.requests[0])
    assert prompt.startswith(f"QUESTION={CHEESE_Q}\nCONTEXT=")
    assert "fourteen months" in prompt and UPDATE_CONTEXT_IN_PROMPT not in prompt

    for task, marker in (("code", "coding assistant"), ("qa", "as briefly as possible")):
        qa = make_proxy(tmp_path / task, embedder, task=task)
        message = RetrieveUserProxyAgent.message_generator(qa, None, {"problem": CHEESE_Q, "n_results": 1})
        assert marker in message and "Context sources" not in message
    with pytest.raises(ValueError, match="task"):
        make_proxy(tmp_path, embedder, task="poetry")


def test_customized_answer_prefix_triggers_update_until_present(tmp_path, embedder, server):
    server.add_replies("I think it is a year.", "ANSWER: fourteen months")
    proxy = make_proxy(tmp_path, embedder, customized_answer_prefix="answer:")
    proxy.initiate_chat(make_assistant(server), message=proxy.message_generator, problem=CHEESE_Q, n_results=1)
    assert len(server.requests) == 2
    assert [m["role"] for m in server.requests[1].messages] == ["system", "user"]
    # the second context keeps every doc gathered so far
    assert proxy._doc_contents[0] in prompt_of(server.requests[1])


def test_default_termination_rules(tmp_path, embedder):
    proxy = make_proxy(tmp_path, embedder)
    assert proxy._is_termination_msg({"content": "Fourteen months."})
    assert not proxy._is_termination_msg({"content": "```python\nprint('x')\n```"})
    assert not proxy._is_termination_msg({"content": "Sorry. UPDATE CONTEXT"})
    assert proxy._is_termination_msg({"content": f"You said: {UPDATE_CONTEXT_IN_PROMPT}. OK"})
    assert not proxy._is_termination_msg({"content": None, "tool_calls": []})
    assert "{input_question}" in PROMPT_DEFAULT and "{input_sources}" in PROMPT_DEFAULT


def test_human_typed_update_context_is_replaced_by_a_new_prompt(tmp_path, embedder, server, stream):
    stream.inputs = ["UPDATE CONTEXT", "exit"]
    server.add_replies("Is it a year?", "Fourteen months.")
    proxy = make_proxy(tmp_path, embedder, update_context=False)
    proxy.human_input_mode = "ALWAYS"
    proxy.initiate_chat(make_assistant(server), message=proxy.message_generator, problem=CHEESE_Q, n_results=1)
    sent = prompt_of(server.requests[1])
    assert sent != "UPDATE CONTEXT" and CHEESE_Q in sent  # the hook turned it into a fresh context prompt


def test_reingesting_adds_no_duplicates_and_a_new_file_adds_only_its_chunks(tmp_path, embedder):
    docs = tmp_path / "docs"
    shutil.copytree(CORPUS, docs)
    first = make_proxy(tmp_path, embedder, docs_path=str(docs), get_or_create=True)
    first.retrieve_docs("ferry", 3)
    stored = first._vector_db.get_docs_by_ids(collection_name="corpus")
    assert first.indexing_report["inserted"] == len(stored) > 12

    again = make_proxy(tmp_path, embedder, docs_path=str(docs), get_or_create=True)
    again.retrieve_docs("ferry", 3)
    assert again.indexing_report["inserted"] == 0
    assert len(again._vector_db.get_docs_by_ids(collection_name="corpus")) == len(stored)

    (docs / "new_topic.md").write_text(
        "# Marrow Lighthouse\n\nThe Marrow lighthouse flashes green twice every ten seconds."
    )
    third = make_proxy(tmp_path, embedder, docs_path=str(docs), get_or_create=True)
    third.retrieve_docs("Which colour does the lighthouse flash?", 1)
    assert third.indexing_report["inserted"] == 1
    assert len(third._vector_db.get_docs_by_ids(collection_name="corpus")) == len(stored) + 1
    assert "flashes green" in third._results[0][0][0]["content"]


def test_user_embedding_function_is_used_for_an_existing_collection(tmp_path, embedder):
    calls = []

    def counting(texts):
        calls.append(len(texts))
        return embedder(texts)

    make_proxy(tmp_path, embedder, get_or_create=True).retrieve_docs("ferry", 1)
    reuse = make_proxy(tmp_path, counting, docs_path=None)
    reuse.retrieve_docs("How often do ferries sail in summer?", 2)
    assert calls == [1]  # the query went through the user's function
    assert "ninety minutes" in reuse._results[0][0][0]["content"]


def test_qdrant_backend_and_vector_db_instance(tmp_path, embedder, server):
    server.add_replies("Every ninety minutes.")
    proxy = make_proxy(tmp_path, embedder, vector_db="qdrant", db_config={})
    assert isinstance(proxy._vector_db, QdrantVectorDB)
    proxy.initiate_chat(
        make_assistant(server), message=proxy.message_generator, problem="Summer ferry frequency?", n_results=2
    )
    assert "ninety minutes" in prompt_of(server.requests[0])

    db = ChromaVectorDB(path=str(tmp_path / "inst"), embedding_function=embedder)
    inst = make_proxy(tmp_path, embedder, vector_db=db)
    inst.retrieve_docs("Where do the beetles overwinter?", 2)
    assert inst._client is db.client
    assert "Ashby woods" in inst._results[0][0][0]["content"]
    with pytest.raises(TypeError, match="VectorDB protocol"):
        make_proxy(tmp_path, embedder, vector_db=object())


def test_legacy_client_path_without_vector_db(tmp_path, embedder, server):
    import chromadb
    from chromadb.config import Settings

    client = chromadb.PersistentClient(path=str(tmp_path / "legacy"), settings=Settings(anonymized_telemetry=False))
    server.add_replies("Fourteen months.")
    proxy = make_proxy(tmp_path, embedder, vector_db=None, client=client)
    proxy.initiate_chat(make_assistant(server), message=proxy.message_generator, problem=CHEESE_Q, n_results=2)
    assert "fourteen months" in prompt_of(server.requests[0])
    assert client.get_collection("corpus").count() > 12


def test_overriding_retrieve_docs_with_self_results(server):
    class MyProxy(RetrieveUserProxyAgent):
        def retrieve_docs(self, problem, n_results=20, search_string="", **kwargs):
            self._results = [
                [({"id": "k1", "content": "The secret code is 4417.", "metadata": {"source": "vault"}}, 0.1)]
            ]

    server.add_replies("4417")
    proxy = MyProxy(
        name="p",
        human_input_mode="NEVER",
        code_execution_config=False,
        retrieve_config={"docs_path": None, "vector_db": None},
    )
    proxy.initiate_chat(make_assistant(server), message=proxy.message_generator, problem="What is the code?")
    prompt = prompt_of(server.requests[0])
    assert "The secret code is 4417." in prompt and "vault" in prompt


def test_context_budget_skips_docs_that_are_too_long(server):
    class MyProxy(RetrieveUserProxyAgent):
        def retrieve_docs(self, problem, n_results=20, search_string="", **kwargs):
            self._results = [
                [
                    ({"id": "big", "content": "word " * 500}, 0.1),
                    ({"id": "small", "content": "Short fact one."}, 0.2),
                    ({"id": "small2", "content": "Short fact two."}, 0.3),
                ]
            ]

    proxy = MyProxy(
        name="p",
        human_input_mode="NEVER",
        retrieve_config={"docs_path": None, "vector_db": None, "context_max_tokens": 50},
    )
    message = RetrieveUserProxyAgent.message_generator(proxy, None, {"problem": "facts?", "n_results": 5})
    assert "Short fact one." in message and "Short fact two." in message and "word word" not in message


def test_bad_inputs_give_clear_errors(tmp_path, embedder, closed_port, caplog):
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ValueError, match="no readable document"):
        make_proxy(tmp_path, embedder, docs_path=str(empty)).retrieve_docs("x", 1)
    with pytest.raises(ValueError, match="does not exist"):
        make_proxy(tmp_path, embedder, docs_path=None, collection_name="missing-one").retrieve_docs("x", 1)
    with pytest.raises(ValueError, match="db_config"):
        make_proxy(tmp_path, embedder, db_config=["not", "a", "dict"])
    down = make_proxy(
        tmp_path,
        embedder,
        vector_db="qdrant",
        db_config={"url": f"http://127.0.0.1:{closed_port}", "timeout": 2, "check_compatibility": False},
    )
    with pytest.raises(ConnectionError, match="not reachable"):
        down.retrieve_docs("x", 1)


def test_corrupt_file_is_skipped_and_the_rest_indexed(tmp_path, embedder, caplog):
    docs = tmp_path / "mixed"
    docs.mkdir()
    shutil.copy(CORPUS / "kelpie_ferry.md", docs)
    (docs / "scan.pdf").write_bytes(b"%PDF-1.7 definitely broken")
    proxy = make_proxy(tmp_path, embedder, docs_path=str(docs))
    with caplog.at_level(logging.WARNING):
        proxy.retrieve_docs("Can I bring my bicycle?", 1)
    assert "scan.pdf" in caplog.text
    assert [p for p, _ in proxy.indexing_report["skipped_files"]] == [str(docs / "scan.pdf")]
    assert "Bicycles travel free" in proxy._results[0][0][0]["content"]


def test_dimension_mismatch_on_an_existing_collection_keeps_what_was_indexed(tmp_path, embedder):
    make_proxy(tmp_path, embedder, get_or_create=True).retrieve_docs("ferry", 1)
    db = ChromaVectorDB(path=str(tmp_path / "chroma"), embedding_function=embedder)
    before = len(db.get_docs_by_ids(collection_name="corpus"))
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "new.md").write_text("A brand new document about lighthouses and their lamps.")
    small = make_proxy(tmp_path, lambda texts: [[0.5] * 8 for _ in texts], docs_path=str(extra), get_or_create=True)
    with pytest.raises(ValueError, match="384-dimensional .* 8-dimensional"):
        small.retrieve_docs("lighthouse", 1)
    assert len(db.get_docs_by_ids(collection_name="corpus")) == before


def test_run_code_refuses_installs_and_shell():
    proxy = RetrieveUserProxyAgent(
        name="p", human_input_mode="NEVER", retrieve_config={"docs_path": None, "vector_db": None}
    )
    for code, lang in (("pip install numpy", "sh"), ("!ls", "python"), ("echo hi", "bash")):
        exitcode, log, _ = proxy.run_code(code, lang=lang)
        assert exitcode == 0 and "MUST NOT install" in log


def test_get_max_tokens():
    assert RetrieveUserProxyAgent.get_max_tokens("gpt-4-32k") == 32000
    assert RetrieveUserProxyAgent.get_max_tokens("gpt-3.5-turbo-16k") == 16000
    assert RetrieveUserProxyAgent.get_max_tokens("gpt-4") == 8000
    assert RetrieveUserProxyAgent.get_max_tokens("llama") == 4000


async def test_async_chat_works_the_same(tmp_path, embedder, server):
    server.add_replies("UPDATE CONTEXT", "Fourteen months.")
    proxy, assistant = make_proxy(tmp_path, embedder), make_assistant(server)
    await proxy.a_initiate_chat(assistant, message=proxy.message_generator, problem=CHEESE_Q, n_results=1)
    assert len(server.requests) == 2
    assert [m["role"] for m in server.requests[1].messages] == ["system", "user"]
