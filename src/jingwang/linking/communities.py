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
                       ) -> dict[int, int]:
    """node id → community id (the smallest node id in it), by the Constant Potts Model.

    CPM with a low resolution only separates parts whose ties to each other are much weaker than
    within them; unlike modularity it does not break a large sparse gang into pieces.
    """
    index = {int(n): i for i, n in enumerate(node_ids.tolist())}
    graph = ig.Graph(n=len(index), edges=list(zip([index[int(a)] for a in edge_a],
                                                  [index[int(b)] for b in edge_b], strict=True)))
    graph.es["weight"] = weights.astype(float).tolist()
    partition = leidenalg.find_partition(graph, leidenalg.CPMVertexPartition, weights="weight",
                                         resolution_parameter=resolution, seed=SEED,
                                         n_iterations=2)
    members = np.asarray(partition.membership)
    ids = np.asarray(node_ids)
    smallest: dict[int, int] = {}
    for community, node in zip(members.tolist(), ids.tolist(), strict=True):
        if community not in smallest or node < smallest[community]:
            smallest[community] = node
    return {int(node): smallest[c] for node, c in zip(ids.tolist(), members.tolist(),
                                                      strict=True)}


def label_propagation_communities(node_ids: np.ndarray, edge_a: np.ndarray, edge_b: np.ndarray,
                                  weights: np.ndarray) -> dict[int, int]:
    """node id → community id (smallest node id in it) by weighted label propagation, seeded."""
    import random

    index = {int(n): i for i, n in enumerate(node_ids.tolist())}
    graph = ig.Graph(n=len(index), edges=list(zip([index[int(a)] for a in edge_a],
                                                  [index[int(b)] for b in edge_b], strict=True)))
    state = random.getstate()
    random.seed(SEED)  # igraph draws from Python's random module
    try:
        members = graph.community_label_propagation(weights=weights.astype(float).tolist())
    finally:
        random.setstate(state)
    ids = np.asarray(node_ids)
    smallest: dict[int, int] = {}
    membership = members.membership
    for community, node in zip(membership, ids.tolist(), strict=True):
        if community not in smallest or node < smallest[community]:
            smallest[community] = node
    return {int(node): smallest[c] for node, c in zip(ids.tolist(), membership, strict=True)}
