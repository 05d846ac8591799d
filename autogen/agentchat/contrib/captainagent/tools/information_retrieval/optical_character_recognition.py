def optical_character_recognition(image):
    """Perform optical character recognition (OCR) on the given image.

    Args:
        image (Union[str, Image.Image]): The image to perform OCR on. It can be either a file path or an Image object.

    Returns:
        str: The extracted text from the image, the pieces joined with ", " (needs the easyocr package and its
        English model).

    Raises:
        FileNotFoundError: If the image file path does not exist.
    """
    import io
    import os

    import easyocr

    if isinstance(image, str):
        if not os.path.exists(image):
            raise FileNotFoundError(image)
        source = image
    else:
        source = io.BytesIO()
        image.convert("RGB").save(source, format="JPEG")
        source = source.getvalue()
    reader = easyocr.Reader(["en"])
    return ", ".join(text for _, text, _ in reader.readtext(source))
