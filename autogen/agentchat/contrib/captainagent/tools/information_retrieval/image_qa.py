def image_qa(image, question, ckpt="Salesforce/blip-vqa-base"):
    """Perform question answering on an image using a pre-trained VQA model.

    Args:
        image (Union[str, Image.Image]): The image to perform question answering on. It can be either file path to the image or a PIL Image object.
        question: The question to ask about the image (or the path of a .txt file holding it).
        ckpt: The checkpoint name to use. Default is "Salesforce/blip-vqa-base".

    Returns:
        str: The generated answer text (needs the transformers, torch and pillow packages and the model;
        runs on the GPU when there is one).
    """
    import os

    import torch
    from PIL import Image
    from transformers import BlipForQuestionAnswering, BlipProcessor

    if isinstance(image, str):
        if not os.path.exists(image):
            raise FileNotFoundError(image)
        image = Image.open(image)
    image = image.convert("RGB")
    if isinstance(question, str) and question.endswith(".txt") and os.path.exists(question):
        with open(question, encoding="utf-8") as f:
            question = f.read()

    device, dtype = ("cuda", torch.float16) if torch.cuda.is_available() else ("cpu", torch.float32)
    processor = BlipProcessor.from_pretrained(ckpt)
    model = BlipForQuestionAnswering.from_pretrained(ckpt, torch_dtype=dtype).to(device)
    inputs = processor(image, question, return_tensors="pt").to(device, dtype)
    output = model.generate(**inputs)
    return processor.decode(output[0], skip_special_tokens=True)
