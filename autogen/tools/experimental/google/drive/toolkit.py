"""GoogleDriveToolkit: tools to list Google Drive and download its files (extra ``google-api``)."""

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from ....tool import tool
from ....toolkit import Toolkit
from ..._external import require_package
from ..._google_api import build_service
from ..model import GoogleFileInfo
from ..toolkit_protocol import GoogleToolkitProtocol
from .drive_functions import download_file, list_files_and_folders

if TYPE_CHECKING:
    from google.oauth2.credentials import Credentials

__all__ = ["GoogleDriveToolkit"]

# ``googleapiclient.discovery.build``, bound on first use.
build: Any = None


class GoogleDriveToolkit(Toolkit, GoogleToolkitProtocol):
    """The tools ``list_drive_files_and_folders`` and ``download_file_from_drive``."""

    def __init__(
        self,
        *,
        credentials: "Credentials",
        download_folder: Path | str,
        exclude: list[Literal["list_drive_files_and_folders", "download_file_from_drive"]] | None = None,
        api_version: str = "v3",
    ) -> None:
        """Create the toolkit.

        Args:
            credentials: Google OAuth2 credentials (see GoogleCredentialsLocalProvider).
            download_folder: where downloads go (created if missing); nothing is written outside it.
            exclude: names of tools to leave out.
            api_version: the Drive API version.
        """
        global build
        if build is None:
            build = require_package("googleapiclient.discovery", "google-api", "GoogleDriveToolkit").build
        self.service = build_service("drive", api_version, "GoogleDriveToolkit", builder=build, credentials=credentials)
        folder = Path(download_folder)
        folder.mkdir(parents=True, exist_ok=True)

        @tool(description="List files and folders in a Google Drive")
        def list_drive_files_and_folders(
            page_size: Annotated[int, "The number of files to list per page."] = 10,
            folder_id: Annotated[
                str | None,
                "The ID of the folder to list files from. If not provided, lists all files in the root folder.",
            ] = None,
        ) -> list[GoogleFileInfo]:
            return list_files_and_folders(service=self.service, page_size=page_size, folder_id=folder_id)

        @tool(description="download a file from Google Drive")
        def download_file_from_drive(
            file_info: Annotated[GoogleFileInfo, "The file info to download."],
            subfolder_path: Annotated[
                str | None,
                "The subfolder path to save the file in. If not provided, saves in the main download folder.",
            ] = None,
        ) -> str:
            return download_file(
                service=self.service,
                file_id=file_info.id,
                file_name=file_info.name,
                mime_type=file_info.mime_type,
                download_folder=folder,
                subfolder_path=subfolder_path,
            )

        skip = set(exclude or [])
        super().__init__(
            tools=[t for t in (list_drive_files_and_folders, download_file_from_drive) if t.name not in skip]
        )

    @classmethod
    def recommended_scopes(cls) -> list[str]:
        """Read-only access to Drive."""
        return ["https://www.googleapis.com/auth/drive.readonly"]
