def arxiv_download(id_list: list[str], download_dir="./") -> list[str]:
    """Downloads PDF files from ArXiv based on a list of arxiv paper IDs.

    Args:
        id_list (list): the arXiv ids of the papers.
        download_dir (str, optional): where the PDFs are saved. Defaults to "./".

    Returns:
        list: the paths of the downloaded PDFs (needs the arxiv package).
    """
    import os

    import arxiv

    os.makedirs(download_dir, exist_ok=True)
    paths = []
    for paper in arxiv.Client().results(arxiv.Search(id_list=id_list)):
        paths.append(paper.download_pdf(dirpath=download_dir, filename=paper.get_short_id() + ".pdf"))
    return paths
