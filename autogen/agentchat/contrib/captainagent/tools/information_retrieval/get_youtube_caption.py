def get_youtube_caption(video_id: str) -> str:
    """Retrieves the captions for a YouTube video.

    Args:
        video_id (str): The ID of the YouTube video.

    Returns:
        str: The captions of the YouTube video in text format (through RapidAPI's youtube-transcript3 service;
        needs the requests package).

    Raises:
        KeyError: If the RAPID_API_KEY environment variable is not set.
    """
    import os

    import requests

    api_key = os.environ["RAPID_API_KEY"]
    host = "youtube-transcript3.p.rapidapi.com"
    endpoint = os.getenv("YOUTUBE_TRANSCRIPT_API_URL", f"https://{host}/api/transcript-with-url")
    response = requests.get(
        endpoint,
        headers={"X-RapidAPI-Key": api_key, "X-RapidAPI-Host": host},
        params={"url": f"https://www.youtube.com/watch?v={video_id}", "lang": "en", "flat_text": "true"},
        timeout=30,
    )
    answer = response.json()
    print(answer)
    return answer["transcript"]
