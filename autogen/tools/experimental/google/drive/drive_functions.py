"""Google Drive calls of the toolkit: list a folder, download (or export) a file into a local folder."""

import io
from pathlib import Path
from typing import Any

from ..._external import require_package
from ..model import GoogleFileInfo

__all__ = ["download_file", "list_files_and_folders"]

_FEATURE = "GoogleDriveToolkit"

# File extension by MIME type (Google-native files by the format they are exported to).
_EXTENSIONS = {
    "application/vnd.google-apps.document": "docx",
    "application/vnd.google-apps.spreadsheet": "csv",
    "application/vnd.google-apps.presentation": "pptx",
    "video/quicktime": "mov",
    "application/vnd.google.colaboratory": "ipynb",
    "application/pdf": "pdf",
    "image/jpeg": "jpg",
    "image/png": "png",
    "text/plain": "txt",
    "application/zip": "zip",
}

# Google Docs, Sheets and Slides cannot be downloaded as they are, only exported to these formats.
_EXPORT_AS = {
    "application/vnd.google-apps.document": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.google-apps.spreadsheet": "text/csv",
    "application/vnd.google-apps.presentation": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation"
    ),
}


def list_files_and_folders(service: Any, page_size: int, folder_id: str | None) -> list[GoogleFileInfo]:
    """Up to ``page_size`` files (and folders) of Drive, or of the folder ``folder_id`` (not trashed)."""
    require_package("googleapiclient", "google-api", _FEATURE)
    query: dict[str, Any] = {"pageSize": page_size, "fields": "nextPageToken, files(id, name, mimeType)"}
    if folder_id:
        query["q"] = f"'{folder_id}' in parents and trashed=false"
    files = service.files().list(**query).execute().get("files", [])
    if not isinstance(files, list):
        raise ValueError(f"Expected a list of files, but got {files}")  # noqa: TRY004 - the original's error
    return [GoogleFileInfo(**f) for f in files]


def _get_file_extension(mime_type: str) -> str | None:
    """The extension a downloaded file of ``mime_type`` gets, if known."""
    return _EXTENSIONS.get(mime_type)


def _validate_download_path(download_folder: Path, subfolder_path: str | None, file_name: str) -> Path:
    """Where ``file_name`` goes under ``download_folder`` (and ``subfolder_path``, created if missing).

    Raises ValueError when the subfolder or the file name (names come from the model and from Drive) would
    lead outside ``download_folder``, e.g. through ``..`` or an absolute path.
    """
    root = download_folder.resolve()
    folder = download_folder
    if subfolder_path:
        folder = download_folder / subfolder_path
        if not folder.resolve().is_relative_to(root):
            raise ValueError(f"subfolder_path escapes download_folder: {subfolder_path}")
        folder.mkdir(parents=True, exist_ok=True)
    target = folder / file_name
    if not target.resolve().is_relative_to(root):
        raise ValueError(f"file_name escapes download_folder: {file_name}")
    return target


def download_file(
    service: Any,
    file_id: str,
    file_name: str,
    mime_type: str,
    download_folder: Path,
    subfolder_path: str | None = None,
) -> str:
    """Download ``file_id`` (exporting Google Docs, Sheets and Slides) into ``download_folder``.

    Returns ``"✅ Downloaded: <relative path>"`` or ``"❌ FAILED to download <relative path>: <error>"``; a path
    leading outside the folder raises ValueError.
    """
    http = require_package("googleapiclient.http", "google-api", _FEATURE)
    extension = _get_file_extension(mime_type)
    if extension and not file_name.lower().endswith(extension.lower()):
        file_name = f"{file_name}.{extension}"
    files = service.files()
    if mime_type in _EXPORT_AS:
        request = files.export(fileId=file_id, mimeType=_EXPORT_AS[mime_type])
    else:
        request = files.get_media(fileId=file_id)
    file_path = _validate_download_path(download_folder, subfolder_path, file_name)
    shown = Path(subfolder_path) / file_name if subfolder_path else Path(file_name)
    try:
        with io.BytesIO() as buffer:
            downloader = http.MediaIoBaseDownload(buffer, request)
            done = False
            while not done:
                _, done = downloader.next_chunk()
            file_path.write_bytes(buffer.getvalue())
    except Exception as e:  # noqa: BLE001 - the tool reports a failed download, as in the original
        return f"❌ FAILED to download {shown}: {e}"
    return f"✅ Downloaded: {shown}"
