"""A static picture of a graph view (PNG or SVG) with legible Chinese labels.

matplotlib draws with the first CJK font it can find (Noto Sans CJK from Debian's
``fonts-noto-cjk``, WenQuanYi, Source Han …), registered with its font manager;
without one every Chinese label would be a row of boxes, so drawing fails with a
message naming the package to install instead.  Layout: spring (Fruchterman–
Reingold, seeded so a picture is reproducible), node size by degree, labels on the
best-connected nodes only when the view is large, and at most ``max_nodes`` nodes
(the best connected) so a picture of a big view is not a hairball.
"""

from __future__ import annotations

import io
import math
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

import networkx as nx

from kg.errors import ConfigError
from kg.rdf.kinds import OTHER_TYPE, colour_of

__all__ = ["cjk_font", "draw"]

# Family names to prefer, Simplified Chinese forms first.
_PREFERRED = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Noto Sans CJK JP",
    "Noto Serif CJK SC",
    "AR PL UMing CN",
    "Droid Sans Fallback",
)
_FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", str(Path.home() / ".fonts"))


@cache
def cjk_font() -> str:
    """The family name of a CJK font registered with matplotlib, or ConfigError."""
    from matplotlib import font_manager

    def known() -> set[str]:
        return {f.name for f in font_manager.fontManager.ttflist}

    for name in _PREFERRED:
        if name in known():
            return name
    # Fonts installed after matplotlib built its cache: register them by file.
    for path in _cjk_font_files():
        try:
            font_manager.fontManager.addfont(path)
        except (OSError, RuntimeError, ValueError):
            continue
    names = known()
    for name in _PREFERRED:
        if name in names:
            return name
    cjk = sorted(
        n for n in names if any(k in n for k in ("CJK", "Hei", "Song", "Kai", "Ming", "Han Sans"))
    )
    if cjk:
        return cjk[0]
    raise ConfigError(
        "no Chinese font for drawing: install one (Debian: apt-get install fonts-noto-cjk, "
        "or fonts-wqy-microhei) and try again"
    )


def _cjk_font_files() -> list[str]:
    try:
        listed = subprocess.run(
            ["fc-list", ":lang=zh", "file"], capture_output=True, text=True, timeout=10, check=False
        ).stdout
        files = [line.split(":")[0].strip() for line in listed.splitlines() if line.strip()]
    except (OSError, subprocess.SubprocessError):
        files = []
    if not files:
        for directory in _FONT_DIRS:
            for pattern in ("*CJK*", "*wqy*", "*SourceHan*", "*SC-*"):
                files += [str(p) for p in Path(directory).rglob(pattern) if p.is_file()]
    return sorted({f for f in files if f.lower().endswith((".ttf", ".otf", ".ttc", ".otc"))})


def draw(
    graph: nx.MultiDiGraph,
    fmt: str = "png",
    *,
    max_nodes: int = 300,
    max_labels: int = 40,
    seed: int = 42,
) -> bytes:
    """The graph drawn as PNG or SVG bytes."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    if fmt not in ("png", "svg"):
        raise ValueError(f"draw makes png or svg, not {fmt!r}")
    family = cjk_font()
    total = graph.number_of_nodes()
    simple = nx.Graph(graph.to_undirected(as_view=True))
    if total > max_nodes:
        keep = sorted(simple.degree, key=lambda nd: (-nd[1], str(nd[0])))[:max_nodes]
        simple = simple.subgraph(n for n, _ in keep).copy()
    degree = dict(simple.degree)
    n = max(simple.number_of_nodes(), 1)

    side = min(24.0, max(8.0, 2.2 * math.sqrt(n)))
    with plt.rc_context(
        {
            "font.family": "sans-serif",
            "font.sans-serif": [family, "DejaVu Sans"],
            "svg.fonttype": "path",
        }
    ):
        fig, ax = plt.subplots(figsize=(side, side * 0.75), dpi=100)
        try:
            if simple.number_of_nodes():
                pos = _layout(simple, seed)
                nodes = list(simple.nodes)
                kinds = [graph.nodes[v].get("type", OTHER_TYPE) for v in nodes]
                sizes = [80 + 60 * math.sqrt(degree[v]) * 3 for v in nodes]
                directed = nx.DiGraph(graph.subgraph(nodes))
                nx.draw_networkx_edges(
                    directed, pos, ax=ax, alpha=0.45, width=0.8, edge_color="#777777",
                    arrows=True, arrowsize=8, node_size=sizes, nodelist=nodes,
                )  # fmt: skip
                nx.draw_networkx_nodes(
                    simple, pos, ax=ax, nodelist=nodes, node_size=sizes,
                    node_color=[colour_of(k) for k in kinds], linewidths=0.5, edgecolors="#333333",
                )  # fmt: skip
                shown = nodes
                if len(nodes) > max_labels:
                    shown = sorted(nodes, key=lambda v: (-degree[v], str(v)))[:max_labels]
                labels = {v: _short(graph.nodes[v].get("label", v)) for v in shown}
                nx.draw_networkx_labels(
                    simple, pos, labels=labels, ax=ax, font_size=9, font_family=family
                )
                present = sorted(set(kinds))
                handles = [
                    Line2D(
                        [], [], marker="o", linestyle="", markersize=9, color=colour_of(k), label=k
                    )
                    for k in present
                ]
                ax.legend(handles=handles, loc="upper left", fontsize=9, frameon=False)
            title = str(graph.graph.get("name") or "graph")
            if total > simple.number_of_nodes():
                title += f"（显示度数最高的 {simple.number_of_nodes()} 个节点，共 {total} 个）"
            else:
                title += f"（{total} 个节点，{graph.number_of_edges()} 条边）"
            ax.set_title(title, fontfamily=family)
            ax.set_axis_off()
            fig.tight_layout()
            buffer = io.BytesIO()
            fig.savefig(buffer, format=fmt, facecolor="white")
        finally:
            plt.close(fig)
    return buffer.getvalue()


def _layout(graph: nx.Graph, seed: int) -> dict[Any, tuple[float, float]]:
    """Spring layout per connected component, components packed in rows, largest first.

    One spring layout of a graph in pieces flings the pieces to the corners and
    crushes each into a clump; laying each out on its own keeps them readable.
    """
    components = sorted(nx.connected_components(graph), key=lambda c: (-len(c), min(map(str, c))))
    total = sum(len(c) for c in components)
    row_width = max(1.0, 1.3 * math.sqrt(total))
    pos: dict[Any, tuple[float, float]] = {}
    x = y = row_height = 0.0
    singles: list[Any] = []
    for component in components:
        if len(component) == 1:
            singles.extend(component)
            continue
        sub = graph.subgraph(component)
        size = math.sqrt(len(component))
        local = nx.spring_layout(sub, k=1.5 / math.sqrt(len(component)), iterations=150, seed=seed)
        xs = [p[0] for p in local.values()]
        ys = [p[1] for p in local.values()]
        span = max(max(xs) - min(xs), max(ys) - min(ys), 1e-9)
        if x > 0 and x + size > row_width:
            x, y, row_height = 0.0, y - row_height - 0.6, 0.0
        for node, (px, py) in local.items():
            pos[node] = (x + (px - min(xs)) / span * size, y - (max(ys) - py) / span * size)
        x += size + 0.6
        row_height = max(row_height, size)
    if singles:
        # Unconnected nodes in a grid under the rest.
        y -= row_height + 0.6
        columns = max(1, int(row_width / 0.8))
        for i, node in enumerate(sorted(singles, key=str)):
            pos[node] = ((i % columns) * 0.8, y - (i // columns) * 0.5)
    return pos


def _short(label: Any, limit: int = 18) -> str:
    text = str(label)
    return text if len(text) <= limit else text[: limit - 1] + "…"
