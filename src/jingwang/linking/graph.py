"""The indicator graph as Ibis expressions: written once, run by DuckDB here and Spark at scale.

A pipeline of small named steps, after Splink: number the records and indicators, count how many
records each indicator is seen in, drop what must not link (the exclusion list and values over
the correlation cap), weigh the rest by rarity, join indicators that share a record into edges
(the records shared and the rarer weight), and label connected components by repeated min-label
propagation.  Only the numbering reads strings; every later step joins integers.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from jingwang.linking.exclusions import ExclusionList


@dataclass
class IndicatorGraph:
    """The result of building the graph: tables the later steps and the store read."""

    nodes: ir.Table        # ind (int), kind, value, df (records it is seen in), weight
    edges: ir.Table        # a, b (ind, a < b), n (records in common), rarer (weight)
    sightings: ir.Table    # rec, ind (int): each indicator once per record it is seen in
    record_ids: ir.Table   # rec (int), source, record_id
    dropped: ir.Table      # kind, value, df, reason ("excluded" | "over cap")
    records: int


# The strings are numbered apart and the sightings joined to the numbers, so that only the
# records and the indicators carry strings: the big table the later steps read, one row per
# sighting (tens of millions with a payment ledger), is two integers.

def number_records(sightings: ir.Table) -> ir.Table:
    """(rec, source, record_id): a dense integer for each record, in (source, record_id) order."""
    r = sightings.select("source", "record_id").distinct()
    return r.mutate(rec=ibis.dense_rank().over(order_by=[r.source, r.record_id]))


def number_indicators(sightings: ir.Table) -> ir.Table:
    """(ind, kind, value): a dense integer for each indicator, in (kind, value) order.

    The order matters: a component and a community are named by their smallest `ind`."""
    i = sightings.select("kind", "value").distinct()
    return i.mutate(ind=ibis.dense_rank().over(order_by=[i.kind, i.value]))


def number_sightings(sightings: ir.Table, records: ir.Table, indicators: ir.Table) -> ir.Table:
    """(rec, ind) for each indicator seen in a record, once however often the record names it."""
    s = sightings.join(records, ["source", "record_id"]).join(indicators, ["kind", "value"])
    return s.select("rec", "ind").distinct()


def document_frequency(sightings: ir.Table, indicators: ir.Table) -> ir.Table:
    """How many records each indicator is seen in (its df, as in tf-idf), with its kind and value.

    The (rec, ind) pairs are distinct, so counting rows counts records."""
    counts = sightings.group_by("ind").aggregate(df=sightings.count())
    return counts.join(indicators, "ind").select("ind", "kind", "value", "df")


def exclusion_table(exclusions: ExclusionList) -> ir.Table:
    """The exclusion list's exact values as a table to anti-join against."""
    pairs = sorted(exclusions.values) or [("", "")]
    return ibis.memtable(pa.table({"kind": [k for k, _ in pairs], "value": [v for _, v in pairs]}))


def split_linkable(con: ibis.BaseBackend, df: ir.Table, exclusions: ExclusionList,
                   total_records: int) -> tuple[ir.Table, ir.Table]:
    """(linkable indicators with their weight, dropped ones with the reason).

    Weight is log(N / df): a card seen in two records says far more than a phone in fifty.
    """
    # Registered with the backend: Spark cannot see an in-memory table inside a subquery.
    listed = con.create_view("jingwang_exclusions", exclusion_table(exclusions), overwrite=True)
    excluded_exact = df.semi_join(listed, ["kind", "value"]).ind
    suffix_hit = ibis.literal(False)
    for kind, suffixes in exclusions.suffixes.items():
        for suffix in suffixes:
            suffix_hit = suffix_hit | ((df.kind == kind) & df.value.endswith(suffix))
    is_excluded = df.ind.isin(excluded_exact) | suffix_hit
    over_cap = df.df > exclusions.cap(total_records)
    dropped = df.filter(is_excluded | over_cap).mutate(
        reason=ibis.ifelse(is_excluded, "excluded", "over cap"))
    kept = df.filter(~(is_excluded | over_cap))
    kept = kept.mutate(weight=(ibis.literal(float(max(total_records, 1))) / kept.df).ln())
    return kept, dropped.select("kind", "value", "df", "reason")


def cooccurrence_edges(sightings: ir.Table, kept: ir.Table) -> ir.Table:
    """Indicators seen together in a record, one edge per pair: the records they share (n) and
    the rarer of their two weights (each shared record adds it to the edge's weight).

    Two rare contacts in one ad bind strongly; a rare one beside a common one binds weakly.  The
    sum itself is left to `jingwang.linking.link`, which adds in a fixed order; the self-join
    here carries only integers.
    """
    s = sightings.semi_join(kept, "ind")
    pairs = s.rename(a="ind").join(s.rename(b="ind"), "rec").filter(lambda t: t.a < t.b)
    # One row per (rec, a, b), the sightings being distinct: counting rows counts records.
    counts = pairs.group_by(["a", "b"]).aggregate(n=pairs.count())
    wa = kept.select(a="ind", wa="weight")
    wb = kept.select(b="ind", wb="weight")
    edges = counts.join(wa, "a").join(wb, "b")
    return edges.select("a", "b", "n", rarer=ibis.least(edges.wa, edges.wb))


def connected_components(con: ibis.BaseBackend, nodes: ir.Table, edges: ir.Table,
                         max_iterations: int = 100) -> ir.Table:
    """(ind, component): each node's component is the smallest node id it is connected to.

    Min-label propagation, one Ibis query per round, each round materialised: every node takes
    the smallest label among itself and its neighbours until no label changes.
    """
    both = edges.select(src="a", dst="b").union(edges.select(src="b", dst="a"))
    labels = materialise(con, nodes.select(ind="ind", label="ind"))
    for _ in range(max_iterations):
        neighbour = both.join(labels, both.dst == labels.ind).group_by(
            both.src).aggregate(m=labels.label.min())
        joined = labels.left_join(neighbour, labels.ind == neighbour.src)
        new = joined.select(
            ind=joined.ind,
            label=ibis.least(joined.label, joined.m.fill_null(joined.label)),
        )
        new = materialise(con, new)
        changed = new.join(labels, "ind").filter(lambda t: t.label != t.label_right).count()
        labels = new
        if con.execute(changed) == 0:
            break
    return labels.rename(component="label")


_materialised = itertools.count()


def materialise(con: ibis.BaseBackend, expr: ir.Table) -> ir.Table:
    """Compute a step once and keep it, so the next step does not recompute the whole lineage.

    DuckDB keeps it as a temporary table (Ibis' `cache`).  Spark's `cache` keeps the data but
    not a short plan: every later plan still carries the whole lineage, and the label rounds of
    `connected_components` (each reading the last round twice) would double it each round until
    the driver runs out of heap.  There a local checkpoint cuts the lineage, as GraphFrames does
    in its own connected components.
    """
    if con.name != "pyspark":
        return expr.cache()
    frame = con._session.sql(con.compile(expr)).localCheckpoint(eager=True)
    name = f"jingwang_step_{next(_materialised)}"
    frame.createOrReplaceTempView(name)
    return con.table(name)


def build_graph(con: ibis.BaseBackend, sightings: ir.Table, exclusions: ExclusionList
                ) -> IndicatorGraph:
    """Run the steps: numbering, frequencies, exclusions and cap, weights, edges."""
    records = materialise(con, number_records(sightings))
    indicators = materialise(con, number_indicators(sightings))
    numbered = materialise(con, number_sightings(sightings, records, indicators))
    total = int(con.execute(records.count()))
    df = document_frequency(numbered, indicators)
    kept, dropped = split_linkable(con, df, exclusions, total)
    kept = materialise(con, kept)
    edges = materialise(con, cooccurrence_edges(numbered, kept))
    return IndicatorGraph(nodes=kept, edges=edges, sightings=numbered, record_ids=records,
                          dropped=dropped, records=total)


def idf(total_records: int, df: int) -> float:
    """The weight of an indicator seen in `df` of `total_records` records."""
    return math.log(max(total_records, 1) / max(df, 1))
