def arxiv_search(query, max_results=10, sortby="relevance"):
    """Search for articles on arXiv based on the given query.

    Args:
        query (str): the search query.
        max_results (int, optional): most results returned. Defaults to 10.
        sortby (str, optional): 'relevance' (default) or 'submittedDate'.

    Returns:
        list: one dict per article with 'title', 'authors', 'summary', 'entry_id', 'doi' and 'published'
        (needs the arxiv package).
    """
    import arxiv

    criterion = arxiv.SortCriterion.SubmittedDate if sortby == "submittedDate" else arxiv.SortCriterion.Relevance
    search = arxiv.Search(query=query, max_results=max_results, sort_by=criterion)
    articles = []
    for result in arxiv.Client().results(search):
        articles.append(
            {
                "title": result.title,
                "authors": ", ".join(author.name for author in result.authors),
                "summary": result.summary,
                "entry_id": result.entry_id,
                "doi": result.doi,
                "published": result.published.strftime("%Y-%m-%d"),
            }
        )
    return articles
