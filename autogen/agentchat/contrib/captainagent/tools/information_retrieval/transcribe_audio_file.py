def transcribe_audio_file(file_path):
    """Transcribes the audio file located at the given file path.

    Args:
        file_path (str): The path to the audio file.

    Returns:
        str: The transcribed text from the audio file (with OpenAI Whisper's "base" model; needs the
        openai-whisper package).
    """
    import whisper

    model = whisper.load_model("base")
    return model.transcribe(file_path)["text"]
