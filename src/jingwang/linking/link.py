"""Link sightings into groups: the graph in Ibis, components, Leiden communities, gang keys.

`link_sightings(table)` takes an Arrow (or Ibis) table of sightings (source, record_id, kind,
value) and returns the groups it finds — no store involved, so a notebook or a benchmark can call
it on any data.  `jingwang.linking.store_gangs` writes a result into the knowledge store.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import ibis
import ibis.expr.types as ir
import numpy as np
import pyarrow as pa

from jingwang.linking.communities import (
    DEFAULT_RESOLUTION,
    LEIDEN_MAX_NODES,
    label_propagation_communities,
    leiden_communities,
)
from jingwang.linking.exclusions import ExclusionList, default_exclusions
from jingwang.linking.graph import IndicatorGraph, build_graph, connected_components


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
# What the in-process DuckDB may hold before it spills to disk.  Its own default is 80% of the
# machine; the graph's joins over tens of millions of sightings would take that, and the Leiden
# and group building that follow in Python need room beside it.
DUCKDB_MEMORY_LIMIT = "3GiB"


@contextmanager
def bounded_duckdb(memory_limit: str = DUCKDB_MEMORY_LIMIT) -> Iterator[ibis.BaseBackend]:
    """An in-process DuckDB that spills past `memory_limit` to a scratch folder removed after."""
    with tempfile.TemporaryDirectory(prefix="jingwang-duckdb-") as scratch:
        # Insertion order is not kept: nothing downstream reads rows in the order they came.
        con = ibis.duckdb.connect(memory_limit=memory_limit, temp_directory=scratch,
                                  preserve_insertion_order=False)
        try:
            yield con
        finally:
            con.disconnect()


def link_sightings(sightings: pa.Table | ir.Table, exclusions: ExclusionList | None = None,
                   resolution: float | None = DEFAULT_RESOLUTION,
                   con: ibis.BaseBackend | None = None,
                   listed_sources: tuple[str, ...] = LISTED_SOURCES) -> LinkResult:
    """Groups of indicators from sightings; `resolution=None` skips Leiden (components only).

    `sightings` is an Arrow table, or an Ibis table with the same columns on `con` (a view over
    Parquet, say: tens of millions of ledger sightings need never become Python strings).
    Without `con` the steps run on a memory-bounded DuckDB (the Ibis table's own backend when
    given one).  Each group lists its records from `listed_sources` and counts the others by
    source."""
    exclusions = exclusions or default_exclusions()
    if con is None and isinstance(sightings, ir.Table):
        con = sightings.get_backend()
    if con is None:
        with bounded_duckdb() as own:
            return _link(own, sightings, exclusions, resolution, listed_sources)
    return _link(con, sightings, exclusions, resolution, listed_sources)


def _link(con: ibis.BaseBackend, sightings: pa.Table | ir.Table, exclusions: ExclusionList,
          resolution: float | None, listed_sources: tuple[str, ...]) -> LinkResult:
    if isinstance(sightings, pa.Table):
        # A view, not a copy: DuckDB scans the Arrow table where it lies.
        sightings = con.create_view("sightings_in", ibis.memtable(sightings), overwrite=True)
    graph = build_graph(con, sightings, exclusions)
    components = connected_components(con, graph.nodes, graph.edges)
    nodes = con.to_pyarrow(graph.nodes.join(components, "ind").select(
        "ind", "kind", "value", "weight", "component").order_by("ind"))
    a, b, w = _edge_arrays(con.to_pyarrow(graph.edges))
    dropped = [(r["kind"], r["value"], int(r["df"]), r["reason"])
               for r in con.to_pyarrow(graph.dropped).to_pylist()]

    ind = nodes["ind"].to_numpy().astype(np.int64)
    component = nodes["component"].to_numpy().astype(np.int64)
    # Each indicator's community, indexed by its number: its component until Leiden splits it.
    community = np.full(int(ind.max()) + 1 if len(ind) else 0, -1, dtype=np.int64)
    community[ind] = component
    if resolution is not None and len(a):
        _split_components(community, ind, a, b, w, resolution)
    result = _groups(nodes, community, a, b, w, dropped, graph.records,
                     n_components=len(np.unique(component)))
    _attach_records(con, graph, ind, community, result, listed_sources)
    return result


def _edge_arrays(edges: pa.Table) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(a, b, weight) as numpy arrays, in (a, b) order: the graph Leiden and label propagation
    see is the same every run, whatever order the engine returned the edges in."""
    order = np.lexsort((edges["b"].to_numpy(), edges["a"].to_numpy()))
    a = edges["a"].to_numpy().astype(np.int64)[order]
    b = edges["b"].to_numpy().astype(np.int64)[order]
    n = edges["n"].to_numpy().astype(np.int64)[order]
    rarer = edges["rarer"].to_numpy().astype(np.float64)[order]
    return a, b, repeated_sum(rarer, n)


def repeated_sum(term: np.ndarray, times: np.ndarray) -> np.ndarray:
    """`term[i]` added to itself `times[i]` times, one addition after another: an edge's weight,
    the rarer weight summed over the records the two indicators share, as a plain SUM over
    those records computes it (and as the engine's SUM gave it before).

    Not `times * term`: the two differ in the last digits, and Leiden's and label propagation's
    ties follow the last digits.  Nor the engine's SUM: in parallel it adds partial sums in
    whatever order its threads end in, so the groups could change from run to run.  Vectorised
    over the edges, most-shared first: round k adds to the edges shared by k records or more.
    """
    order = np.argsort(-times, kind="stable")
    times, term = times[order], term[order]
    total = term.copy()
    rounds = int(times[0]) if len(times) else 0
    still = np.searchsorted(-times, -np.arange(rounds + 1), side="right")  # times >= k
    for k in range(2, rounds + 1):
        total[:still[k]] += term[:still[k]]
    out = np.empty_like(total)
    out[order] = total
    return out


def _split_components(community: np.ndarray, ind: np.ndarray, a: np.ndarray, b: np.ndarray,
                      w: np.ndarray, resolution: float) -> None:
    """Leiden inside each component of three or more indicators, label propagation inside the
    giant ones (vectorised over the edges); `community` (by indicator number) is updated."""
    sizes = np.bincount(community[ind])
    node_size, edge_size = sizes[community[ind]], sizes[community[a]]
    mid = (edge_size >= 3) & (edge_size <= LEIDEN_MAX_NODES)
    if mid.any():
        nodes = np.sort(ind[(node_size >= 3) & (node_size <= LEIDEN_MAX_NODES)])
        community[nodes] = leiden_communities(nodes, a[mid], b[mid], w[mid], resolution)
    huge = edge_size > LEIDEN_MAX_NODES
    if huge.any():
        nodes = np.sort(ind[node_size > LEIDEN_MAX_NODES])
        community[nodes] = label_propagation_communities(nodes, a[huge], b[huge], w[huge])


def _attach_records(con: ibis.BaseBackend, graph: IndicatorGraph, ind: np.ndarray,
                    community: np.ndarray, result: LinkResult,
                    listed_sources: tuple[str, ...]) -> None:
    """Count each group's records per source in the engine; list those of `listed_sources`."""
    by_key = {g.key: g for g in result.groups}
    key_of = result.membership_key
    mapping = con.create_view("jingwang_communities", ibis.memtable(pa.table({
        "ind": ind, "community": community[ind]})), overwrite=True)
    s = graph.sightings.join(mapping, "ind")
    members = s.select("community", "rec").distinct()
    # A record has one source, so a group's records are the sum of its records per source.
    per_source = members.join(graph.record_ids, "rec")
    counts = per_source.group_by(["community", "source"]).aggregate(n=per_source.count())
    for row in con.to_pyarrow(counts).to_pylist():
        group = by_key[key_of[row["community"]]]
        group.sources[row["source"]] = int(row["n"])
        group.record_count += int(row["n"])
    listed = graph.record_ids.filter(graph.record_ids.source.isin(list(listed_sources) or [""]))
    rows = members.join(listed, "rec").select("community", "source", "record_id")
    for row in con.to_pyarrow(rows).to_pylist():
        by_key[key_of[row["community"]]].records.add((row["source"], row["record_id"]))


def _groups(nodes: pa.Table, community: np.ndarray, a: np.ndarray, b: np.ndarray,
            w: np.ndarray, dropped: list, total: int, n_components: int) -> LinkResult:
    members: dict[int, list[tuple[str, str, float]]] = defaultdict(list)
    ind = nodes["ind"].to_numpy().astype(np.int64)
    of_node = community[ind].tolist()
    pairs = list(zip(nodes["kind"].to_pylist(), nodes["value"].to_pylist(), strict=True))
    for c, (k, v), wt in zip(of_node, pairs, nodes["weight"].to_pylist(), strict=True):
        members[c].append((k, v, float(wt)))
    keys = {c: gang_key(m) for c, m in members.items()}
    groups = {c: Group(key=keys[c], indicators=sorted(m)) for c, m in members.items()}
    links: dict[tuple[str, str], tuple[float, int]] = {}
    if len(a):
        # Vectorised over the edges: a community id per node, then sums per community.
        size = len(community)
        ca, cb = community[a], community[b]
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
    membership = {pair: keys[c] for pair, c in zip(pairs, of_node, strict=True)}
    return LinkResult(groups=sorted(groups.values(), key=lambda g: g.key), links=links,
                      dropped=dropped, records=total, components=n_components,
                      membership=membership, membership_key=keys)
