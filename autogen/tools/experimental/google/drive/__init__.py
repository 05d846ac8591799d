from .toolkit import GoogleDriveToolkit

__all__ = ["GoogleDriveToolkit"]
