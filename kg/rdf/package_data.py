"""Where the folders that ship beside the code are: ``queries/`` and ``ontology/``.

Both stay at the top of the repository, where a contributor edits them, and go into
the wheel as ``kg/queries`` and ``kg/ontology`` (``package-dir`` in pyproject.toml).
An installed kg finds them inside its own package with importlib.resources; a source
checkout or an editable install, whose ``kg/`` holds neither, finds them beside it.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

__all__ = ["shipped_folder"]


def shipped_folder(name: str) -> Path:
    """The folder ``name`` (``"queries"`` or ``"ontology"``) of this kg, installed or not."""
    packaged = files("kg") / name
    # The code reads these folders as real files (glob, mtime, pyoxigraph's path=), so
    # only a package on disk counts; a wheel is always installed unzipped.
    if isinstance(packaged, Path) and packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / name  # kg/rdf/package_data.py → the checkout
