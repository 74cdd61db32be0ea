"""The graph explorer: a static page (Cytoscape.js, bundled) over /search and /export.

The page and its scripts are files under api/static/explore/, served from here so
that nothing is loaded from another host at run time.
"""

from __future__ import annotations

from pathlib import Path as FsPath
from typing import Annotated

from fastapi import APIRouter, Path
from fastapi.responses import FileResponse

from api.problems import HttpProblem

router = APIRouter(tags=["explore"])

STATIC = FsPath(__file__).resolve().parent.parent / "static" / "explore"
_MEDIA = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
}


@router.get("/explore", include_in_schema=False)
def explore_page() -> FileResponse:
    return FileResponse(STATIC / "index.html", media_type=_MEDIA[".html"])


@router.get("/explore/{asset}", include_in_schema=False)
def explore_asset(
    asset: Annotated[str, Path(pattern=r"^[A-Za-z0-9_.-]+\.(js|css|html)$")],
) -> FileResponse:
    path = STATIC / asset
    # Only files directly in the folder: the pattern already forbids separators.
    if not path.is_file() or path.parent != STATIC:
        raise HttpProblem(404, f"no explorer asset {asset!r}")
    return FileResponse(
        path, media_type=_MEDIA[path.suffix], headers={"Cache-Control": "public, max-age=300"}
    )
