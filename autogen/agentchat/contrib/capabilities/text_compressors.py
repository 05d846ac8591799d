"""Text compressors used by ``TextMessageCompressor``: the protocol and the LLMLingua implementation."""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

from autogen.import_utils import optional_import

__all__ = ["LLMLingua", "TextCompressor"]


@runtime_checkable
class TextCompressor(Protocol):
    """Something that shortens a text while keeping its meaning.

    ``compress_text`` returns a dict with the shorter text under ``"compressed_prompt"`` (LLMLingua's
    key; ``"compressed_text"`` is accepted too) and, to report savings, the token counts under
    ``"origin_tokens"`` and ``"compressed_tokens"``.
    """

    def compress_text(self, text: str, **compression_params: Any) -> dict[str, Any]:
        """Compress ``text``; see the class description for the returned keys."""
        ...  # pragma: no cover


class LLMLingua:
    """Compresses text with Microsoft's LLMLingua prompt compressor (the ``long-context`` extra).

    The compressor model is loaded when this object is built; the default LLMLingua-2 model must
    already be available locally or downloadable from the Hugging Face hub.
    """

    def __init__(
        self,
        prompt_compressor_kwargs: dict[str, Any] | None = None,
        structured_compression: bool = False,
    ) -> None:
        """Args:
        prompt_compressor_kwargs: keyword arguments for ``llmlingua.PromptCompressor``; by default
            the LLMLingua-2 multilingual BERT model on CPU.
        structured_compression: use ``structured_compress_prompt`` instead of ``compress_prompt``.
        """
        llmlingua = optional_import("llmlingua", "long-context", feature="LLMLingua text compression")
        if prompt_compressor_kwargs is None:
            prompt_compressor_kwargs = {
                "model_name": "microsoft/llmlingua-2-bert-base-multilingual-cased-meetingbank",
                "use_llmlingua2": True,
                "device_map": "cpu",
            }
        self._prompt_compressor = llmlingua.PromptCompressor(**prompt_compressor_kwargs)
        self._compression_method = (
            self._prompt_compressor.structured_compress_prompt
            if structured_compression
            else self._prompt_compressor.compress_prompt
        )

    def compress_text(self, text: str, **compression_params: Any) -> dict[str, Any]:
        """Compress ``text`` with LLMLingua; returns LLMLingua's result dict."""
        return self._compression_method([text], **compression_params)
