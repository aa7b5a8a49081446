"""Link sightings into groups: the graph in Ibis, components, Leiden communities, gang keys.

`link_sightings(table)` takes an Arrow table of sightings (source, record_id, kind, value) and
returns the groups it finds — no store involved, so a notebook or a benchmark can call it on
any data.  `jingwang.linking.store_gangs` writes a result into the knowledge store.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field

import ibis
import numpy as np
import pyarrow as pa

from jingwang.linking.communities import DEFAULT_RESOLUTION, leiden_communities
from jingwang.linking.exclusions import ExclusionList, default_exclusions
from jingwang.linking.graph import build_graph, connected_components, materialise


@dataclass
class Group:
    """A group of indicators found together, with the records that show them."""

    key: str
    indicators: list[tuple[str, str, float]]          # kind, value, weight
    records: set[tuple[str, str]] = field(default_factory=set)
    internal_weight: float = 0.0
    boundary_weight: float = 0.0

    @property
    def cohesion(self) -> float:
        """Share of the group's tie weight that stays inside it (1.0: nothing leads out)."""
        total = self.internal_weight + self.boundary_weight
        return self.internal_weight / total if total else 0.0


@dataclass
class LinkResult:
    groups: list[Group]
    # (group key, group key) → (tie weight, indicator pairs that tie them): who deals with whom.
    links: dict[tuple[str, str], tuple[float, int]]
    dropped: list[tuple[str, str, int, str]]
    records: int
    components: int
    membership: dict[tuple[str, str], str]            # (kind, value) → group key


NAIVE = ExclusionList(values=set(), suffixes={}, max_records=10**12, max_share=1.0)


def gang_key(indicators: list[tuple[str, str, float]]) -> str:
    """A stable id: the hash of the group's smallest indicator, so the same data keeps its ids."""
    anchor = min(f"{k}:{v}" for k, v, _ in indicators)
    return "G-" + hashlib.sha1(anchor.encode("utf-8")).hexdigest()[:10]


def link_sightings(sightings: pa.Table, exclusions: ExclusionList | None = None,
                   resolution: float | None = DEFAULT_RESOLUTION,
                   con: ibis.BaseBackend | None = None) -> LinkResult:
    """Groups of indicators from sightings; `resolution=None` skips Leiden (components only)."""
    exclusions = exclusions or default_exclusions()
    con = con or ibis.duckdb.connect()
    table = materialise(con, con.create_view("sightings_in", ibis.memtable(sightings),
                                             overwrite=True))
    graph = build_graph(con, table, exclusions)
    components = connected_components(con, graph.nodes, graph.edges)
    nodes = con.execute(graph.nodes.join(components, "ind").select(
        "ind", "kind", "value", "weight", "component"))
    edges = con.to_pyarrow(graph.edges)
    records = con.to_pyarrow(graph.sightings.semi_join(graph.nodes, "ind").select(
        "ind", "source", "record_id"))
    dropped = [(r["kind"], r["value"], int(r["df"]), r["reason"])
               for r in con.to_pyarrow(graph.dropped).to_pylist()]

    ind = nodes["ind"].to_numpy()
    community = dict(zip(ind.tolist(), nodes["component"].to_numpy().tolist(), strict=True))
    a = edges["a"].to_numpy(zero_copy_only=False)
    b = edges["b"].to_numpy(zero_copy_only=False)
    w = edges["weight"].to_numpy(zero_copy_only=False)
    if resolution is not None and len(a):
        community.update(_split_components(ind, nodes["component"].to_numpy(), a, b, w,
                                           resolution))
    return _groups(nodes, community, a, b, w, records, dropped, graph.records,
                   n_components=int(nodes["component"].nunique()))


def _split_components(ind: np.ndarray, component: np.ndarray, a: np.ndarray, b: np.ndarray,
                      w: np.ndarray, resolution: float) -> dict[int, int]:
    """Leiden inside each component of three or more indicators."""
    comp_of = dict(zip(ind.tolist(), component.tolist(), strict=True))
    sizes = defaultdict(int)
    for c in component.tolist():
        sizes[c] += 1
    big = {c for c, n in sizes.items() if n >= 3}
    keep = np.fromiter((comp_of[x] in big for x in a.tolist()), bool, len(a))
    if not keep.any():
        return {}
    nodes = np.array(sorted({x for x in ind.tolist() if comp_of[x] in big}))
    return leiden_communities(nodes, a[keep], b[keep], w[keep], resolution)


def _groups(nodes, community: dict[int, int], a: np.ndarray, b: np.ndarray,
            w: np.ndarray, records: pa.Table, dropped: list, total: int,
            n_components: int) -> LinkResult:
    members: dict[int, list[tuple[str, str, float]]] = defaultdict(list)
    info = {}
    for i, k, v, wt in zip(nodes["ind"].tolist(), nodes["kind"].tolist(), nodes["value"].tolist(),
                           nodes["weight"].tolist(), strict=True):
        members[community[i]].append((k, v, float(wt)))
        info[i] = (k, v)
    keys = {c: gang_key(m) for c, m in members.items()}
    groups = {c: Group(key=keys[c], indicators=sorted(m)) for c, m in members.items()}
    links: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0.0, 0])
    for x, y, wt in zip(a.tolist(), b.tolist(), w.tolist(), strict=True):
        cx, cy = community[x], community[y]
        if cx == cy:
            groups[cx].internal_weight += wt
        else:
            groups[cx].boundary_weight += wt
            groups[cy].boundary_weight += wt
            pair = tuple(sorted((keys[cx], keys[cy])))
            links[pair][0] += wt
            links[pair][1] += 1
    for i, source, record_id in zip(records["ind"].to_pylist(), records["source"].to_pylist(),
                                    records["record_id"].to_pylist(), strict=True):
        groups[community[i]].records.add((source, record_id))
    membership = {info[i]: keys[c] for i, c in community.items()}
    return LinkResult(groups=sorted(groups.values(), key=lambda g: g.key),
                      links={k: (v[0], int(v[1])) for k, v in links.items()},
                      dropped=dropped, records=total, components=n_components,
                      membership=membership)
