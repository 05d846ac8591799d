"""Multimodal contrib: img_utils, MultimodalConversableAgent on every provider dialect, VisionCapability,
ImageGeneration (a custom generator and DALL-E through the openai SDK), LLaVAAgent (its worker protocol and
an OpenAI-compatible server). Images are real files made here with Pillow; every server is local."""

from __future__ import annotations

import base64
import io
import json
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

PIL = pytest.importorskip("PIL")
from PIL import Image

from autogen import ConversableAgent, GroupChat, GroupChatManager, UserProxyAgent
from autogen.agentchat.contrib import img_utils
from autogen.agentchat.contrib.capabilities.generate_images import (
    DalleImageGenerator,
    ImageGeneration,
)
from autogen.agentchat.contrib.capabilities.vision_capability import VisionCapability
from autogen.agentchat.contrib.llava_agent import LLaVAAgent, llava_call
from autogen.agentchat.contrib.multimodal_conversable_agent import MultimodalConversableAgent
from autogen.testing import FakeLLMServer
from autogen.testing.dialects import DIALECTS


def png_b64(image: Image.Image) -> str:
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue()).decode()


def pixels(image: Image.Image) -> list[Any]:
    """Size and RGB bytes: equal images give equal values."""
    rgb = image.convert("RGB")
    return [rgb.size, rgb.tobytes()]


@pytest.fixture
def red_png(tmp_path: Path) -> Path:
    path = tmp_path / "red.png"
    Image.new("RGB", (8, 6), (200, 10, 10)).save(path)
    return path


@pytest.fixture
def blue_jpg(tmp_path: Path) -> Path:
    path = tmp_path / "blue.jpg"
    Image.new("RGB", (16, 16), (0, 0, 255)).save(path)
    return path


@contextmanager
def http_server(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """A threaded HTTP server on 127.0.0.1 for the test; yields its root URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def file_server(files: dict[str, bytes]) -> Any:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = files.get(self.path)
            self.send_response(200 if body is not None else 404)
            self.send_header("Content-Length", str(len(body or b"")))
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, *args: Any) -> None:
            pass

    return http_server(Handler)


# ---------------------------------------------------------------- img_utils


def test_get_pil_image_from_every_source(red_png: Path) -> None:
    raw = red_png.read_bytes()
    b64 = base64.b64encode(raw).decode()
    expected = pixels(Image.open(red_png))
    with file_server({"/red.png": raw}) as url:
        sources = [str(red_png), f'"{red_png}"', red_png, f"data:image/png;base64,{b64}", b64, url + "/red.png"]
        for source in sources:
            image = img_utils.get_pil_image(source)
            assert image.mode == "RGB" and pixels(image) == expected, source
    image = Image.open(red_png)
    assert img_utils.get_pil_image(image) is image


@pytest.mark.parametrize("ext", ["png", "jpg", "gif", "webp", "bmp"])
def test_get_image_data_reencodes_as_png(tmp_path: Path, ext: str) -> None:
    path = tmp_path / f"img.{ext}"
    Image.new("RGB", (12, 7), (73, 109, 137)).save(path)
    data = img_utils.get_image_data(str(path))
    assert data == png_b64(Image.open(path))
    raw = img_utils.get_image_data(str(path), use_b64=False)
    assert raw.startswith(b"\x89PNG") and base64.b64encode(raw).decode() == data


def test_convert_base64_to_data_uri_reads_the_signature(tmp_path: Path) -> None:
    for fmt, mime in [("PNG", "image/png"), ("JPEG", "image/jpeg"), ("GIF", "image/gif"), ("WEBP", "image/webp")]:
        buffer = io.BytesIO()
        Image.new("RGB", (4, 4), "green").save(buffer, format=fmt)
        b64 = base64.b64encode(buffer.getvalue()).decode()
        assert img_utils.convert_base64_to_data_uri(b64) == f"data:{mime};base64,{b64}"
    unknown = base64.b64encode(b"not an image").decode()
    assert img_utils.convert_base64_to_data_uri(unknown).startswith("data:image/jpeg;base64,")


def test_pil_to_data_uri_round_trips(red_png: Path) -> None:
    uri = img_utils.pil_to_data_uri(Image.open(red_png))
    assert uri.startswith("data:image/png;base64,")
    assert pixels(img_utils.get_pil_image(uri)) == pixels(Image.open(red_png))


def test_gpt4v_formatter_formats(red_png: Path, blue_jpg: Path) -> None:
    prompt = f"First <img {red_png}> then <img {blue_jpg}>."
    uri = img_utils.gpt4v_formatter(prompt)
    assert [p["type"] for p in uri] == ["text", "image_url", "text", "image_url", "text"]
    assert [p["text"] for p in uri if p["type"] == "text"] == ["First ", " then ", "."]
    assert uri[1]["image_url"]["url"] == "data:image/png;base64," + png_b64(Image.open(red_png))
    url = img_utils.gpt4v_formatter(prompt, img_format="url")
    assert url[1]["image_url"]["url"] == str(red_png) and url[3]["image_url"]["url"] == str(blue_jpg)
    pil = img_utils.gpt4v_formatter(prompt, img_format="pil")
    assert isinstance(pil[3]["image_url"]["url"], Image.Image)
    assert pixels(pil[3]["image_url"]["url"]) == pixels(Image.open(blue_jpg).convert("RGB"))
    assert img_utils.gpt4v_formatter("no images") == [{"type": "text", "text": "no images"}]
    with pytest.raises(AssertionError):
        img_utils.gpt4v_formatter(prompt, img_format="jpeg")


def test_unloadable_images_are_dropped(red_png: Path, capsys: pytest.CaptureFixture[str]) -> None:
    prompt = f"a <img /nonexistent/x.png> b <img {red_png}> c"
    parts = img_utils.gpt4v_formatter(prompt)
    assert [p["type"] for p in parts] == ["text", "image_url", "text"]
    assert parts[0]["text"] == f"a <img /nonexistent/x.png> b "  # noqa: F541 - the skipped tag stays in the text
    text, images = img_utils.llava_formatter(prompt, order_image_tokens=True)
    assert text == "a  b <image 0> c" and images == [png_b64(Image.open(red_png))]
    assert "Warning! Unable to load image" in capsys.readouterr().out


def test_llava_formatter_tokens(red_png: Path) -> None:
    prompt = f"<img {red_png}> and <img {red_png}>"
    assert img_utils.llava_formatter(prompt)[0] == "<image> and <image>"
    text, images = img_utils.llava_formatter(prompt, order_image_tokens=True)
    assert text == "<image 0> and <image 1>" and len(images) == 2


def test_extract_img_paths() -> None:
    text = "See http://x.org/a.JPG, pics/b.png and c.WebP but not d.txt"
    assert img_utils.extract_img_paths(text) == ["http://x.org/a.JPG", "pics/b.png", "c.WebP"]


def test_message_formatter_pil_to_b64_copies(red_png: Path) -> None:
    image = Image.open(red_png).convert("RGB")
    messages = [
        {"role": "system", "content": "plain"},
        {
            "role": "user",
            "content": [{"type": "text", "text": "x"}, {"type": "image_url", "image_url": {"url": image}}],
        },
    ]
    out = img_utils.message_formatter_pil_to_b64(messages)
    assert out[0] is messages[0]
    assert out[1]["content"][1]["image_url"]["url"] == img_utils.pil_to_data_uri(image)
    assert messages[1]["content"][1]["image_url"]["url"] is image  # the input is left alone


def test_num_tokens_from_gpt_image() -> None:
    small, tall, huge = Image.new("RGB", (10, 10)), Image.new("RGB", (10, 1025)), Image.new("RGB", (4000, 4000))
    assert img_utils.num_tokens_from_gpt_image(small) == 85 + 170
    assert img_utils.num_tokens_from_gpt_image(tall, "gpt-4o") == 85 + 170 * 3
    assert img_utils.num_tokens_from_gpt_image(huge, "gpt-4o") == 85 + 170 * 4
    assert img_utils.num_tokens_from_gpt_image(huge, "gpt-4o-mini") == 2833 + 5667 * 4
    assert img_utils.num_tokens_from_gpt_image(huge, "gpt-4-turbo", low_quality=True) == 85
    with pytest.raises(ValueError, match="not supported"):
        img_utils.num_tokens_from_gpt_image(small, "claude-3")


# ---------------------------------------------------------------- MultimodalConversableAgent


def _sent_image_bytes(body: dict[str, Any]) -> list[bytes]:
    """Every base64 payload of an image found anywhere in a request body (standard or URL-safe)."""
    found: list[bytes] = []
    text = json.dumps(body)
    for token in set(__import__("re").findall(r"[A-Za-z0-9+/_-]{40,}={0,2}", text)):
        for decode in (base64.b64decode, base64.urlsafe_b64decode):
            try:
                raw = decode(token + "=" * (-len(token) % 4))
            except ValueError:
                continue
            if raw.startswith(b"\x89PNG"):
                found.append(raw)
                break
    return found


@pytest.mark.parametrize("dialect", sorted(DIALECTS))
def test_img_tags_reach_every_provider_as_images(dialect: str, red_png: Path) -> None:
    with FakeLLMServer(["a red rectangle"], dialect=dialect) as llm:
        viewer = MultimodalConversableAgent("viewer", llm_config=llm.llm_config)
        user = UserProxyAgent("user", human_input_mode="NEVER", code_execution_config=False)
        result = user.initiate_chat(viewer, message=f"What is this? <img {red_png}>", max_turns=1, silent=True)
        assert result.chat_history[-1]["content"] == "a red rectangle"
        sent = _sent_image_bytes(llm.requests[-1].body)
    assert len(sent) == 1
    assert pixels(Image.open(io.BytesIO(sent[0]))) == pixels(Image.open(red_png))
    stored = viewer.chat_messages[user][0]["content"]
    assert stored[0] == {"type": "text", "text": "What is this? "} and isinstance(
        stored[1]["image_url"]["url"], Image.Image
    )


def test_system_message_images_and_history(red_png: Path, blue_jpg: Path) -> None:
    with FakeLLMServer(["it is red", "now blue", "TERMINATE"]) as llm:
        viewer = MultimodalConversableAgent(
            "viewer", system_message=f"Compare with <img {blue_jpg}>.", llm_config=llm.llm_config
        )
        assert viewer.system_message[0] == {"type": "text", "text": "Compare with "}
        assert viewer.description == f"Compare with <img {blue_jpg}>."
        user = UserProxyAgent("user", human_input_mode="NEVER", code_execution_config=False)
        user.initiate_chat(viewer, message=f"<img {red_png}>", max_turns=2, silent=True)
        first, second = (r.messages for r in llm.requests)
    assert first[0]["role"] == "system" and first[0]["content"][1]["image_url"]["url"].startswith("data:image/png")
    assert first[1]["content"][1]["image_url"]["url"] == "data:image/png;base64," + png_b64(Image.open(red_png))
    # the reply is stored as parts and sent back as the assistant turn
    assert second[2]["role"] == "assistant" and second[2]["content"] == [{"type": "text", "text": "it is red"}]
    assert viewer._is_termination_msg({"content": [{"type": "text", "text": "TERMINATE"}]})


async def test_async_chat_sends_images(red_png: Path) -> None:
    with FakeLLMServer(["async red"]) as llm:
        viewer = MultimodalConversableAgent("viewer", llm_config=llm.llm_config)
        user = UserProxyAgent("user", human_input_mode="NEVER", code_execution_config=False)
        result = await user.a_initiate_chat(viewer, message=f"<img {red_png}> ?", max_turns=1, silent=True)
        assert result.chat_history[-1]["content"] == "async red"
        assert len(_sent_image_bytes(llm.requests[-1].body)) == 1


def test_group_chat_with_multimodal_agents(red_png: Path) -> None:
    with FakeLLMServer(["poetic red", "factual: red 8x6"]) as llm:
        poet = MultimodalConversableAgent("poet", llm_config=llm.llm_config, system_message="Be poetic.")
        fact = MultimodalConversableAgent("fact", llm_config=llm.llm_config, system_message="Be factual.")
        user = UserProxyAgent("user", human_input_mode="NEVER", code_execution_config=False)
        chat = GroupChat([user, poet, fact], messages=[], max_round=3, speaker_selection_method="round_robin")
        manager = GroupChatManager(chat, llm_config=False)
        user.initiate_chat(manager, message=f"Describe <img {red_png}>", silent=True)
        assert [m["content"] for m in chat.messages][1:] == ["poetic red", "factual: red 8x6"]
        # the second speaker saw the image sent by the user, as an image
        assert len(_sent_image_bytes(llm.requests[-1].body)) == 1


# ---------------------------------------------------------------- VisionCapability


def test_vision_capability_captions_for_a_text_model(red_png: Path) -> None:
    with FakeLLMServer(["A small red rectangle."]) as lmm, FakeLLMServer(["It is red."]) as text_llm:
        agent = ConversableAgent("blind", llm_config=text_llm.llm_config, system_message="Help.")
        VisionCapability(lmm_config=lmm.llm_config).add_to_agent(agent)
        assert agent.system_message.endswith("You've been given the ability to interpret images.")
        user = UserProxyAgent("user", human_input_mode="NEVER", code_execution_config=False)
        user.initiate_chat(agent, message=f"What colour? <img {red_png}>", max_turns=1, silent=True)
        caption_request = lmm.requests[-1].messages
        text_request = text_llm.requests[-1].messages
    assert caption_request[0]["content"][0]["text"].startswith("Write a detailed caption")
    assert caption_request[0]["content"][1]["image_url"]["url"] == "data:image/png;base64," + png_b64(
        Image.open(red_png)
    )
    assert text_request[-1]["content"] == (
        f"What colour? <img {red_png}> in case you can not see, the caption of this image is: A small red rectangle.\n"
    )
    assert agent.chat_messages[user][0]["content"] == f"What colour? <img {red_png}>"  # the history keeps the tag


def test_vision_capability_custom_caption_and_parts(red_png: Path) -> None:
    seen: list[Any] = []

    def caption(url: str, image: Image.Image, client: Any) -> str:
        seen.append((url, image.size, client))
        return "custom"

    vision = VisionCapability(lmm_config={}, custom_caption_func=caption)
    content = [{"type": "text", "text": "look: "}, {"type": "image_url", "image_url": {"url": str(red_png)}}]
    out = vision.process_last_received_message(content)
    assert out == f"look: <img {red_png}> in case you can not see, the caption of this image is: custom\n"
    assert seen == [(str(red_png), (8, 6), None)]
    assert vision.process_last_received_message("no image") == "no image"
    with pytest.raises(AssertionError, match="lmm_config or custom_caption_func"):
        VisionCapability(lmm_config={})


# ---------------------------------------------------------------- ImageGeneration


class SquareGenerator:
    def __init__(self) -> None:
        self.prompts: list[str] = []

    def generate_image(self, prompt: str) -> Image.Image:
        self.prompts.append(prompt)
        return Image.new("RGB", (5, 5), (0, 128, 0))

    def cache_key(self, prompt: str) -> str:
        return "square:" + prompt


def test_image_generation_with_a_custom_generator(tmp_path: Path) -> None:
    from autogen.cache import Cache

    generator = SquareGenerator()
    # per request: the analyzer's yes/no, then its prompt; a plain message gets "no" and the LLM's reply
    replies = ["yes", "Green square, flat", "no", "just chatting", "Yes.", "Green square, flat"]
    with FakeLLMServer(replies) as llm, Cache.disk(cache_path_root=str(tmp_path / "cache")) as cache:
        painter = ConversableAgent("painter", llm_config=llm.llm_config, human_input_mode="NEVER")
        with pytest.warns(DeprecationWarning):
            capability = ImageGeneration(image_generator=generator, cache=cache)
        capability.add_to_agent(painter)
        assert painter.description.endswith("This agent has the ability to generate images.")
        user = UserProxyAgent("user", human_input_mode="NEVER", code_execution_config=False)
        user.initiate_chat(painter, message="Please draw a green square.", max_turns=1, silent=True)
        reply = painter.last_message(user)
        user.initiate_chat(painter, message="How are you?", max_turns=1, silent=True)
        plain = painter.last_message(user)
        user.initiate_chat(painter, message="Draw that green square again.", max_turns=1, silent=True)
        analyzer_request = llm.requests[0].messages[-1]["content"]
    assert reply["content"][0] == {"type": "text", "text": "I generated an image with the prompt: Green square, flat"}
    drawn = img_utils.get_pil_image(reply["content"][1]["image_url"]["url"])
    assert drawn.size == (5, 5) and drawn.getpixel((2, 2)) == (0, 128, 0)
    assert plain["content"] == "just chatting"
    assert generator.prompts == ["Green square, flat"]  # the second request came from the cache
    assert "# TEXT\nPlease draw a green square." in analyzer_request and analyzer_request.count("# INSTRUCTIONS") == 2


def _dalle_server(image: bytes, calls: list[dict[str, Any]], b64: bool = False) -> Any:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            calls.append({"path": self.path, "auth": self.headers.get("Authorization"), **body})
            host = f"http://127.0.0.1:{self.server.server_address[1]}"
            item = {"b64_json": base64.b64encode(image).decode()} if b64 else {"url": host + "/img/0.png"}
            self._send(json.dumps({"created": 0, "data": [{**item, "revised_prompt": body["prompt"]}]}).encode())

        def do_GET(self) -> None:
            self._send(image)

        def _send(self, body: bytes) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    return http_server(Handler)


@pytest.mark.parametrize("b64", [False, True], ids=["url", "b64_json"])
def test_dalle_image_generator_over_the_openai_sdk(red_png: Path, b64: bool) -> None:
    calls: list[dict[str, Any]] = []
    with _dalle_server(red_png.read_bytes(), calls, b64=b64) as url:
        config = {"config_list": [{"model": "dall-e-3", "api_key": "sk-dalle", "base_url": url + "/v1"}]}
        generator = DalleImageGenerator(llm_config=config, resolution="1024x1792", quality="hd")
        image = generator.generate_image("a red rectangle")
    assert pixels(image) == pixels(Image.open(red_png))
    assert calls == [
        {
            "path": "/v1/images/generations",
            "auth": "Bearer sk-dalle",
            "model": "dall-e-3",
            "prompt": "a red rectangle",
            "size": "1024x1792",
            "quality": "hd",
            "n": 1,
        }
    ]
    assert generator.cache_key("p") == "p,dall-e-3,1024x1792,hd,1"


def test_dalle_image_generator_validates() -> None:
    with pytest.raises(ValueError, match="Invalid DALL-E model"):
        DalleImageGenerator({"config_list": [{"model": "gpt-4o", "api_key": "k"}]})
    with pytest.raises(ValueError, match="Invalid resolution format"):
        DalleImageGenerator({"config_list": [{"model": "dall-e-2", "api_key": "k"}]}, resolution="big")


# ---------------------------------------------------------------- LLaVA


def _llava_worker(calls: list[dict[str, Any]]) -> Any:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            calls.append({"path": self.path, "agent": self.headers.get("User-Agent"), **body})
            # the worker streams its growing output, NUL-separated, prompt included
            chunks = [body["prompt"] + "It is", body["prompt"] + "It is a red box."]
            payload = b"".join(json.dumps({"text": c, "error_code": 0}).encode() + b"\0" for c in chunks)
            self.send_response(200)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args: Any) -> None:
            pass

    return http_server(Handler)


def test_llava_agent_with_a_local_worker(red_png: Path) -> None:
    calls: list[dict[str, Any]] = []
    with _llava_worker(calls) as url:
        config = {"config_list": [{"model": "llava-v1.5-7b", "base_url": url, "api_key": "none"}], "temperature": 0.2}
        with pytest.warns(DeprecationWarning):
            llava = LLaVAAgent("llava", llm_config=config)
        user = UserProxyAgent("user", human_input_mode="NEVER", code_execution_config=False)
        user.initiate_chat(llava, message=f"What is in <img {red_png}>?", max_turns=1, silent=True)
    assert llava.last_message(user)["content"] == [{"type": "text", "text": "It is a red box."}]
    (call,) = calls
    assert call["path"] == "/worker_generate_stream" and call["agent"] == "LLaVA Client"
    assert call["prompt"] == (
        "You are an AI agent and you can view images.\n###Human: What is in \n<image>\n?\n\n###Assistant: "
    )
    assert call["images"] == [png_b64(Image.open(red_png))]
    assert (call["model"], call["temperature"], call["max_new_tokens"], call["stop"]) == (
        "llava-v1.5-7b",
        0.2,
        2000,
        "###",
    )


def test_llava_on_an_openai_compatible_server(red_png: Path) -> None:
    with FakeLLMServer(["a red box", "red, from llava_call"], model="llava") as llm:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            llava = LLaVAAgent("llava", llm_config=llm.llm_config)
        user = UserProxyAgent("user", human_input_mode="NEVER", code_execution_config=False)
        user.initiate_chat(llava, message=f"What is in <img {red_png}>?", max_turns=1, silent=True)
        assert llava.last_message(user)["content"] == [{"type": "text", "text": "a red box"}]
        assert llm.requests[-1].messages[1]["content"][1]["image_url"]["url"].startswith("data:image/png;base64,")
        answer = llava_call(f"Describe <img {red_png}>", {"config_list": llm.config_list, "max_new_tokens": 50})
        assert answer == "red, from llava_call"
        body = llm.requests[-1].body
    assert body["max_tokens"] == 50 and body["messages"][0]["content"][0] == {
        "type": "text",
        "text": "Describe <image>",
    }
    assert body["messages"][0]["content"][1]["image_url"]["url"] == "data:image/png;base64," + png_b64(
        Image.open(red_png)
    )
