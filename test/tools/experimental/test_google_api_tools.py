"""Google Search, YouTube search and the Google Drive toolkit on the real ``googleapiclient``, built from the
discovery documents it ships and pointed (``client_options.api_endpoint``, set from the private
``_google_api._api_endpoint`` that the tools' own API does not expose) at a local server answering as the
Custom Search, YouTube Data and Drive v3 APIs do. No network, no real credentials."""

from __future__ import annotations

import pytest
from _web_fakes import ApiCall, FakeJsonApi

from autogen.tools.experimental import GoogleSearchTool, YoutubeSearchTool, _google_api

pytest.importorskip("googleapiclient", reason="needs the google-search extra")


def customsearch(call: ApiCall):
    if call.query.get("key") != "g-key":
        return 400, {"error": {"code": 400, "message": "API key not valid.", "status": "INVALID_ARGUMENT"}}
    items = [
        {"kind": "customsearch#result", "title": "AG2", "link": "https://ag2.ai", "snippet": "Agents."},
        {"kind": "customsearch#result", "title": "Docs", "link": "https://docs.ag2.ai", "snippet": "Read."},
    ]
    return 200, {"kind": "customsearch#search", "items": items[: int(call.query["num"])]}


def youtube_search(call: ApiCall):
    def item(video_id: str, kind: str = "youtube#video") -> dict:
        snippet = {
            "title": f"Video {video_id}",
            "description": f"About {video_id}",
            "publishedAt": "2025-01-01T00:00:00Z",
            "channelTitle": "AG2",
        }
        return {"kind": "youtube#searchResult", "id": {"kind": kind, "videoId": video_id}, "snippet": snippet}

    return 200, {"kind": "youtube#searchListResponse", "items": [item("v1"), item("v2")]}


def youtube_videos(call: ApiCall):
    details = {
        "v1": {"duration": "PT3M", "definition": "hd", "viewCount": "10", "likeCount": "2", "commentCount": "1"},
    }
    items = [
        {
            "kind": "youtube#video",
            "id": vid,
            "contentDetails": {"duration": d["duration"], "definition": d["definition"]},
            "statistics": {k: d[k] for k in ("viewCount", "likeCount", "commentCount")},
        }
        for vid, d in details.items()
        if vid in call.query["id"].split(",")
    ]
    return 200, {"kind": "youtube#videoListResponse", "items": items}


@pytest.fixture
def google(monkeypatch):
    routes = {
        "GET /customsearch/v1": customsearch,
        "GET /youtube/v3/search": youtube_search,
        "GET /youtube/v3/videos": youtube_videos,
    }
    with FakeJsonApi(routes) as server:
        monkeypatch.setattr(_google_api, "_api_endpoint", server.url + "/")
        yield server


def test_google_search_with_keys(google):
    tool = GoogleSearchTool(search_api_key="g-key", search_engine_id="cx-1", use_internal_llm_tool_if_available=False)
    assert tool.name == "google_search"
    assert tool(query="ag2", num_results=1) == [{"title": "AG2", "link": "https://ag2.ai", "snippet": "Agents."}]
    assert {k: google.calls[0].query[k] for k in ("q", "cx", "num")} == {"q": "ag2", "cx": "cx-1", "num": "1"}
    assert "search_api_key" not in str(tool.tool_schema)  # injected, never shown to the model


def test_google_search_api_errors_are_raised(google):
    tool = GoogleSearchTool(search_api_key="bad", search_engine_id="cx", use_internal_llm_tool_if_available=False)
    with pytest.raises(Exception, match="API key not valid"):
        tool(query="ag2")


def test_youtube_search_with_details(google):
    tool = YoutubeSearchTool(youtube_api_key="yt-key")
    videos = tool(query="agents", max_results=2)
    assert [v["url"] for v in videos] == ["https://www.youtube.com/watch?v=v1", "https://www.youtube.com/watch?v=v2"]
    assert (videos[0]["viewCount"], videos[0]["duration"], videos[0]["channelTitle"]) == ("10", "PT3M", "AG2")
    assert "viewCount" not in videos[1]  # no details came back for v2
    search, details = google.calls
    assert (search.query["maxResults"], search.query["type"], search.query["key"]) == ("2", "video", "yt-key")
    assert details.query["id"] == "v1,v2" and details.query["part"] == "snippet,contentDetails,statistics"


def test_youtube_search_without_details_makes_one_call(google):
    videos = YoutubeSearchTool(youtube_api_key="yt-key")(query="agents", include_video_details=False)
    assert len(videos) == 2 and "duration" not in videos[0]
    assert len(google.calls) == 1


# --- Google Drive ------------------------------------------------------------------------------------------

DRIVE_FILES = [
    {"kind": "drive#file", "id": "f-png", "name": "chart", "mimeType": "image/png"},
    {"kind": "drive#file", "id": "f-doc", "name": "Notes", "mimeType": "application/vnd.google-apps.document"},
    {"kind": "drive#file", "id": "f-gone", "name": "gone.txt", "mimeType": "text/plain"},
]


def drive_file(call: ApiCall):
    file_id = call.path.split("/")[4]
    if call.headers.get("authorization") != "Bearer drive-token":
        return 401, {"error": {"code": 401, "message": "Invalid Credentials"}}
    if call.path.endswith("/export"):
        return 200, f"exported {file_id} as {call.query['mimeType']}".encode(), "application/octet-stream"
    if file_id == "f-gone":
        return 404, {"error": {"code": 404, "message": "File not found: f-gone."}}
    if call.query.get("alt") == "media":
        return 200, b"\x89PNG bytes", "image/png"
    return 400, {"error": {"code": 400, "message": "unexpected"}}


def drive_list(call: ApiCall):
    files = DRIVE_FILES
    if "q" in call.query:
        files = [
            f for f in files if call.query["q"] == "'folder-1' in parents and trashed=false" and f["id"] != "f-doc"
        ]
    return 200, {"kind": "drive#fileList", "files": files[: int(call.query["pageSize"])]}


@pytest.fixture
def drive(monkeypatch, tmp_path):
    pytest.importorskip("google_auth_oauthlib", reason="needs the google-api extra")
    from google.oauth2.credentials import Credentials

    from autogen.tools.experimental.google import GoogleDriveToolkit

    with FakeJsonApi({"GET /drive/v3/files": drive_list, "GET /drive/v3/files/*": drive_file}) as server:
        monkeypatch.setattr(_google_api, "_api_endpoint", server.url + "/drive/v3/")
        toolkit = GoogleDriveToolkit(credentials=Credentials(token="drive-token"), download_folder=tmp_path / "dl")
        yield server, toolkit, tmp_path / "dl"


def test_drive_lists_files_and_folders(drive):
    server, toolkit, _ = drive
    listing = toolkit.get_tool("list_drive_files_and_folders")
    assert [f.name for f in listing(page_size=2)] == ["chart", "Notes"]
    assert [f.id for f in listing(folder_id="folder-1")] == ["f-png", "f-gone"]
    assert server.calls[0].query["fields"] == "nextPageToken, files(id, name, mimeType)"


def test_drive_downloads_and_exports_into_the_folder(drive):
    _, toolkit, folder = drive
    download = toolkit.get_tool("download_file_from_drive")
    png, doc = ({"id": f["id"], "name": f["name"], "mimeType": f["mimeType"]} for f in DRIVE_FILES[:2])
    assert download(file_info=png) == "✅ Downloaded: chart.png"
    assert (folder / "chart.png").read_bytes() == b"\x89PNG bytes"
    assert download(file_info=doc, subfolder_path="docs/2025") == "✅ Downloaded: docs/2025/Notes.docx"
    exported = (folder / "docs" / "2025" / "Notes.docx").read_text()
    assert exported == "exported f-doc as application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def test_drive_reports_a_failed_download(drive):
    _, toolkit, folder = drive
    gone = {"id": "f-gone", "name": "gone.txt", "mimeType": "text/plain"}
    result = toolkit.get_tool("download_file_from_drive")(file_info=gone)
    assert result.startswith("❌ FAILED to download gone.txt:") and "404" in result
    assert not (folder / "gone.txt").exists()


def test_drive_never_writes_outside_the_download_folder(drive):
    server, toolkit, folder = drive
    download = toolkit.get_tool("download_file_from_drive")
    png = {"id": "f-png", "name": "chart.png", "mimeType": "image/png"}
    with pytest.raises(ValueError, match="subfolder_path escapes download_folder"):
        download(file_info=png, subfolder_path="../../outside")
    with pytest.raises(ValueError, match="file_name escapes download_folder"):
        download(file_info={**png, "name": "../../evil.png"})
    with pytest.raises(ValueError, match="subfolder_path escapes download_folder"):
        download(file_info=png, subfolder_path=str(folder.parent / "elsewhere"))  # absolute
    assert sorted(p.name for p in folder.parent.iterdir()) == ["dl"] and list(folder.iterdir()) == []
    assert server.calls == []  # refused before anything was downloaded


def test_drive_toolkit_exclude_and_scopes(drive, tmp_path):
    from google.oauth2.credentials import Credentials

    from autogen.tools.experimental.google import GoogleDriveToolkit, GoogleToolkitProtocol

    toolkit = GoogleDriveToolkit(
        credentials=Credentials(token="t"), download_folder=str(tmp_path / "x"), exclude=["download_file_from_drive"]
    )
    assert [t.name for t in toolkit.tools] == ["list_drive_files_and_folders"]
    assert GoogleDriveToolkit.recommended_scopes() == ["https://www.googleapis.com/auth/drive.readonly"]
    assert isinstance(toolkit, GoogleToolkitProtocol)


def test_local_credentials_come_from_a_saved_token(tmp_path):
    pytest.importorskip("google_auth_oauthlib", reason="needs the google-api extra")
    from autogen.tools.experimental.google import GoogleCredentialsLocalProvider, GoogleCredentialsProvider

    token = tmp_path / "token.json"
    token.write_text(
        '{"token": "access", "refresh_token": "refresh", "client_id": "cid", "client_secret": "secret",'
        ' "scopes": ["https://www.googleapis.com/auth/drive.readonly"], "expiry": "2999-01-01T00:00:00Z"}'
    )
    provider = GoogleCredentialsLocalProvider(
        client_secret_file=str(tmp_path / "client_secret.json"),
        scopes=["https://www.googleapis.com/auth/drive.readonly"],
        token_file=str(token),
    )
    assert isinstance(provider, GoogleCredentialsProvider)
    assert (provider.host, provider.port) == ("localhost", 8080)
    credentials = provider.get_credentials()
    assert credentials.token == "access" and credentials.valid
