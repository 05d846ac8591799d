"""ag2's oai_models module paths parse real chat-completion payloads (audio, logprobs)."""

from autogen.oai.oai_models import ChatCompletion
from autogen.oai.oai_models._models import BaseModel
from autogen.oai.oai_models.chat_completion_audio import ChatCompletionAudio
from autogen.oai.oai_models.chat_completion_token_logprob import ChatCompletionTokenLogprob, TopLogprob


def test_models_keep_extra_fields() -> None:
    class Thing(BaseModel):
        a: int

    assert Thing.model_validate({"a": 1, "b": 2}).model_extra == {"b": 2}


def test_completion_with_audio_and_logprobs() -> None:
    payload = {
        "id": "c1",
        "object": "chat.completion",
        "created": 1,
        "model": "m",
        "choices": [
            {
                "index": 0,
                "finish_reason": "stop",
                "message": {
                    "role": "assistant",
                    "content": "hi",
                    "audio": {"id": "a1", "data": "AAA=", "expires_at": 9, "transcript": "hi"},
                },
                "logprobs": {
                    "content": [
                        {
                            "token": "hi",
                            "logprob": -0.1,
                            "bytes": [104, 105],
                            "top_logprobs": [{"token": "hi", "logprob": -0.1}],
                        }
                    ]
                },
            }
        ],
    }
    completion = ChatCompletion.model_validate(payload)
    choice = completion.choices[0]
    assert isinstance(choice.message.audio, ChatCompletionAudio) and choice.message.audio.transcript == "hi"
    logprob = choice.logprobs.content[0]
    assert isinstance(logprob, ChatCompletionTokenLogprob) and isinstance(logprob.top_logprobs[0], TopLogprob)
    assert logprob.bytes == [104, 105]
