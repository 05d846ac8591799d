"""CaptainAgent's information-retrieval library functions, loaded by path as the tool library loads them.

The web-service ones run against a local site (their endpoints are overridable by environment variable);
the PDF one on a PDF made here. The model-based ones (image_qa, optical_character_recognition,
transcribe_audio_file) need packages and model downloads that cannot run here: only their missing-package
error is checked when the package is absent.
"""

import importlib.util
import json
from pathlib import Path

import pytest
from _local_site import LocalSite

from autogen.agentchat.contrib.captainagent import tool_retriever

TOOLS_DIR = Path(tool_retriever.__file__).parent / "tools"
RETRIEVAL_DIR = TOOLS_DIR / "information_retrieval"


def load(name: str):
    return getattr(tool_retriever._load_module(str(RETRIEVAL_DIR / f"{name}.py")), name)


@pytest.fixture
def services():
    bing = {
        "webPages": {
            "value": [
                {"name": "Herons", "url": "https://example.org/herons", "snippet": "Wading birds."},
                {"name": "Egrets", "url": "https://example.org/egrets", "snippet": "White herons."},
            ]
        }
    }
    routes = {
        "/bing": ("application/json", json.dumps(bing).encode()),
        "/transcript": ("application/json", json.dumps({"transcript": "hello from the video"}).encode()),
        "/mp3": ("application/json", json.dumps({"link": "https://cdn.example.org/a.mp3"}).encode()),
        "/mp3-missing": ("application/json", json.dumps({"error": "not found"}).encode()),
    }
    with LocalSite(routes) as site:
        yield site


def test_library_lists_every_retrieval_function() -> None:
    names = {f.__name__ for f in tool_retriever.find_callables(str(RETRIEVAL_DIR))}
    assert names == {
        "arxiv_download",
        "arxiv_search",
        "extract_pdf_image",
        "extract_pdf_text",
        "get_wikipedia_text",
        "get_youtube_caption",
        "image_qa",
        "optical_character_recognition",
        "perform_web_search",
        "scrape_wikipedia_tables",
        "transcribe_audio_file",
        "youtube_download",
    }
    description = tool_retriever.get_full_tool_description(str(RETRIEVAL_DIR / "perform_web_search.py"))
    assert description.startswith('def perform_web_search(query, count=10, offset=0):\n    """Perform a web search')


def test_perform_web_search(services: LocalSite, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.setenv("BING_API_KEY", "bing-key")
    monkeypatch.setenv("BING_SEARCH_URL", services.url("/bing"))
    hits = load("perform_web_search")("grey heron", count=2, offset=4)
    assert [h["name"] for h in hits] == ["Herons", "Egrets"]
    sent = services.requests[-1]
    assert sent.query == {"q": "grey heron", "count": "2", "offset": "4"}
    assert sent.headers["Ocp-Apim-Subscription-Key"] == "bing-key"
    assert capsys.readouterr().out.startswith("Search Result 1:\nHerons\nhttps://example.org/herons\nWading birds.\n")


def test_perform_web_search_needs_a_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BING_API_KEY", raising=False)
    with pytest.raises(ValueError, match="Bing API key not found"):
        load("perform_web_search")("anything")


def test_get_youtube_caption(services: LocalSite, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RAPID_API_KEY", "rk")
    monkeypatch.setenv("YOUTUBE_TRANSCRIPT_API_URL", services.url("/transcript"))
    assert load("get_youtube_caption")("abc123") == "hello from the video"
    sent = services.requests[-1]
    assert sent.query == {"url": "https://www.youtube.com/watch?v=abc123", "lang": "en", "flat_text": "true"}
    assert sent.headers["X-RapidAPI-Key"] == "rk"
    monkeypatch.delenv("RAPID_API_KEY")
    with pytest.raises(KeyError):
        load("get_youtube_caption")("abc123")


def test_youtube_download(services: LocalSite, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.setenv("RAPIDAPI_KEY", "rk")
    monkeypatch.setenv("YOUTUBE_MP3_API_URL", services.url("/mp3"))
    download = load("youtube_download")
    assert download("https://www.youtube.com/watch?v=abc") == "https://cdn.example.org/a.mp3"
    assert services.requests[-1].query == {"url": "https://www.youtube.com/watch?v=abc"}
    monkeypatch.setenv("YOUTUBE_MP3_API_URL", services.url("/mp3-missing"))
    assert download("https://www.youtube.com/watch?v=zzz") is None
    assert "Error: Unable to retrieve download link." in capsys.readouterr().out


def test_extract_pdf_image(tmp_path: Path) -> None:
    pytest.importorskip("pypdf")
    image_module = pytest.importorskip("PIL.Image")
    red = image_module.new("RGB", (8, 6), (255, 0, 0))
    blue = image_module.new("RGB", (5, 5), (0, 0, 255))
    pdf = tmp_path / "doc.pdf"
    red.save(pdf, save_all=True, append_images=[blue])

    extract = load("extract_pdf_image")
    saved = extract(str(pdf), str(tmp_path / "all"))
    assert [Path(p).name for p in saved] == ["image_0.png", "image_1.png"]
    with image_module.open(saved[1]) as second:
        assert second.size == (5, 5)
    only_second = extract(str(pdf), str(tmp_path / "p2"), page_number=2)
    with image_module.open(only_second[0]) as img:
        assert len(only_second) == 1 and img.size == (5, 5)


@pytest.mark.parametrize(
    ("name", "module", "args"),
    [
        ("image_qa", "transformers", ("img.png", "What is it?")),
        ("optical_character_recognition", "easyocr", ("img.png",)),
        ("transcribe_audio_file", "whisper", ("a.wav",)),
    ],
)
def test_model_tools_name_their_missing_package(name: str, module: str, args: tuple) -> None:
    if importlib.util.find_spec(module) is not None:
        pytest.skip(f"{module} is installed; running it needs a model download, which cannot run here")
    with pytest.raises(ModuleNotFoundError):
        load(name)(*args)
