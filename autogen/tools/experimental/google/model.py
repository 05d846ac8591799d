"""The file description that Google toolkits list and take back."""

from typing import Annotated

from pydantic import BaseModel, Field

__all__ = ["GoogleFileInfo"]


class GoogleFileInfo(BaseModel):
    """A Drive file: name, id and MIME type (``mimeType`` in the API)."""

    name: Annotated[str, Field(description="The name of the file.")]
    id: Annotated[str, Field(description="The ID of the file.")]
    mime_type: Annotated[str, Field(alias="mimeType", description="The MIME type of the file.")]
