def extract_pdf_text(pdf_path, page_number=None):
    """Extracts text from a specified page or the entire PDF file.

    Args:
        pdf_path (str): the PDF file.
        page_number (int, optional): the 0-based page to read; None reads every page.

    Returns:
        str: the text (needs the pypdf package).
    """
    from pypdf import PdfReader

    reader = PdfReader(pdf_path)
    if page_number is not None:
        return reader.pages[page_number].extract_text() or ""
    return "".join(page.extract_text() or "" for page in reader.pages)
