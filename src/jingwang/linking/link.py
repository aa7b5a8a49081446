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

from jingwang.linking.communities import (
    DEFAULT_RESOLUTION,
    LEIDEN_MAX_NODES,
    label_propagation_communities,
    leiden_communities,
)
from jingwang.linking.exclusions import ExclusionList, default_exclusions
from jingwang.linking.graph import build_graph, connected_components, materialise


@dataclass
class Group:
    """A group of indicators found together, with the records that show them."""

    key: str
    indicators: list[tuple[str, str, float]]          # kind, value, weight
    record_count: int = 0                             # records that show a member
    sources: dict[str, int] = field(default_factory=dict)   # records per source
    # The records themselves, for the sources asked for (cases by default): a gang's million
    # ledger transfers are counted, not listed.
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
    membership_key: dict[int, str] = field(default_factory=dict)  # community id → group key


NAIVE = ExclusionList(values=set(), suffixes={}, max_records=10**12, max_share=1.0)


def gang_key(indicators: list[tuple[str, str, float]]) -> str:
    """A stable id: the hash of the group's smallest indicator, so the same data keeps its ids."""
    anchor = min(f"{k}:{v}" for k, v, _ in indicators)
    return "G-" + hashlib.sha1(anchor.encode("utf-8")).hexdigest()[:10]


LISTED_SOURCES = ("cases",)


def link_sightings(sightings: pa.Table, exclusions: ExclusionList | None = None,
                   resolution: float | None = DEFAULT_RESOLUTION,
                   con: ibis.BaseBackend | None = None,
                   listed_sources: tuple[str, ...] = LISTED_SOURCES) -> LinkResult:
    """Groups of indicators from sightings; `resolution=None` skips Leiden (components only).

    Each group lists its records from `listed_sources` and counts the others by source."""
    exclusions = exclusions or default_exclusions()
    con = con or ibis.duckdb.connect()
    table = materialise(con, con.create_view("sightings_in", ibis.memtable(sightings),
                                             overwrite=True))
    graph = build_graph(con, table, exclusions)
    components = connected_components(con, graph.nodes, graph.edges)
    nodes = con.execute(graph.nodes.join(components, "ind").select(
        "ind", "kind", "value", "weight", "component"))
    edges = con.to_pyarrow(graph.edges)
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
    result = _groups(nodes, community, a, b, w, dropped, graph.records,
                     n_components=int(nodes["component"].nunique()))
    _attach_records(con, graph.sightings, community, result, listed_sources)
    return result


def _split_components(ind: np.ndarray, component: np.ndarray, a: np.ndarray, b: np.ndarray,
                      w: np.ndarray, resolution: float) -> dict[int, int]:
    """Leiden inside each component of three or more indicators, label propagation inside the
    giant ones (vectorised over the edges)."""
    ind = ind.astype(np.int64)
    comp = np.full(int(ind.max()) + 1, -1, dtype=np.int64)
    comp[ind] = component.astype(np.int64)
    sizes = np.bincount(component.astype(np.int64))
    node_size, edge_size = sizes[comp[ind]], sizes[comp[a.astype(np.int64)]]
    out: dict[int, int] = {}
    mid = (edge_size >= 3) & (edge_size <= LEIDEN_MAX_NODES)
    if mid.any():
        nodes = np.sort(ind[(node_size >= 3) & (node_size <= LEIDEN_MAX_NODES)])
        out.update(leiden_communities(nodes, a[mid], b[mid], w[mid], resolution))
    huge = edge_size > LEIDEN_MAX_NODES
    if huge.any():
        nodes = np.sort(ind[node_size > LEIDEN_MAX_NODES])
        out.update(label_propagation_communities(nodes, a[huge], b[huge], w[huge]))
    return out


def _attach_records(con: ibis.BaseBackend, sightings, community: dict[int, int],
                    result: LinkResult, listed_sources: tuple[str, ...]) -> None:
    """Count each group's records per source in the engine; list those of `listed_sources`."""
    by_key = {g.key: g for g in result.groups}
    key_of = result.membership_key
    mapping = con.create_view("jingwang_communities", ibis.memtable(pa.table({
        "ind": list(community), "community": list(community.values())})), overwrite=True)
    joined = sightings.join(mapping, "ind")
    counts = joined.group_by(["community", "source"]).aggregate(n=joined.rec.nunique())
    totals = joined.group_by("community").aggregate(n=joined.rec.nunique())
    for row in con.to_pyarrow(totals).to_pylist():
        by_key[key_of[row["community"]]].record_count = int(row["n"])
    for row in con.to_pyarrow(counts).to_pylist():
        by_key[key_of[row["community"]]].sources[row["source"]] = int(row["n"])
    listed = joined.filter(joined.source.isin(list(listed_sources) or [""])).select(
        "community", "source", "record_id").distinct()
    for row in con.to_pyarrow(listed).to_pylist():
        by_key[key_of[row["community"]]].records.add((row["source"], row["record_id"]))


def _groups(nodes, community: dict[int, int], a: np.ndarray, b: np.ndarray,
            w: np.ndarray, dropped: list, total: int, n_components: int) -> LinkResult:
    members: dict[int, list[tuple[str, str, float]]] = defaultdict(list)
    info = {}
    for i, k, v, wt in zip(nodes["ind"].tolist(), nodes["kind"].tolist(), nodes["value"].tolist(),
                           nodes["weight"].tolist(), strict=True):
        members[community[i]].append((k, v, float(wt)))
        info[i] = (k, v)
    keys = {c: gang_key(m) for c, m in members.items()}
    groups = {c: Group(key=keys[c], indicators=sorted(m)) for c, m in members.items()}
    links: dict[tuple[str, str], tuple[float, int]] = {}
    if len(a):
        # Vectorised over the edges: a community id per node, then sums per community.
        size = int(max(community)) + 1
        comm = np.full(size, -1, dtype=np.int64)
        comm[np.fromiter(community.keys(), np.int64)] = np.fromiter(community.values(), np.int64)
        ca, cb = comm[a.astype(np.int64)], comm[b.astype(np.int64)]
        same = ca == cb
        inside = np.bincount(ca[same], weights=w[same], minlength=size)
        across = (np.bincount(ca[~same], weights=w[~same], minlength=size)
                  + np.bincount(cb[~same], weights=w[~same], minlength=size))
        for c, group in groups.items():
            group.internal_weight = float(inside[c])
            group.boundary_weight = float(across[c])
        lo, hi = np.minimum(ca[~same], cb[~same]), np.maximum(ca[~same], cb[~same])
        if len(lo):
            uniq, inverse, ties = np.unique(lo * size + hi, return_inverse=True,
                                            return_counts=True)
            weight = np.bincount(inverse, weights=w[~same])
            for p, wt, n in zip(uniq.tolist(), weight.tolist(), ties.tolist(), strict=True):
                pair = tuple(sorted((keys[p // size], keys[p % size])))
                links[pair] = (float(wt), int(n))
    membership = {info[i]: keys[c] for i, c in community.items()}
    return LinkResult(groups=sorted(groups.values(), key=lambda g: g.key), links=links,
                      dropped=dropped, records=total, components=n_components,
                      membership=membership, membership_key=keys)
