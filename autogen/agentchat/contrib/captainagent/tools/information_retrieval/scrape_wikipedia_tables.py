def scrape_wikipedia_tables(url: str, header_keyword: str):
    """Scrapes Wikipedia tables based on a given URL and header keyword.

    Args:
        url (str): the page URL.
        header_keyword (str): text of the section heading the table comes after.

    Returns:
        list: the rows (lists of cell texts) of the first table after that heading; [] if there is none.
    """
    import requests
    from bs4 import BeautifulSoup

    response = requests.get(url, timeout=30)
    response.raise_for_status()
    soup = BeautifulSoup(response.content, "html.parser")
    for heading in soup.find_all(["h1", "h2", "h3", "h4", "h5", "h6"]):
        if header_keyword.lower() not in heading.get_text().lower():
            continue
        table = heading.find_next("table", class_="wikitable") or heading.find_next("table")
        if table is None:
            return []
        rows = []
        for tr in table.find_all("tr"):
            cells = [cell.get_text(strip=True) for cell in tr.find_all(["td", "th"])]
            if cells:
                rows.append(cells)
        return rows
    return []
