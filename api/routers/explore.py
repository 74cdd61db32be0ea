"""The graph explorer: a static page (Cytoscape.js, bundled) over /search and /export.

The page and its scripts are files under api/static/explore/, served from here so
that nothing is loaded from another host at run time; but for kinds.js, written here
from kg.rdf.kinds, so that the page colours and names each kind of node as the exports do.
"""

from __future__ import annotations

import json
from pathlib import Path as FsPath
from typing import Annotated

from fastapi import APIRouter, Path, Response
from fastapi.responses import FileResponse

from api.problems import HttpProblem
from kg.rdf import KINDS, OTHER_COLOUR, OTHER_LEGEND, OTHER_TYPE

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


_ASSET_CACHE = {"Cache-Control": "public, max-age=300"}

# Keyed by a node's ``type`` in the exports (a class's local name).
_KINDS = {k.type_name: {"colour": k.colour, "legend": k.legend} for k in KINDS}
_KINDS[OTHER_TYPE] = {"colour": OTHER_COLOUR, "legend": OTHER_LEGEND}
KINDS_SCRIPT = (
    "// Written by api/routers/explore.py from kg.rdf.kinds: each kind's colour and legend word.\n"
    f"window.KG_KINDS = {json.dumps(_KINDS, ensure_ascii=False, indent=1)};\n"
)


@router.get("/explore/kinds.js", include_in_schema=False)
def explore_kinds() -> Response:
    return Response(KINDS_SCRIPT, media_type=_MEDIA[".js"], headers=_ASSET_CACHE)


@router.get("/explore/{asset}", include_in_schema=False)
def explore_asset(
    asset: Annotated[str, Path(pattern=r"^[A-Za-z0-9_.-]+\.(js|css|html)$")],
) -> FileResponse:
    path = STATIC / asset
    # Only files directly in the folder: the pattern already forbids separators.
    if not path.is_file() or path.parent != STATIC:
        raise HttpProblem(404, f"no explorer asset {asset!r}")
    return FileResponse(path, media_type=_MEDIA[path.suffix], headers=_ASSET_CACHE)
