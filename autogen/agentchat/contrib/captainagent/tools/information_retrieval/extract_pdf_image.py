def extract_pdf_image(pdf_path: str, output_dir: str, page_number=None):
    """Extracts images from a PDF file and saves them to the specified output directory.

    Args:
        pdf_path (str): The path to the PDF file.
        output_dir (str): The directory to save the extracted images (created if missing).
        page_number (int, optional): The 1-based page to extract images from. If not provided, extract images
            from all pages.

    Returns:
        list: the paths of the saved images, image_0.png, image_1.png, ... (the image bytes as the PDF stores
        them; needs the pypdf and pillow packages).
    """
    import os

    from pypdf import PdfReader

    reader = PdfReader(pdf_path)
    pages = reader.pages if page_number is None else [reader.pages[page_number - 1]]
    os.makedirs(output_dir, exist_ok=True)
    saved = []
    for page in pages:
        for image in page.images:
            path = os.path.join(output_dir, f"image_{len(saved)}.png")
            with open(path, "wb") as f:
                f.write(image.data)
            saved.append(path)
    print(f"Saved a total of {len(saved)} images")
    return saved
