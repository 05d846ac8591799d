"""The viewer page: one HTML document with its CSS and JavaScript inline (nothing is fetched from
elsewhere), either reading the local JSON API or carrying the whole log embedded."""

from __future__ import annotations

import html
import json
from importlib import resources
from typing import Any

__all__ = ["export_html", "notebook_html", "page_html"]

_TEMPLATE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>{title}</title>
<style>{css}</style>
</head>
<body>
<header><h1>AG2 run viewer</h1><span class="src" id="src"></span></header>
<div id="app">
<nav><h2>Runs</h2><ul id="runs"></ul></nav>
<main id="main"></main>
<aside id="detail" hidden></aside>
</div>
{data}<script>{js}</script>
</body>
</html>
"""


def _static(name: str) -> str:
    return resources.files(__package__).joinpath("static", name).read_text(encoding="utf-8")


def _embed(data: Any) -> str:
    # "</" cannot end the script element early once written as "<\\/" (still the same JSON).
    text = json.dumps(data, default=str, separators=(",", ":")).replace("</", "<\\/").replace("<!--", "<\\!--")
    return f'<script type="application/json" id="ag2-viewer-data">{text}</script>\n'


def page_html(title: str = "AG2 run viewer", data: Any = None) -> str:
    """The page; with ``data`` (a viewer log) it is self-contained, otherwise it reads ``api/...``."""
    return _TEMPLATE.format(
        title=html.escape(title),
        css=_static("viewer.css"),
        js=_static("viewer.js").replace("</script", "<\\/script"),
        data=_embed(data) if data is not None else "",
    )


def export_html(log: dict[str, Any]) -> str:
    """A self-contained page showing ``log`` (share it as one file)."""
    return page_html(f"AG2 run viewer - {log.get('source', '')}", log)


def notebook_html(log: dict[str, Any], height: int = 640) -> str:
    """``log``'s page inside an iframe (its styles and script kept apart from the notebook's)."""
    doc = html.escape(export_html(log), quote=True)
    return (
        f'<div class="ag2-viewer"><iframe srcdoc="{doc}" style="width:100%;height:{int(height)}px;border:1px solid #ddd" '
        'sandbox="allow-scripts" title="AG2 run viewer"></iframe></div>'
    )
