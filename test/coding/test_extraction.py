"""content_str, extract_code, infer_lang and the Markdown extractor."""

from __future__ import annotations

import pytest

from autogen.code_utils import CODE_BLOCK_PATTERN, UNKNOWN, content_str, extract_code, infer_lang
from autogen.coding import CodeBlock, MarkdownCodeExtractor


class TestContentStr:
    def test_none_and_str(self) -> None:
        assert content_str(None) == ""
        assert content_str("hello") == "hello"
        assert content_str("") == ""

    def test_list_of_parts_joined_by_newline(self) -> None:
        content = [
            {"type": "text", "text": "look at"},
            {"type": "image_url", "image_url": {"url": "http://x/y.png"}},
            {"type": "input_image", "image_url": "data:..."},
            {"type": "text", "text": "and this"},
        ]
        assert content_str(content) == "look at\n<image>\n<image>\nand this"

    def test_function_parts(self) -> None:
        assert content_str([{"type": "function"}]) == "<function>"
        assert content_str([{"type": "tool_call", "name": "search"}]) == "<function: search>"

    def test_media_placeholders(self) -> None:
        assert content_str([{"type": "audio_url"}, {"type": "video_url"}]) == "<audio>\n<video>"

    def test_empty_list(self) -> None:
        assert content_str([]) == ""

    def test_dict_content_is_type_error(self) -> None:
        with pytest.raises(TypeError, match="None, a str or a list"):
            content_str({"type": "text", "text": "x"})  # type: ignore[arg-type]
        with pytest.raises(TypeError):
            content_str(42)  # type: ignore[arg-type]

    def test_non_dict_item_is_type_error(self) -> None:
        with pytest.raises(TypeError, match="must be a dict"):
            content_str(["just a string"])

    def test_unknown_part_type_is_value_error(self) -> None:
        with pytest.raises(ValueError, match="unknown content part type 'hologram'"):
            content_str([{"type": "hologram"}])

    def test_missing_type_is_value_error(self) -> None:
        with pytest.raises(ValueError, match="no 'type' key"):
            content_str([{"text": "x"}])


class TestInferLang:
    def test_shell_prefixes(self) -> None:
        assert infer_lang("python script.py") == "sh"
        assert infer_lang("python3 script.py") == "sh"
        assert infer_lang("pip install numpy") == "sh"

    def test_python(self) -> None:
        assert infer_lang("x = 1\nprint(x)") == "python"

    def test_unknown(self) -> None:
        assert infer_lang('fn main() { println!("hi"); }') == UNKNOWN
        assert infer_lang("a\x00b") == UNKNOWN  # NUL bytes do not crash compile()


class TestExtractCode:
    def test_multiple_blocks_with_and_without_language(self) -> None:
        text = "Run this:\n```python\nprint('a')\n```\nthen\n```sh\necho b\n```\nand\n```\nplain\n```\n"
        assert extract_code(text) == [("python", "print('a')"), ("sh", "echo b"), ("", "plain")]

    def test_no_block_returns_whole_text_as_unknown(self) -> None:
        assert extract_code("no code here") == [(UNKNOWN, "no code here")]

    def test_multiline_body_and_indented_closing_fence(self) -> None:
        text = "```python\nfor i in range(2):\n    print(i)\n  ```"
        assert extract_code(text) == [("python", "for i in range(2):\n    print(i)")]

    def test_spaces_around_language_and_crlf(self) -> None:
        assert extract_code("```  python  \r\nx = 1\r\n```") == [("python", "x = 1")]

    def test_multimodal_list_input(self) -> None:
        content = [{"type": "text", "text": "```python\nprint(1)\n```"}, {"type": "image_url"}]
        assert extract_code(content) == [("python", "print(1)")]

    def test_single_line_detection(self) -> None:
        text = "Use `pip install x` then\n```python\n  print(2)  \n```\nor `ls`."
        assert extract_code(text, detect_single_line_code=True) == [
            ("", "pip install x"),
            ("python", "print(2)"),
            ("", "ls"),
        ]

    def test_single_line_detection_nothing_found_is_empty(self) -> None:
        assert extract_code("plain text", detect_single_line_code=True) == []

    def test_custom_pattern(self) -> None:
        assert extract_code("<<py|x=1>>", pattern=r"<<(\w+)\|(.*?)>>") == [("py", "x=1")]

    def test_pattern_constant_is_a_usable_regex(self) -> None:
        import re

        assert re.findall(CODE_BLOCK_PATTERN, "```js\nalert(1)\n```", flags=re.DOTALL) == [("js", "alert(1)")]


class TestMarkdownCodeExtractor:
    def test_blocks_and_inferred_languages(self) -> None:
        message = "```python\nprint(1)\n```\n```\nx = 2\n```\n```\npip install foo\n```\n```\n$$ not code\n```"
        blocks = MarkdownCodeExtractor().extract_code_blocks(message)
        assert blocks == [
            CodeBlock(code="print(1)", language="python"),
            CodeBlock(code="x = 2", language="python"),
            CodeBlock(code="pip install foo", language="sh"),
            CodeBlock(code="$$ not code", language=""),
        ]

    def test_no_blocks(self) -> None:
        assert MarkdownCodeExtractor().extract_code_blocks("just words") == []
        assert MarkdownCodeExtractor().extract_code_blocks(None) == []

    def test_multimodal_message(self) -> None:
        message = [{"type": "text", "text": "```sh\necho hi\n```"}, {"type": "image_url", "image_url": {"url": "u"}}]
        assert MarkdownCodeExtractor().extract_code_blocks(message) == [CodeBlock(code="echo hi", language="sh")]
