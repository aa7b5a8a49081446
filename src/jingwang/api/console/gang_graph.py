"""A gang as a picture: which nodes to draw (capped), where to put them, and how each looks.

Pure functions over plain data, no store and no HTML: :func:`gang_graph` picks the nodes and
edges of a gang (the gang itself at the centre, its chain-linked gangs, its cases, its member
indicators), :func:`layout` places them with igraph's Kamada-Kawai layout from a fixed
seed (the same gang always gives the same picture) and scales them into an SVG ``viewBox``.
The page template draws the result as inline SVG: nothing is fetched from anywhere.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import igraph

CAP = 150
"""Most nodes in one picture; past this the page says the picture was cut."""

WIDTH, HEIGHT, PAD = 800, 560, 24
SEED = 7

KIND_COLOURS: dict[str, str] = {
    "phone": "#d1495b", "qq": "#1f78b4", "wechat": "#2e933c", "telegram": "#4fa3d1",
    "bank_card": "#e09f3e", "id_card": "#8e6c8a", "domain": "#00798c", "url": "#30638e",
    "ip": "#6a4c93", "email": "#c05780", "btc": "#f2a541", "eth": "#7d8597",
    "tron": "#c44536", "alipay": "#1677ff", "app": "#5c6b73", "device": "#8d6e63",
    "payment_account": "#b5651d",
}
"""An indicator node's fill by kind (the legend repeats it)."""

GROUP_STYLE: dict[str, tuple[str, str, float]] = {
    "center": ("circle", "#0b4f8a", 13.0),
    "gang": ("diamond", "#a15c00", 10.0),
    "case": ("square", "#6b7280", 6.5),
    "indicator": ("circle", "#9aa5b1", 6.5),
}
"""Shape, default fill and size of each group of node."""


@dataclass(frozen=True)
class Node:
    """One thing drawn: ``key`` is unique in the picture, ``group`` one of GROUP_STYLE."""

    key: str
    group: str
    label: str
    title: str
    kind: str | None = None
    href: str | None = None


@dataclass(frozen=True)
class Placed:
    """A node at its place in the viewBox, with how it is drawn."""

    node: Node
    x: float
    y: float
    size: float
    shape: str
    fill: str

    @property
    def points(self) -> str:
        """The corners of a diamond (for ``<polygon points=…>``)."""
        s, x, y = self.size, self.x, self.y
        return f"{x:.1f},{y - s:.1f} {x + s:.1f},{y:.1f} {x:.1f},{y + s:.1f} {x - s:.1f},{y:.1f}"


@dataclass(frozen=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float


@dataclass(frozen=True)
class Picture:
    """What the template draws: ``<svg viewBox="0 0 {width} {height}">``."""

    width: int
    height: int
    nodes: list[Placed]
    lines: list[Line]


def gang_graph(center: Node, linked: Sequence[Node], cases: Sequence[Node],
               indicators: Sequence[Node], appears_in: Iterable[tuple[str, str]],
               cap: int = CAP) -> tuple[list[Node], list[tuple[str, str]], bool]:
    """The nodes and edges of a gang's picture, at most ``cap`` nodes, and whether it was cut.

    Every case and linked gang hangs on the centre; an indicator hangs on each drawn case it
    appears in (``appears_in`` holds ``(indicator key, case key)`` pairs), or on the centre
    when it appears in none.  When cut, the centre and linked gangs stay, and cases and
    indicators share what is left (indicators keep at least a third of it).
    """
    head = [center, *linked][:max(cap, 1)]
    room = max(cap - len(head), 0)
    n_cases = min(len(cases), max(room - len(indicators), room - room // 3))
    n_indicators = min(len(indicators), room - n_cases)
    nodes = [*head, *cases[:n_cases], *indicators[:n_indicators]]
    capped = len(nodes) < 1 + len(linked) + len(cases) + len(indicators)
    drawn = {n.key for n in nodes}
    edges = [(center.key, n.key) for n in nodes[1:] if n.group in ("gang", "case")]
    hung: set[str] = set()
    for pair in dict.fromkeys(appears_in):
        if pair[0] in drawn and pair[1] in drawn:
            edges.append(pair)
            hung.add(pair[0])
    edges += [(center.key, n.key) for n in nodes if n.group == "indicator" and n.key not in hung]
    return nodes, edges, capped


def _positions(count: int, pairs: list[tuple[int, int]], seed: int) -> list[tuple[float, float]]:
    if count == 1:
        return [(0.0, 0.0)]
    rng = random.Random(seed)
    start = [[rng.uniform(-1, 1), rng.uniform(-1, 1)] for _ in range(count)]
    graph = igraph.Graph(n=count, edges=pairs)
    return [tuple(p) for p in graph.layout_kamada_kawai(seed=start, maxiter=50 * count).coords]


def layout(nodes: Sequence[Node], edges: Iterable[tuple[str, str]], width: int = WIDTH,
           height: int = HEIGHT, seed: int = SEED) -> Picture:
    """Place ``nodes`` (edges between their keys) inside ``0 0 width height``; the same input
    always gives the same picture, and every node lies wholly inside the box."""
    index = {n.key: i for i, n in enumerate(nodes)}
    pairs = [(index[a], index[b]) for a, b in edges if a in index and b in index and a != b]
    if not nodes:
        return Picture(width, height, [], [])
    coords = _positions(len(nodes), pairs, seed)
    margin = PAD + max(GROUP_STYLE[n.group][2] for n in nodes)
    xs, ys = [c[0] for c in coords], [c[1] for c in coords]
    span_x, span_y = max(xs) - min(xs), max(ys) - min(ys)
    scale = min((width - 2 * margin) / span_x if span_x else float("inf"),
                (height - 2 * margin) / span_y if span_y else float("inf"))
    scale = 0.0 if scale == float("inf") else scale
    mid_x, mid_y = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    placed = []
    for node, (x, y) in zip(nodes, coords, strict=True):
        shape, fill, size = GROUP_STYLE[node.group]
        if node.group == "indicator" and node.kind in KIND_COLOURS:
            fill = KIND_COLOURS[node.kind]
        placed.append(Placed(node, round(width / 2 + (x - mid_x) * scale, 1),
                             round(height / 2 + (y - mid_y) * scale, 1), size, shape, fill))
    lines = [Line(placed[a].x, placed[a].y, placed[b].x, placed[b].y) for a, b in pairs]
    return Picture(width, height, placed, lines)
