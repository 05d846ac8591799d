def youtube_download(url: str):
    """Downloads a YouTube video and returns the download link.

    Args:
        url: The URL of the YouTube video.

    Returns:
        str: The download link for the audio (an MP3, from RapidAPI's youtube-mp3-downloader2 service with the
        RAPIDAPI_KEY environment variable); None, after printing the service's answer, when there is none.
    """
    import os

    import requests

    host = "youtube-mp3-downloader2.p.rapidapi.com"
    endpoint = os.getenv("YOUTUBE_MP3_API_URL", f"https://{host}/ytmp3/ytmp3/")
    response = requests.get(
        endpoint,
        headers={"X-RapidAPI-Key": os.environ.get("RAPIDAPI_KEY"), "X-RapidAPI-Host": host},
        params={"url": url},
        timeout=30,
    )
    answer = response.json()
    if "link" in answer:
        return answer["link"]
    print("Error: Unable to retrieve download link.")
    print(answer)
    return None
