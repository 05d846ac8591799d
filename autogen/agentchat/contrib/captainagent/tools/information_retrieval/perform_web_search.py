def perform_web_search(query, count=10, offset=0):
    """Perform a web search using Bing API.

    Args:
        query (str): The search query.
        count (int, optional): Number of search results to retrieve. Defaults to 10.
        offset (int, optional): Offset of the first search result. Defaults to 0.

    Returns:
        The name, URL and snippet of each search result (printed, and returned as a list of dicts).
        Needs the BING_API_KEY environment variable and the requests package.
    """
    import os

    import requests

    api_key = os.getenv("BING_API_KEY")
    if not api_key:
        raise ValueError("Bing API key not found in environment variable")
    endpoint = os.getenv("BING_SEARCH_URL", "https://api.bing.microsoft.com/v7.0/search")
    response = requests.get(
        endpoint,
        headers={"Ocp-Apim-Subscription-Key": api_key},
        params={"q": query, "count": count, "offset": offset},
        timeout=30,
    )
    response.raise_for_status()
    hits = []
    for number, page in enumerate(response.json()["webPages"]["value"], start=1):
        print(f"Search Result {number}:")
        print(page["name"])
        print(page["url"])
        print(page["snippet"])
        hits.append({"name": page["name"], "url": page["url"], "snippet": page["snippet"]})
    return hits
