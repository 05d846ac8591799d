"""autogen.types: the message-content type names ag2 scripts annotate with."""

import typing

from autogen.types import MessageContentType, UserMessageImageContentPart, UserMessageTextContentPart


def test_content_type_covers_text_parts_and_none() -> None:
    assert set(typing.get_args(MessageContentType)) >= {str, type(None)}
    part: UserMessageTextContentPart = {"type": "text", "text": "hi"}
    image: UserMessageImageContentPart = {"type": "image_url", "image_url": {"url": "http://x/y.png"}}
    assert part["text"] == "hi" and image["image_url"]["url"].endswith(".png")
