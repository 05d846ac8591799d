"""`RetrieveUserProxyAgent`: a user proxy that answers with retrieved document chunks (retrieval-augmented chat).

Start a chat with ``message=RetrieveUserProxyAgent.message_generator`` and ``problem="..."``: the proxy
retrieves the chunks nearest to the problem, puts as many as fit in the token budget into a prompt,
and sends it. When the assistant replies ``UPDATE CONTEXT`` (or omits the required answer prefix),
the proxy fetches the next chunks, clears both chat histories and asks again.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any, Literal

from ...io.base import IOStream
from ...retrieve.chunking import iter_file_chunks
from ...retrieve.documents import TEXT_FORMATS, get_files_from_dir
from ...retrieve.vectordb.base import Document, QueryResults, VectorDB
from ...retrieve.vectordb.factory import VectorDBFactory
from ...retrieve.vectordb.utils import chroma_results_to_query_results, filter_results_by_distance
from ...token_count_utils import count_token
from ..agent import Agent
from ..user_proxy_agent import UserProxyAgent

__all__ = [
    "PROMPT_CODE",
    "PROMPT_DEFAULT",
    "PROMPT_QA",
    "UPDATE_CONTEXT_IN_PROMPT",
    "RetrieveUserProxyAgent",
]

logger = logging.getLogger(__name__)

UPDATE_CONTEXT_IN_PROMPT = "reply with exactly `UPDATE CONTEXT` and nothing else"
"""The prompts' own instruction sentence; a message quoting it is not a request for more context."""

_CODE_RULES = """When the user wants code, follow these rules:
Rule 1. Do NOT install any package: everything needed is already installed.
Rule 2. Put all code in fenced blocks that name the language:
```language
# your code
```
"""

PROMPT_DEFAULT = (
    """You are a chatbot that answers with the help of retrieved documents. Use the context below together with
what you already know. First decide whether the user wants code written or a question answered, then reply
accordingly.
If neither the context nor your own knowledge lets you answer, """
    + UPDATE_CONTEXT_IN_PROMPT
    + """.
"""
    + _CODE_RULES
    + """When the user asks a question, answer as briefly as possible.

The user's question: {input_question}

Context: {input_context}

Context sources: {input_sources}

When you can answer, end your reply with the sources you used, as `Sources: source1, source2, ...`.
"""
)

PROMPT_CODE = (
    """You are a coding assistant that works with retrieved documents. Use the context below together with what
you already know.
If neither the context nor your own knowledge lets you answer, """
    + UPDATE_CONTEXT_IN_PROMPT
    + """.
"""
    + _CODE_RULES
    + """
The user's question: {input_question}

Context: {input_context}
"""
)

PROMPT_QA = (
    """You are a chatbot that answers with the help of retrieved documents. Use the context below together with
what you already know.
If neither the context nor your own knowledge lets you answer, """
    + UPDATE_CONTEXT_IN_PROMPT
    + """.
Answer as briefly as possible.

The user's question: {input_question}

Context: {input_context}
"""
)

_TASKS = ("code", "qa", "default")
_INSERT_BATCH = 1000


def _say(text: str, color: str = "green") -> None:
    try:
        from termcolor import colored

        text = colored(text, color)
    except ImportError:  # pragma: no cover - termcolor is a core dependency
        pass
    IOStream.get_default().print(text, flush=True)


def _content_text(message: Any) -> str:
    if isinstance(message, dict):
        message = message.get("content")
    if message is None:
        return ""
    if isinstance(message, str):
        return message
    from ...code_utils import content_str

    try:
        return content_str(message)
    except (TypeError, ValueError):
        return ""


class RetrieveUserProxyAgent(UserProxyAgent):
    """A user proxy that retrieves document chunks related to the problem and sends them with it.

    ``retrieve_config`` keys (all optional): ``task`` ("default" | "code" | "qa"), ``vector_db`` (a backend
    name for `VectorDBFactory` or a `VectorDB` instance; None = the legacy chroma ``client`` path),
    ``db_config``, ``client``, ``docs_path``, ``extra_docs``, ``new_docs``, ``model``, ``chunk_token_size``,
    ``context_max_tokens``, ``chunk_mode``, ``must_break_at_empty_line``, ``embedding_model``,
    ``embedding_function``, ``customized_prompt``, ``customized_answer_prefix``, ``update_context``,
    ``collection_name``, ``get_or_create``, ``overwrite``, ``custom_token_count_function``,
    ``custom_text_split_function``, ``custom_text_types``, ``recursive``, ``distance_threshold``.
    ``n_results`` is not a config key: pass it to ``initiate_chat`` with ``problem``.

    To plug in another store, override ``retrieve_docs(problem, n_results, search_string)`` and set
    ``self._results`` to a `QueryResults` (one list per query of ``(Document, distance)`` pairs).
    """

    def __init__(
        self,
        name: str = "RetrieveChatAgent",
        human_input_mode: Literal["ALWAYS", "NEVER", "TERMINATE"] = "ALWAYS",
        is_termination_msg: Callable[[dict[str, Any]], bool] | None = None,
        retrieve_config: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(name=name, human_input_mode=human_input_mode, is_termination_msg=is_termination_msg, **kwargs)
        config = dict(retrieve_config or {})
        self._retrieve_config = config
        self._task = str(config.get("task", "default"))
        if self._task.lower() not in _TASKS:
            raise ValueError(f"retrieve_config['task'] must be one of {_TASKS}, not {self._task!r}.")
        self._vector_db: Any = config.get("vector_db", "chroma")
        self._db_config = config.get("db_config", {})
        self._docs_path = config.get("docs_path", None)
        self._extra_docs = config.get("extra_docs", False)
        self._new_docs = config.get("new_docs", True)
        self._collection_name = config.get("collection_name", "ag2-docs")
        if "docs_path" not in config:
            logger.warning(
                "docs_path is not given in retrieve_config: the collection '%s' must already exist (a ValueError "
                "follows otherwise). Set docs_path=None to silence this warning.",
                self._collection_name,
            )
        self._model = config.get("model", "gpt-4")
        self._max_tokens = self.get_max_tokens(self._model)
        self._chunk_token_size = int(config.get("chunk_token_size", self._max_tokens * 0.4))
        self._chunk_mode = config.get("chunk_mode", "multi_lines")
        self._must_break_at_empty_line = config.get("must_break_at_empty_line", True)
        self._embedding_model = config.get("embedding_model", "all-MiniLM-L6-v2")
        self._embedding_function = config.get("embedding_function", None)
        self.customized_prompt = config.get("customized_prompt", None)
        self.customized_answer_prefix = str(config.get("customized_answer_prefix", "") or "").upper()
        self.update_context = config.get("update_context", True)
        self._get_or_create = config.get("get_or_create", False) if self._docs_path is not None else True
        self._overwrite = config.get("overwrite", False)
        self.custom_token_count_function = config.get("custom_token_count_function", count_token)
        self.custom_text_split_function = config.get("custom_text_split_function", None)
        self._custom_text_types = config.get("custom_text_types", TEXT_FORMATS)
        self._recursive = config.get("recursive", True)
        self._context_max_tokens = config.get("context_max_tokens", self._max_tokens * 0.8)
        self._distance_threshold = config.get("distance_threshold", -1)
        self._collection = self._docs_path is None  # True once the collection is known to exist
        self._ipython: Any = None
        self._doc_idx = -1  # index (in the current results) of the last doc put in a context
        self._results: QueryResults = []  # results of the latest query; see the class docstring
        self._intermediate_answers: set[str] = set()
        self._doc_contents: list[str] = []  # every doc content used in this chat so far
        self._doc_ids: list[Any] = []  # ids of every doc used in this chat so far
        self._current_docs_in_context: list[str] = []  # sources of the docs in the latest context
        self._search_string = ""
        self.problem = ""
        self.n_results = 20
        self.indexing_report: dict[str, Any] = {}
        if is_termination_msg is None:
            self._is_termination_msg = self._is_termination_msg_retrievechat

        if isinstance(self._vector_db, str):
            if not isinstance(self._db_config, dict):
                raise ValueError(  # noqa: TRY004 - the original raised ValueError here
                    "retrieve_config['db_config'] must be a dict of arguments for the vector database."
                )
            db_config = dict(self._db_config)
            if "embedding_function" in config:
                db_config["embedding_function"] = self._embedding_function
            elif "embedding_model" in config and "embedding_function" not in db_config:
                # A model named explicitly: the built-in ONNX one for all-MiniLM-L6-v2, else sentence-transformers.
                from ...retrieve.embeddings import get_embedding_function

                db_config["embedding_function"] = get_embedding_function(self._embedding_model)
            self._vector_db = VectorDBFactory.create_vector_db(db_type=self._vector_db, **db_config)
        elif self._vector_db is not None and not isinstance(self._vector_db, VectorDB):
            raise TypeError(
                "retrieve_config['vector_db'] must be a backend name (e.g. 'chroma', 'qdrant', 'pgvector') or an "
                f"object implementing the VectorDB protocol, not {type(self._vector_db).__name__}."
            )
        elif self._vector_db is not None and "embedding_function" in config and self._embedding_function is not None:
            # A user embedding function always wins, also over the one a ready-made backend was built with.
            self._vector_db.embedding_function = self._embedding_function
        self._client = config.get("client", None)
        if self._client is None and self._vector_db is not None:
            self._client = getattr(self._vector_db, "client", None)

        self.register_reply(Agent, RetrieveUserProxyAgent._generate_retrieve_user_reply, position=2)
        self.register_hook(hookable_method="process_message_before_send", hook=self._check_update_context_before_send)

    # ------------------------------------------------------------------ indexing

    def _legacy_client(self) -> Any:
        if self._client is None:
            from ...import_utils import optional_import

            chromadb = optional_import("chromadb", "retrievechat", feature="RetrieveUserProxyAgent (vector_db=None)")
            from chromadb.config import Settings

            self._client = chromadb.Client(Settings(anonymized_telemetry=False, allow_reset=True))
        return self._client

    def _init_db(self) -> None:
        """Create or open the collection and index the documents of ``docs_path`` that it does not hold yet."""
        db = self._vector_db
        if not db:
            return
        is_to_chunk = True
        if not self._docs_path:
            try:
                db.get_collection(self._collection_name)
            except ValueError as e:
                raise ValueError(
                    f"docs_path is not given and the collection '{self._collection_name}' does not exist. Give "
                    "docs_path (a folder, file, URL or list of them) or create the collection first."
                ) from e
            logger.warning("docs_path is not given; using the existing collection '%s'.", self._collection_name)
            self._overwrite = False
            self._get_or_create = True
            is_to_chunk = False
        elif self._get_or_create and not self._overwrite and not self._new_docs:
            try:
                db.get_collection(self._collection_name)
                is_to_chunk = False  # the collection exists and we were told not to look for new docs
            except ValueError:
                pass

        db.active_collection = db.create_collection(
            self._collection_name, overwrite=self._overwrite, get_or_create=self._get_or_create
        )
        if is_to_chunk:
            self._index_docs(db)

    def _chunk_source(self, skipped: list[tuple[str, str]]) -> Any:
        files = get_files_from_dir(self._docs_path, self._custom_text_types, self._recursive)
        if not files:
            logger.warning("No documents found in docs_path %s.", self._docs_path)
        return iter_file_chunks(
            files,
            self._chunk_token_size,
            self._chunk_mode,
            self._must_break_at_empty_line,
            custom_text_split_function=self.custom_text_split_function,
            skipped=skipped,
        )

    def _index_docs(self, db: VectorDB) -> None:
        # Stream: chunk, look up which ids are new, embed and insert one batch at a time, so a huge
        # corpus never sits in memory and what was indexed before a failure stays indexed.
        skipped: list[tuple[str, str]] = []
        seen: set[str] = set()
        produced = inserted = 0
        batch: list[Document] = []

        def flush() -> int:
            if not batch:
                return 0
            docs = batch
            if self._new_docs:
                stored = db.get_docs_by_ids(ids=[d["id"] for d in docs], collection_name=self._collection_name)
                known = {str(d["id"]) for d in stored}
                docs = [d for d in docs if str(d["id"]) not in known]
            if docs:
                db.insert_docs(docs=docs, collection_name=self._collection_name, upsert=True)
            return len(docs)

        for chunk in self._chunk_source(skipped):
            produced += 1
            doc_id = chunk.id
            if doc_id in seen:
                continue
            seen.add(doc_id)
            batch.append(Document(id=doc_id, content=chunk.content, metadata=chunk.metadata))
            if len(batch) >= _INSERT_BATCH:
                inserted += flush()
                batch = []
        inserted += flush()
        self.indexing_report = {"chunks": produced, "inserted": inserted, "skipped_files": skipped}
        logger.info("Found %d chunks; inserted %d new ones into '%s'.", produced, inserted, self._collection_name)
        if produced == 0 and not db.get_docs_by_ids(ids=None, collection_name=self._collection_name):
            raise ValueError(
                f"Nothing to retrieve from: docs_path {self._docs_path!r} has no readable document (types "
                f"{list(self._custom_text_types)[:8]}...) and the collection '{self._collection_name}' is empty."
            )

    # ------------------------------------------------------------------ termination and update-context checks

    def _is_termination_msg_retrievechat(self, message: dict[str, Any] | str) -> bool:
        """Stop when the reply has no python code block and does not ask for more context."""
        from ...code_utils import extract_code

        if isinstance(message, dict) and message.get("content") is None:
            return False
        text = _content_text(message)
        has_code = any(lang == "python" for lang, _ in extract_code(text))
        case1, case2 = self._check_update_context(text)
        return not (has_code or case1 or case2)

    def _check_update_context(self, message: dict[str, Any] | str | None) -> tuple[bool, bool]:
        """(asks for UPDATE CONTEXT, lacks the required answer prefix)."""
        text = _content_text(message)
        case1 = "UPDATE CONTEXT" in text.upper() and UPDATE_CONTEXT_IN_PROMPT not in text
        case2 = bool(self.customized_answer_prefix) and self.customized_answer_prefix not in text.upper()
        return case1, case2

    def _check_update_context_before_send(self, sender: Agent, message: Any, recipient: Agent, silent: bool) -> Any:
        """A message of exactly ``UPDATE CONTEXT`` from this proxy (typed by a human) becomes a new-context prompt."""
        if not isinstance(message, (str, dict)):
            return message
        text = message if isinstance(message, str) else message.get("content")
        if not isinstance(text, str) or text.strip().upper() != "UPDATE CONTEXT" or not self.problem:
            return message
        doc_contents = self._get_context(self._results)
        if not doc_contents:
            doc_contents = self._widen_search(self.problem, use_all=False, start=1)
        new_text = self._generate_message(doc_contents, task=self._task)
        if isinstance(message, dict):
            return {**message, "content": new_text}  # copy: the caller's dict may be stored elsewhere
        return new_text

    # ------------------------------------------------------------------ context building

    @staticmethod
    def get_max_tokens(model: str = "gpt-3.5-turbo") -> int:
        """A rough context size for ``model``, used to size chunks and the context budget."""
        if "32k" in model:
            return 32000
        if "16k" in model:
            return 16000
        if "gpt-4" in model:
            return 8000
        return 4000

    def _reset(self, intermediate: bool = False) -> None:
        self._doc_idx = -1
        self._results = []
        if not intermediate:
            self._intermediate_answers = set()
            self._doc_contents = []
            self._doc_ids = []

    def _current_results(self, results: Any) -> QueryResults:
        # A retrieve_docs override written for the old API may leave chroma's column dict here.
        if isinstance(results, dict) and "ids" in results:
            return chroma_results_to_query_results(results, "distances")
        return results or []

    def _get_context(self, results: Any) -> str:
        """Concatenate the next unused docs of ``results`` that fit in ``context_max_tokens`` (at most n_results)."""
        results = self._current_results(results)
        doc_contents = ""
        self._current_docs_in_context = []
        current_tokens = 0
        added = 0
        if not results:
            return doc_contents
        for idx, (doc, _distance) in enumerate(results[0]):
            if idx <= self._doc_idx or doc["id"] in self._doc_ids:
                continue
            tokens = self.custom_token_count_function(doc["content"], self._model)
            if tokens > self._context_max_tokens:
                _say(f"Skip doc_id {doc['id']} as it is too long to fit in the context.")
                self._doc_idx = idx
                continue
            if current_tokens + tokens > self._context_max_tokens:
                break
            _say(f"Adding content of doc {doc['id']} to context.")
            current_tokens += tokens
            doc_contents += doc["content"] + "\n"
            metadata = doc.get("metadata")
            if isinstance(metadata, dict):
                self._current_docs_in_context.append(metadata.get("source", ""))
            self._doc_idx = idx
            self._doc_ids.append(doc["id"])
            self._doc_contents.append(doc["content"])
            added += 1
            if added >= self.n_results:
                break
        return doc_contents

    def _generate_message(self, doc_contents: str, task: str = "default") -> str:
        if not doc_contents:
            _say("No more context, will terminate.")
            return "TERMINATE"
        fields = {
            "input_question": self.problem,
            "input_context": doc_contents,
            "input_sources": self._current_docs_in_context,
        }
        if self.customized_prompt:
            return self.customized_prompt.format(**fields)
        task = task.upper()
        if task == "CODE":
            return PROMPT_CODE.format(**fields)
        if task == "QA":
            return PROMPT_QA.format(**fields)
        if task == "DEFAULT":
            return PROMPT_DEFAULT.format(**fields)
        raise NotImplementedError(f"task {task} is not implemented.")

    def _widen_search(self, query: str, use_all: bool, start: int) -> str:
        """Re-query with n_results x 3, 5, 7, 9 (or x 1 first when ``start`` is 0) until new docs turn up."""
        doc_contents = ""
        for step in range(start, 5):
            wanted = self.n_results * (2 * step + 1)
            self._reset(intermediate=True)
            self.retrieve_docs(query, wanted, self._search_string)
            new_contents = self._get_context(self._results)
            doc_contents = "\n".join(self._doc_contents) if use_all else new_contents
            results = self._current_results(self._results)
            found = len(results[0]) if results else 0
            if new_contents or wanted >= found:
                break
        return doc_contents

    def _generate_retrieve_user_reply(
        self,
        messages: list[dict[str, Any]] | None = None,
        sender: Agent | None = None,
        config: Any | None = None,
    ) -> tuple[bool, str | dict[str, Any] | None]:
        """When the last reply asks for more context (or lacks the answer prefix): fetch more, reset both
        histories and reply with a fresh prompt."""
        if messages is None:
            messages = self._oai_messages[sender]  # type: ignore[index]
        if not messages or not self.update_context:
            return False, None
        message = messages[-1]
        case1, case2 = self._check_update_context(message)
        if not (case1 or case2):
            return False, None
        if not self.problem:
            logger.warning("The reply asks for more context, but no retrieval was started (use message_generator).")
            return False, None
        _say("Updating context and resetting conversation.")
        first_line = _content_text(message).split("\n")[0].strip()
        intermediate = re.split(r"(?<=[.!?])\s+", first_line)[0]
        self._intermediate_answers.add(intermediate)

        if case1:
            # Next docs of the current results first (the earlier ones may not all have fit); then widen.
            doc_contents = self._get_context(self._results)
            if not doc_contents:
                doc_contents = self._widen_search(self.problem, use_all=False, start=1)
        else:
            # Search with the partial answer, keeping every doc gathered so far in the context.
            doc_contents = self._widen_search(intermediate, use_all=True, start=0)

        self.clear_history()
        if sender is not None and hasattr(sender, "clear_history"):
            sender.clear_history()
        return True, self._generate_message(doc_contents, task=self._task)

    # ------------------------------------------------------------------ retrieval

    def retrieve_docs(self, problem: str, n_results: int = 20, search_string: str = "") -> None:
        """Retrieve the ``n_results`` chunks nearest to ``problem`` into ``self._results``.

        ``search_string`` keeps only chunks containing it (where the backend supports it: chroma).
        The collection is created and filled from ``docs_path`` on first use.
        """
        if isinstance(self._vector_db, VectorDB):
            if not self._collection or not self._get_or_create:
                _say("Trying to create collection.")
                self._init_db()
                self._collection = True
                self._get_or_create = True
            kwargs: dict[str, Any] = {}
            if getattr(self._vector_db, "type", "") == "chroma" and search_string:
                kwargs["where_document"] = {"$contains": search_string}
            results = self._vector_db.retrieve_docs(
                queries=[problem],
                n_results=n_results,
                collection_name=self._collection_name,
                distance_threshold=self._distance_threshold,
                **kwargs,
            )
            self._search_string = search_string
            self._results = results
            _say(f"VectorDB returns doc_ids: {[[r[0]['id'] for r in rr] for rr in results]}", "white")
            return

        from ...retrieve.legacy_chroma import create_vector_db_from_dir, query_vector_db

        client = self._legacy_client()
        if not self._collection or not self._get_or_create:
            _say("Trying to create collection.")
            self._client = create_vector_db_from_dir(
                dir_path=self._docs_path,
                max_tokens=self._chunk_token_size,
                client=client,
                collection_name=self._collection_name,
                chunk_mode=self._chunk_mode,
                must_break_at_empty_line=self._must_break_at_empty_line,
                embedding_model=self._embedding_model,
                get_or_create=self._get_or_create,
                embedding_function=self._embedding_function,
                custom_text_split_function=self.custom_text_split_function,
                custom_text_types=self._custom_text_types,
                recursive=self._recursive,
                extra_docs=self._extra_docs,
            )
            self._collection = True
            self._get_or_create = True
        raw = query_vector_db(
            query_texts=[problem],
            n_results=n_results,
            search_string=search_string,
            client=self._client,
            collection_name=self._collection_name,
            embedding_model=self._embedding_model,
            embedding_function=self._embedding_function,
        )
        results = filter_results_by_distance(
            chroma_results_to_query_results(raw, "distances"), self._distance_threshold
        )
        self._search_string = search_string
        self._results = results
        _say(f"doc_ids: {[[r[0]['id'] for r in rr] for rr in results]}", "white")

    @staticmethod
    def message_generator(sender: RetrieveUserProxyAgent, recipient: Agent, context: dict[str, Any]) -> str:
        """The first message of a retrieve chat: ``context`` holds ``problem``, ``n_results`` (default 20)
        and ``search_string`` (default "") — the extra kwargs given to ``initiate_chat``."""
        sender._reset()
        problem = context.get("problem", "")
        n_results = context.get("n_results", 20)
        search_string = context.get("search_string", "")
        sender.problem = problem
        sender.n_results = n_results
        sender.retrieve_docs(problem, n_results, search_string)
        doc_contents = sender._get_context(sender._results)
        return sender._generate_message(doc_contents, sender._task)

    # ------------------------------------------------------------------ code execution

    def run_code(self, code: str, **kwargs: Any) -> tuple[int, str, str | None]:
        """Refuse package installs and shell code; run python in IPython when inside IPython."""
        lang = kwargs.get("lang")
        if code.startswith(("!", "pip")) or lang in ("bash", "shell", "sh"):
            return 0, "You MUST NOT install any packages because all the packages needed are already installed.", None
        if self._ipython is None:
            try:
                from IPython import get_ipython

                self._ipython = get_ipython()
            except ImportError:
                self._ipython = None
        if self._ipython is None or lang != "python":
            return super().run_code(code, **kwargs)
        result = self._ipython.run_cell(code)
        log = str(result.result)
        exitcode = 0 if result.success else 1
        if result.error_before_exec is not None:
            log += f"\n{result.error_before_exec}"
            exitcode = 1
        if result.error_in_exec is not None:
            log += f"\n{result.error_in_exec}"
            exitcode = 1
        return exitcode, log, None
