"""Split connected components into communities with Leiden (igraph + leidenalg).

A component can be two gangs joined by one member who works for both, or by a contact that
slipped past the exclusion list.  Leiden on the weighted co-occurrence graph cuts such weak
bridges and keeps what is densely tied together.  Seeded, so the same graph gives the same
communities every run.
"""

from __future__ import annotations

import igraph as ig
import leidenalg
import numpy as np

DEFAULT_RESOLUTION = 0.2
SEED = 20190614
# Above this many indicators a component is not one gang's contacts but a web of ordinary
# accounts (a month of a city's transfers): Leiden's optimiser takes hours there, label
# propagation (linear in the edges) splits it well enough to find the dense parts.
LEIDEN_MAX_NODES = 50_000


def leiden_communities(node_ids: np.ndarray, edge_a: np.ndarray, edge_b: np.ndarray,
                       weights: np.ndarray, resolution: float = DEFAULT_RESOLUTION
                       ) -> np.ndarray:
    """Each node's community id (the smallest node id in it), by the Constant Potts Model.

    CPM with a low resolution only separates parts whose ties to each other are much weaker than
    within them; unlike modularity it does not break a large sparse gang into pieces.
    """
    graph = _graph(node_ids, edge_a, edge_b)
    graph.es["weight"] = weights.astype(float).tolist()
    partition = leidenalg.find_partition(graph, leidenalg.CPMVertexPartition, weights="weight",
                                         resolution_parameter=resolution, seed=SEED,
                                         n_iterations=2)
    return _smallest_member(node_ids, np.asarray(partition.membership))


def label_propagation_communities(node_ids: np.ndarray, edge_a: np.ndarray, edge_b: np.ndarray,
                                  weights: np.ndarray) -> np.ndarray:
    """Each node's community id (smallest node id in it) by weighted label propagation, seeded."""
    import random

    graph = _graph(node_ids, edge_a, edge_b)
    state = random.getstate()
    random.seed(SEED)  # igraph draws from Python's random module
    try:
        members = graph.community_label_propagation(weights=weights.astype(float).tolist())
    finally:
        random.setstate(state)
    return _smallest_member(node_ids, np.asarray(members.membership))


def _graph(node_ids: np.ndarray, edge_a: np.ndarray, edge_b: np.ndarray) -> ig.Graph:
    """The igraph graph of `node_ids` (vertex i is node_ids[i]) and the edges between them.

    Vertices are looked up in an array indexed by node id, not a dict: a giant component of a
    payment ledger has millions of edges."""
    ids = np.asarray(node_ids, dtype=np.int64)
    vertex = np.full(int(ids.max()) + 1 if len(ids) else 0, -1, dtype=np.int64)
    vertex[ids] = np.arange(len(ids))
    a, b = vertex[edge_a].tolist(), vertex[edge_b].tolist()
    # A list of tuples: igraph reads it faster than a numpy array or a list of lists.
    return ig.Graph(n=len(ids), edges=list(zip(a, b, strict=True)))


def _smallest_member(node_ids: np.ndarray, membership: np.ndarray) -> np.ndarray:
    """Name each community by its smallest node id, so the same data gives the same ids."""
    ids = np.asarray(node_ids, dtype=np.int64)
    smallest = np.full(int(membership.max()) + 1 if len(membership) else 0,
                       np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(smallest, membership, ids)
    return smallest[membership]
