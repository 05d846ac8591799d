"""Chunking: token budgets, modes, empty-line breaks, overlap, custom splitters, metadata, streaming."""

from __future__ import annotations

import itertools
import tracemalloc

import pytest

from autogen.retrieve import iter_file_chunks, split_files_to_chunks, split_text_to_chunks
from autogen.retrieve.chunking import chunk_id, chunk_lines
from autogen.token_count_utils import count_token

LINES = [f"line {i} talks about topic number {i}" for i in range(30)]
TEXT = "\n".join(LINES)


def test_multi_lines_chunks_respect_the_token_budget_and_keep_every_line():
    chunks = split_text_to_chunks(TEXT, max_tokens=40)
    assert len(chunks) > 1
    assert all(count_token(c) <= 40 + 5 for c in chunks)  # joined newlines may add a token or two
    assert "\n".join(chunks).split("\n") == LINES


def test_small_text_is_one_chunk_and_tiny_chunks_are_dropped():
    assert split_text_to_chunks("A short paragraph.") == ["A short paragraph."]
    assert split_text_to_chunks("abc") == []  # shorter than RAG_MINIMUM_MESSAGE_LENGTH


def test_breaks_fall_on_empty_lines_when_asked():
    text = "Para one first line.\nPara one second line.\n\nPara two first line.\nPara two second line.\n\nPara three."
    chunks = split_text_to_chunks(text, max_tokens=16, must_break_at_empty_line=True)
    assert chunks[0] == "Para one first line.\nPara one second line."
    assert chunks[1].startswith("Para two first line.")
    loose = split_text_to_chunks(text, max_tokens=16, must_break_at_empty_line=False)
    assert loose[0].endswith("Para two first line.")  # without the rule, the cut falls mid-paragraph


def test_one_line_mode_gives_one_chunk_per_line():
    assert split_text_to_chunks("first line here\nsecond line here\n\nthird line here", chunk_mode="one_line") == [
        "first line here",
        "second line here",
        "third line here",
    ]


def test_overlap_repeats_the_last_lines_of_the_previous_chunk():
    chunks = split_text_to_chunks(TEXT, max_tokens=40, must_break_at_empty_line=False, overlap=1)
    for prev, nxt in itertools.pairwise(chunks):
        assert nxt.split("\n")[0] == prev.split("\n")[-1]
    assert "\n".join(dict.fromkeys("\n".join(chunks).split("\n"))).split("\n") == LINES


def test_overlong_single_line_is_split_by_characters():
    line = "word " * 400
    chunks = split_text_to_chunks(line, max_tokens=50)
    assert len(chunks) >= 8
    assert all(count_token(c) <= 50 for c in chunks)
    assert "".join(chunks).replace(" ", "") == line.replace(" ", "")


def test_invalid_arguments_are_rejected():
    with pytest.raises(ValueError, match="chunk_mode"):
        split_text_to_chunks(TEXT, chunk_mode="paragraphs")
    with pytest.raises(AssertionError):  # what ag2 raised
        split_text_to_chunks(TEXT, chunk_mode="paragraphs")
    with pytest.raises(ValueError, match="max_tokens"):
        split_text_to_chunks(TEXT, max_tokens=0)


def test_file_chunks_carry_source_and_position(tmp_path):
    path = tmp_path / "doc.md"
    path.write_text("Intro line one.\nIntro line two.\n\n" + "\n".join(LINES))
    chunks, metas = split_files_to_chunks([str(path)], max_tokens=40)
    assert len(chunks) == len(metas) > 1
    assert all(m["source"] == str(path) for m in metas)
    assert [m["chunk_index"] for m in metas] == list(range(len(chunks)))
    assert metas[0]["start_line"] == 1
    lines = path.read_text().split("\n")
    for chunk, meta in zip(chunks, metas):
        assert chunk == "\n".join(lines[meta["start_line"] - 1 : meta["end_line"]]).strip()


def test_custom_split_function_and_url_sources(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("alpha beta; gamma delta; epsilon zeta")
    chunks, metas = split_files_to_chunks(
        [(str(path), "http://127.0.0.1/notes.txt")],
        custom_text_split_function=lambda t: [p.strip() for p in t.split(";")],
    )
    assert chunks == ["alpha beta", "gamma delta", "epsilon zeta"]
    assert {m["source"] for m in metas} == {"http://127.0.0.1/notes.txt"}


def test_empty_file_is_skipped(tmp_path, caplog):
    (tmp_path / "empty.txt").write_text("   \n\n")
    assert split_files_to_chunks([str(tmp_path / "empty.txt")]) == ([], [])
    assert "empty.txt" in caplog.text


def test_chunk_ids_are_content_hashes():
    assert chunk_id("same text") == chunk_id("same text")
    assert chunk_id("same text") != chunk_id("other text")
    assert len(chunk_id("x")) == 16


def test_large_file_is_chunked_without_loading_it_whole(tmp_path):
    # ~6 MB file; reading it whole would allocate at least that much in Python objects.
    path = tmp_path / "big.log"
    line = "2024-01-01 12:00:00 INFO the service handled a request for user %06d in 12 ms\n"
    with open(path, "w") as f:
        f.writelines(line % i for i in range(80_000))
    size = path.stat().st_size

    def cheap_count(text: str) -> int:
        return len(text) // 4 + 1

    tracemalloc.start()
    count = 0
    first = None
    for chunk in iter_file_chunks([str(path)], max_tokens=2000, token_counter=cheap_count):
        count += 1
        first = first or chunk.metadata
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert count > 100
    assert first["start_line"] == 1
    assert peak < size / 4, f"peak {peak} bytes for a {size}-byte file: the file was not streamed"


def test_chunk_lines_accepts_any_iterator():
    produced = list(chunk_lines(iter(["first line of text", "", "second line of text"]), max_tokens=5))
    assert [(c, s, e) for c, s, e in produced] == [("first line of text", 1, 1), ("second line of text", 3, 3)]
