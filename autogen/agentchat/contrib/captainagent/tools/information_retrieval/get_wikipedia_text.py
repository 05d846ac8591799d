def get_wikipedia_text(title):
    """Retrieves the text content of a Wikipedia page. It does not support tables and other complex formatting.

    Args:
        title (str): the page title.

    Returns:
        str or None: the page text, or None when the page does not exist (needs the wikipedia-api package).
    """
    import wikipediaapi

    page = wikipediaapi.Wikipedia("ag2-captainagent (https://github.com/ag2ai/ag2)", "en").page(title)
    return page.text if page.exists() else None
