"""A month of bank transfers in the IBM AMLworld layout, with the gangs' money hidden inside it.

`write_ledger(world, out_dir)` writes 30 days from 2026-09-01: `transactions.parquet|csv`
(AMLworld columns, by time), `accounts.parquet|csv` (who registered each account named) and
`truth_accounts.csv` (account, role, gang_id).  Accounts are Luhn-valid 19-digit cards; the gangs'
collection and pass-through cards are the `bank_card` indicators their posts show.

Most rows are people and merchants paying each other (lognormal amounts, a few merchants taking a
large share, daily and weekly rhythms).  About 2% are laundering runs as the seed reports tell
them: victims and gamblers pay a fraud or gambling gang's collection card (or a 第四方支付
platform's card); within hours the money fans out over the pass-through (跑分) cards of the
gang's paofen / fourth_party supplier, each keeping 0.2–0.5%, sometimes a layer or two deep,
fans in to a few consolidation accounts and is partly cashed out (Bitcoin, cash, a wire abroad),
often in pieces just under 50,000 yuan.  Gang cards are opened in batches on identity kits (四件套)
bought from a card dealer or taken from members: cards share an ID card, phone and handset.

`write_ledger(..., style=LedgerStyle.hi())` writes a harder month, closer to AMLworld's HI
ledgers: laundering is 0.1% of the rows, the gangs' cards also carry ordinary payments (as many
as their laundering ones: a bought card keeps its seller's shopping), and benign look-alikes
move money the way pass-through cards do (payroll and marketplace agents paid by merchants who
pay many people within hours, keeping a fee of 0.1–1%).  Look-alike accounts are `agent` in
the truth; half the merchants are quiet (paid by many, paying a supplier or two now and then,
keeping the rest: a shop, not a collection card), and 3% of ordinary payments have a
counterparty the ledger shows only once (someone at another bank).  The default style writes
what it always wrote, byte for byte.

All randomness comes from `world.rng("ledger")`; the month is cut into time slices of about
`CHUNK_ROWS` rows, written one after another, so memory stays flat and a seed's bytes are fixed.
"""

from __future__ import annotations

import functools
import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pcsv
import pyarrow.parquet as pq

from jingwang.simulate import identities as ids
from jingwang.simulate import identities_bulk as bulk
from jingwang.simulate.regions import REGION_CODES
from jingwang.simulate.world import Gang, World

START = np.datetime64("2026-09-01T00:00", "m")
START_WEEKDAY = 1                      # 2026-09-01 is a Tuesday
DAYS = 30
MINUTES = DAYS * 1440
CHUNK_ROWS = 1_000_000
LAUNDERING_SHARE = 0.02
CASH_LINE = 50_000_00                  # cents: large-cash and transfer reporting line

OTHER_BANK = 999
FORMATS = ("ACH", "Wire", "Credit Card", "Cash", "Cheque", "Bitcoin", "Reinvestment")
ACH, WIRE, CARD, CASH, _, BITCOIN, _ = range(7)
CURRENCIES = ("Yuan", "US Dollar")

SCHEMA = pa.schema([("Timestamp", pa.string()), ("From Bank", pa.int64()),
                    ("Account", pa.string()), ("To Bank", pa.int64()),
                    ("Account.1", pa.string()), ("Amount Received", pa.float64()),
                    ("Receiving Currency", pa.string()), ("Amount Paid", pa.float64()),
                    ("Payment Currency", pa.string()), ("Payment Format", pa.string()),
                    ("Is Laundering", pa.int64())])
ACCOUNT_COLUMNS = ("account", "bank", "owner_name", "owner_id_card", "registration_phone",
                   "device", "opened_at")
CSV_OPTIONS = pcsv.WriteOptions(quoting_style="none", quoting_header="none")

# Activity by hour of day: people pay all day and evening, businesses in office hours,
# fraud calls come by day, gamblers deposit at night.
HOURS = {name: tuple(map(int, hours.split())) for name, hours in {
    "people": "6 4 2 1 1 2 4 9 14 16 17 19 20 17 15 15 16 17 19 22 24 22 17 11",
    "business": "1 1 1 1 1 1 2 5 15 25 26 24 12 20 25 24 22 16 6 2 1 1 1 1",
    "fraud": "2 1 1 1 1 1 2 6 12 18 20 18 14 16 18 18 16 14 12 12 12 10 6 3",
    "gambling": "22 18 12 7 3 1 1 1 2 3 4 5 6 6 6 7 8 10 14 18 22 26 28 26"}.items()}
WEEKDAYS = {"people": (1.0, 1.0, 1.0, 1.0, 1.1, 1.3, 1.2), "business": (1.1, 1, 1, 1, 1, .35, .2),
            "fraud": (1, 1, 1, 1, 1, .8, .7), "gambling": (1, 1, 1, 1, 1.2, 1.4, 1.3)}


# Kinds of benign transfer: share of rows, payer, payee ("self": Reinvestment, "otc": buying
# Bitcoin from an OTC dealer), median yuan and sigma of the lognormal amount, probability of each
# of FORMATS, chance a Wire is received in US dollars, and rhythm.
BENIGN_FLOWS = (
    (0.52, "person", "merchant", 68, 1.2, (.38, 0, .52, .07, .03, 0, 0), 0, "people"),
    (0.30, "person", "person", 220, 1.4, (.78, .08, 0, .1, .04, 0, 0), 0.2, "people"),
    (0.08, "merchant", "person", 4800, 0.6, (.82, .08, 0, 0, .1, 0, 0), 0, "business"),
    (0.08, "merchant", "merchant", 9000, 1.6, (.45, .35, 0, 0, .2, 0, 0), 0.3, "business"),
    (0.01, "person", "self", 3000, 1.0, (0, 0, 0, 0, 0, 0, 1), 0, "people"),
    (0.01, "merchant", "self", 20000, 1.0, (0, 0, 0, 0, 0, 0, 1), 0, "business"),
    (0.003, "person", "otc", 3000, 1.0, (0, 0, 0, 0, 0, 1, 0), 0, "people"),
)


@dataclass(frozen=True)
class LedgerStyle:
    """How hard the month is: the laundering share of rows, the ordinary payments each gang card
    also makes (as a multiple of the laundering rows), and the benign look-alikes' share."""

    laundering_share: float = LAUNDERING_SHARE
    camouflage: float = 0.0
    lookalike_share: float = 0.0
    quiet_merchants: float = 0.0    # share of merchants that seldom pay anyone (keep takings)
    one_off_share: float = 0.0      # share of ordinary rows with a counterparty seen only once

    @classmethod
    def hi(cls) -> LedgerStyle:
        """AMLworld-HI-like: 0.1% laundering, camouflaged gang cards, look-alike agents, and
        half the merchants quiet (many payers, a supplier or two paid now and then), and 3% of
        ordinary payments with a counterparty seen once (a customer or payee at another bank)."""
        return cls(laundering_share=0.001, camouflage=1.0, lookalike_share=0.004,
                   quiet_merchants=0.5, one_off_share=0.03)


@dataclass
class Ring:
    """A fraud or gambling gang's money machine: where victims pay and where the money goes."""

    gang: Gang
    kind: str                   # "fraud" | "gambling"
    collection: list[int]
    passes: list[int]           # its laundering suppliers' pass-through cards
    direct: bool                # payers pay the pass-through cards (第四方支付 checkout page)
    consolidation: list[int]
    offshore: int
    supplier_cards: list[int]   # cards of the gangs it buys data, SIMs, apps and ads from
    players: list[int] = field(default_factory=list)


@dataclass
class Book:
    """Every account by index (number, role, gang_id, owner_name, owner_id_card,
    registration_phone, device, opened_at), the population's draws and the gangs' rings."""

    accounts: list[tuple[str, ...]] = field(default_factory=list)
    rate: dict[int, float] = field(default_factory=dict)   # pass-through commission
    rings: list[Ring] = field(default_factory=list)
    people: int = 0
    merchants: tuple[int, int] = (0, 0)
    otc: list[int] = field(default_factory=list)
    agents: list[int] = field(default_factory=list)   # benign look-alikes (payroll, escrow)
    one_offs: list[int] = field(default_factory=list)  # accounts used for one payment each
    gang_cards: list[int] = field(default_factory=list)
    cum: dict[str, np.ndarray] = field(default_factory=dict)  # cumulative activity weights
    usd_rate: np.ndarray | None = None                         # yuan per dollar, by day

    def add(self, number: str, role: str, gang_id: str, kit: tuple[str, ...], opened: str) -> int:
        self.accounts.append((number, role, gang_id, *kit, opened))
        return len(self.accounts) - 1


def _add_population(book: Book, rng: np.random.Generator, people: int, merchants: int,
                    taken: set[str]) -> None:
    """Benign people and merchants, one identity each; a few families share a phone."""
    n = people + merchants
    cards = bulk.distinct(rng, n, bulk.cards, taken)
    id_cards = bulk.distinct(rng, n, bulk.id_cards, set())
    phones = np.char.add("+86", bulk.distinct(rng, n, bulk.mobiles, set()))
    surname = np.array(list(ids.SURNAMES))[rng.integers(0, len(ids.SURNAMES), n)]
    given = np.array(list(ids.GIVEN))[rng.integers(0, len(ids.GIVEN), (2, n))]
    given = np.char.add(given[0], np.where(rng.random(n) < 0.6, given[1], ""))
    family = np.flatnonzero(rng.random(people) < 0.015)
    partner = rng.integers(0, people, family.size)
    phones[family], surname[family] = phones[partner], surname[partner]
    opened = np.datetime64("2026-08-31") - np.minimum(rng.exponential(1500, n), 6000).astype(int)
    start = len(book.accounts)
    imeis = bulk.distinct(rng, n, bulk.imeis, set())
    book.accounts += zip(cards.tolist(), ["benign"] * people + ["merchant"] * merchants, [""] * n,
                         np.char.add(surname, given).tolist(), id_cards.tolist(), phones.tolist(),
                         imeis.tolist(), opened.astype(str).tolist(), strict=True)
    book.people, book.merchants = people, (start + people, start + n)
    otc = max(3, merchants // 200)
    book.otc = list(range(start + n - otc, start + n))
    # Heavy tails: a few people pay a lot, a few merchants take a large share.
    book.cum["person"] = np.cumsum(rng.lognormal(0, 1.0, people))
    recv = rng.pareto(1.1, merchants - otc) + 1
    book.cum["merchant"] = np.cumsum(recv)
    book.cum["merchant_pays"] = np.cumsum(np.sqrt(recv))
    book.cum["otc"] = np.cumsum(np.ones(otc))


def _dealer_kits(rng: random.Random, dealer: Gang) -> list[tuple]:
    """Identity kits a card dealer sells: bought IDs, black SIMs, registered on its handsets."""
    kits = []
    for _ in range(min(40, 5 + int(3 * dealer.activity))):
        region = dealer.region_code if rng.random() < 0.7 else rng.choice(REGION_CODES)
        device = rng.choice(dealer.values("device")) if rng.random() < 0.6 else ids.imei(rng)
        kits.append((ids.person_name(rng), ids.id_card(rng, region),
                     "+86" + ids.mobile(rng, virtual=rng.random() < 0.4), device))
    return kits


def _register(book: Book, rng: random.Random, gang: Gang, cards: list[str], role: str,
              kits: dict[str, list]) -> list[int]:
    """Open a gang's cards in batches of 2–5, each batch on one identity kit (四件套): mostly
    one its card dealer sold (if it has one), else a member's own."""
    dealer = next((s for s in gang.suppliers if s in kits), None)
    out: list[int] = []
    while len(out) < len(cards):
        if dealer and rng.random() < 0.8:
            kit = rng.choice(kits[dealer])
        else:
            m = rng.choice(gang.members)
            kit = (m.name, m.id_card, "+86" + m.phone, m.device)
        day = np.datetime64("2026-08-31") - rng.randint(5, 150)
        for card in cards[len(out):len(out) + rng.randint(2, 5)]:
            out.append(book.add(card, role, gang.id, kit, str(day + rng.randint(0, 2))))
    return out


def _add_rings(book: Book, world: World, rng: random.Random, new_cards: Callable) -> None:
    """Claim each gang card for one role (first claim wins) and wire up the rings."""
    claimed: set[str] = set()

    def claim(gang: Gang) -> list[str]:
        cards = [c for c in gang.values("bank_card") if c not in claimed]
        claimed.update(cards)
        return cards

    kits = {g.id: _dealer_kits(rng, g) for g in world.by_archetype("card_dealer")}
    perps = [g for g in world.gangs if g.archetype in ("fraud_op", "gambling_op")]
    own = {g.id: claim(g) for g in perps}
    passes: dict[str, list[int]] = {}
    for g in world.gangs:
        if g.archetype in ("paofen", "fourth_party"):
            passes[g.id] = _register(book, rng, g, claim(g), "pass_through", kits)
            rate = rng.uniform(0.002, 0.005)
            book.rate.update({i: rate for i in passes[g.id]})
    supplied: dict[str, list[int]] = {}
    for g in world.gangs:
        if g.archetype in ("pii_seller", "card_dealer", "app_builder", "seo_promoter") and any(
                g.id in p.suppliers for p in perps):
            supplied[g.id] = _register(book, rng, g, claim(g), "collection", kits)
    for g in perps:
        if not own[g.id]:
            continue
        n_cons = 1 + (g.activity > 3) + (g.activity > 10)
        cons = _register(book, rng, g, new_cards(n_cons + 1), "consolidation", kits)
        ml = [s for s in g.suppliers if passes.get(s)]
        ring = Ring(gang=g, kind="fraud" if g.archetype == "fraud_op" else "gambling",
                    collection=_register(book, rng, g, own[g.id], "collection", kits),
                    passes=[i for s in ml for i in passes[s]],
                    direct=any(world.gang(s).archetype == "fourth_party" for s in ml),
                    consolidation=cons[:-1], offshore=cons[-1],
                    supplier_cards=[i for s in g.suppliers for i in supplied.get(s, [])])
        if ring.kind == "gambling":
            ring.players = rng.sample(range(book.people),
                                      min(book.people // 10, 20 + int(15 * g.activity)))
        book.rings.append(ring)


def _open_book(world: World, rng: np.random.Generator, prng: random.Random) -> Book:
    book = Book()
    taken = {c for g in world.gangs for c in g.values("bank_card")}
    gang_cards = sum(len(g.values("bank_card")) + 4 for g in world.gangs)
    merchants = max(20, world.scale.accounts // 16)
    people = max(100, world.scale.accounts - merchants - gang_cards)
    _add_population(book, rng, people, merchants, taken)
    taken.update(a[0] for a in book.accounts)

    def new_cards(n: int) -> list[str]:
        cards: list[str] = []
        while len(cards) < n:
            card = str(bulk.cards(rng, 1)[0])
            if card not in taken:
                taken.add(card)
                cards.append(card)
        return cards

    _add_rings(book, world, prng, new_cards)
    book.usd_rate = np.round(7.1 + np.cumsum(rng.normal(0, 0.01, DAYS + 10)), 4)
    return book


def _open_accounts(book: Book, rng: np.random.Generator, n: int, role: str,
                   names: Callable[[int], list[str]], opened: str) -> list[int]:
    """n new benign accounts of `role`, each on an identity of its own (card, ID card, phone,
    handset drawn in that order, then the names); their indices in the book."""
    taken = {a[0] for a in book.accounts}
    cards = bulk.distinct(rng, n, bulk.cards, taken)
    id_cards = bulk.distinct(rng, n, bulk.id_cards, set())
    phones = np.char.add("+86", bulk.distinct(rng, n, bulk.mobiles, set()))
    imeis = bulk.distinct(rng, n, bulk.imeis, set())
    start = len(book.accounts)
    book.accounts += zip(cards.tolist(), [role] * n, [""] * n, names(n), id_cards.tolist(),
                         phones.tolist(), imeis.tolist(), [opened] * n, strict=True)
    return list(range(start, start + n))


def _add_one_offs(book: Book, rng: np.random.Generator, n: int) -> None:
    """n ordinary accounts, each to be used for a single payment."""
    surnames = np.array(list(ids.SURNAMES))
    book.one_offs = _open_accounts(
        book, rng, n, "benign",
        lambda k: surnames[rng.integers(0, len(surnames), k)].tolist(), "2020-06-01")


def _add_agents(book: Book, rng: np.random.Generator, accounts: int) -> None:
    """Benign payroll and payout agents: one per 2,000 accounts, at least 3."""
    book.agents = _open_accounts(book, rng, max(3, accounts // 2000), "agent",
                                 lambda k: [f"代发服务{i:03d}" for i in range(k)], "2024-01-15")


Row = tuple[int, int, int, int, int, int]   # minute, from, to, cents, format, received in USD


def _pieces(rng: random.Random, cents: int, under_line: bool) -> list[int]:
    """Split an amount; when asked, into pieces just under the 50,000 line (49,999, 49,990 …)."""
    if under_line and cents > CASH_LINE:
        piece = rng.choice((49_999_00, 49_990_00, 49_900_00, 49_800_00))
        return [piece] * (cents // piece) + ([cents % piece] if cents % piece else [])
    k = min(8, max(2, math.ceil(cents / rng.uniform(20_000_00, 60_000_00))))
    cuts = sorted(rng.randint(1, cents - 1) for _ in range(k - 1)) if cents > k else []
    return [b - a for a, b in zip([0, *cuts], [*cuts, cents], strict=True) if b > a]


def _payee(ring: Ring, rng: random.Random) -> int:
    """The card a payer is shown: a collection card, or a 第四方支付 platform's card."""
    if ring.direct and rng.random() < 0.5:
        return rng.choice(ring.passes)
    return rng.choice(ring.collection)


def _payments(ring: Ring, book: Book, rng: random.Random, t0: int) -> list[Row]:
    """Placement: victims pay (in growing instalments) or gamblers deposit, fan-in."""
    rows: list[Row] = []
    if ring.kind == "fraud":
        for _ in range(rng.choice((1, 1, 1, 2, 2, 3, 4, 6))):
            victim, t = rng.randrange(book.people), t0 + rng.randint(0, 360)
            cents = int(min(3e8, rng.lognormvariate(math.log(600_000), 1.1)))
            for _ in range(rng.choice((1, 1, 2, 3))):
                fmt = WIRE if cents > CASH_LINE and rng.random() < 0.4 else ACH
                split = cents > CASH_LINE and rng.random() < 0.5
                for piece in _pieces(rng, cents, True) if split else [cents]:
                    rows.append((t, victim, _payee(ring, rng), piece, fmt, 0))
                    t += rng.randint(1, 5)
                t, cents = t + rng.randint(3, 90), int(cents * rng.uniform(1.5, 3))
    else:
        for player in rng.sample(ring.players, min(len(ring.players), rng.randint(2, 8))):
            t = t0 + rng.randint(0, 240)
            for _ in range(rng.randint(1, 3)):
                cents = int(min(2e7, rng.lognormvariate(math.log(100_000), 1.0)))
                rows.append((t, player, _payee(ring, rng), cents,
                             CARD if rng.random() < 0.3 else ACH, 0))
                t += rng.randint(5, 120)
    return rows


def _pass_on(ring: Ring, book: Book, rng: random.Random, card: int, cents: int, t: int,
             depth: int, rows: list[Row], landed: dict[int, list[int]]) -> None:
    """Move money one hop on: a collection card fans it out over pass-through cards; a
    pass-through card keeps its commission and sends the rest to a consolidation account or,
    now and then, splits it over two more pass-through cards; a consolidation account keeps it."""
    if card in book.rate:
        cents -= round(cents * book.rate[card])
        t += rng.randint(2, 180)
        others = [p for p in ring.passes if p != card]
        if depth < 3 and others and cents > 200_00 and rng.random() < 0.3:
            first = rng.randint(cents // 4, cents * 3 // 4)
            parts, targets = [first, cents - first], others
        else:
            parts, targets = [cents], ring.consolidation
    elif card in ring.collection:
        t += rng.randint(10, 120)
        parts, targets = _pieces(rng, cents, rng.random() < 0.3), ring.passes or ring.consolidation
    else:
        _land(landed, card, cents, t)
        return
    for part in parts:
        nxt = rng.choice(targets)
        rows.append((t, card, nxt, part, ACH, 0))
        _pass_on(ring, book, rng, nxt, part, t, depth + 1, rows, landed)
        t += rng.randint(1, 5)


def _land(totals: dict[int, list[int]], account: int, cents: int, t: int) -> None:
    """Add cents arriving at minute t to an account's running [total, last minute]."""
    total = totals.setdefault(account, [0, 0])
    total[0] += cents
    total[1] = max(total[1], t)


def _cash_out(ring: Ring, book: Book, rng: random.Random, landed: dict[int, list[int]],
              rows: list[Row]) -> None:
    """Integration: part of what landed leaves as Bitcoin, cash (under the line) or a wire."""
    for cons, (cents, t) in sorted(landed.items()):
        if rng.random() < 0.6:
            t += rng.randint(30, 1440)
            out = int(cents * rng.uniform(0.4, 0.95))
            how = rng.choices((BITCOIN, CASH, WIRE), (0.45, 0.3, 0.25))[0]
            for piece in _pieces(rng, out, how == CASH) if how != WIRE else [out]:
                to = {BITCOIN: rng.choice(book.otc), CASH: cons, WIRE: ring.offshore}[how]
                rows.append((t, cons, to, piece, how, int(how == WIRE)))
                t += rng.randint(1, 30)
        if ring.supplier_cards and rng.random() < 0.1:
            cents = int(rng.lognormvariate(math.log(800_000), 0.8))
            rows.append((t + rng.randint(60, 600), cons, rng.choice(ring.supplier_cards), cents,
                         ACH, 0))


def _run(ring: Ring, book: Book, rng: random.Random, t0: int) -> list[Row]:
    """One laundering run of a ring, from the first payment to the cash-out."""
    rows = _payments(ring, book, rng, t0)
    held: dict[int, list[int]] = {}
    for t, _, to, cents, _, _ in rows:
        _land(held, to, cents, t)
    landed: dict[int, list[int]] = {}
    for card, (cents, t) in sorted(held.items()):
        _pass_on(ring, book, rng, card, cents, t, int(card in book.rate), rows, landed)
    _cash_out(ring, book, rng, landed, rows)
    return rows


@functools.cache
def _intensity(rhythm: str) -> np.ndarray:
    """Relative activity of each minute of the month for one rhythm."""
    minute = np.arange(MINUTES)
    hour = np.array(HOURS[rhythm], float)[minute // 60 % 24]
    return hour * np.array(WEEKDAYS[rhythm])[(START_WEEKDAY + minute // 1440) % 7]


def _laundering(book: Book, rng: random.Random, lo: int, hi: int, target: int) -> dict:
    rows: list[Row] = []
    weights = [r.gang.activity for r in book.rings]
    while book.rings and len(rows) < target:
        ring = rng.choices(book.rings, weights)[0]
        t0 = lo + rng.randrange(hi - lo)
        if rng.random() > _intensity(ring.kind)[t0] / max(HOURS[ring.kind]) / 1.4:
            continue                           # thin runs out where the rhythm is low
        rows += _run(ring, book, rng, t0)
    a = np.array(rows, dtype=np.int64).reshape(-1, 6)
    paid = a[:, 3] / 100
    rate = book.usd_rate[np.minimum(a[:, 0] // 1440, DAYS + 9)]
    recv = np.where(a[:, 5] == 1, np.round(paid / rate, 2), paid)
    return {"t": a[:, 0], "src": a[:, 1], "dst": a[:, 2], "paid": paid, "recv": recv,
            "pcur": np.zeros(len(a), np.int8), "rcur": a[:, 5].astype(np.int8),
            "fmt": a[:, 4].astype(np.int8), "lau": np.ones(len(a), np.int8)}


def _pick(book: Book, rng: np.random.Generator, who: str, n: int) -> np.ndarray:
    cum = book.cum[who]
    i = np.searchsorted(cum, rng.random(n) * cum[-1], side="right")
    return i + {"person": 0, "merchant": book.merchants[0], "merchant_pays": book.merchants[0],
                "otc": book.otc[0]}[who]


def _benign(book: Book, rng: np.random.Generator, lo: int, hi: int, n: int) -> dict:
    """n ordinary transfers between minutes lo and hi, vectorised flow by flow."""
    parts = []
    shares = np.array([f[0] for f in BENIGN_FLOWS])
    for flow, k in zip(BENIGN_FLOWS, rng.multinomial(n, shares / shares.sum()), strict=True):
        _, payer, payee, median, sigma, formats, usd_share, rhythm = flow
        w = _intensity(rhythm)[lo:hi]
        t = lo + rng.choice(hi - lo, k, p=w / w.sum())
        src = _pick(book, rng, "merchant_pays" if payer == "merchant" else "person", k)
        if payee == "self":
            dst = src
        else:
            dst = _pick(book, rng, payee, k)
            if payee == payer:
                dst = np.where(dst == src, _pick(book, rng, payee, k), dst)
        amount = np.clip(median * rng.lognormal(0, sigma, k), 1, 5e6)
        amount = np.where((payee == "person") & (rng.random(k) < 0.3) & (amount > 100),
                          np.round(amount, -2), np.round(amount, 2))
        fmt = rng.choice(len(FORMATS), k, p=np.array(formats) / sum(formats))
        usd = (fmt == WIRE) & (rng.random(k) < usd_share)
        both = usd & (payer == "merchant")
        rate = book.usd_rate[t // 1440]
        paid = np.where(both, np.round(amount / rate, 2), amount)
        recv = np.where(usd, np.round(amount / rate, 2), amount)
        parts.append({"t": t, "src": src, "dst": dst, "paid": paid, "recv": recv,
                      "pcur": both.astype(np.int8), "rcur": usd.astype(np.int8),
                      "fmt": fmt.astype(np.int8), "lau": np.zeros(k, np.int8)})
    return _concat(parts)


def _camouflage(book: Book, rng: np.random.Generator, rows: dict, n: int) -> None:
    """Give n of the ordinary rows a gang card in place of a person (half as payer, half as
    payee): a bought card keeps its seller's everyday payments."""
    if not book.gang_cards or n <= 0:
        return
    cards = np.array(book.gang_cards)
    for side in ("src", "dst"):
        person = np.flatnonzero((rows[side] < book.people) & (rows["src"] != rows["dst"]))
        pick = rng.choice(person, min(len(person), n // 2), replace=False)
        rows[side][pick] = cards[rng.integers(0, len(cards), len(pick))]


def _agents(book: Book, rng: random.Random, lo: int, hi: int, target: int) -> dict:
    """Benign look-alikes: a merchant pays an agent a payroll or payout sum, and within hours
    the agent pays it to many people, keeping a fee of 0.1–1% (like a pass-through card)."""
    rows: list[Row] = []
    m0 = book.merchants[0]
    while book.agents and len(rows) < target:
        agent = rng.choice(book.agents)
        t = lo + rng.randrange(max(1, hi - lo))
        payees = rng.sample(range(book.people), rng.randint(5, 40))
        pay = [int(rng.lognormvariate(math.log(500_000), 0.5)) for _ in payees]
        fee = rng.uniform(0.001, 0.01)
        for _ in range(rng.randint(1, 3)):
            rows.append((t, rng.randrange(m0, book.otc[0]), agent,
                         int(sum(pay) / (1 - fee) / len(pay) * rng.uniform(0.5, 1.5)), ACH, 0))
            t += rng.randint(1, 60)
        t += rng.randint(30, 720)
        for person, cents in zip(payees, pay, strict=True):
            rows.append((t, agent, person, cents, ACH, 0))
            t += rng.randint(0, 3)
    a = np.array(rows, dtype=np.int64).reshape(-1, 6)
    return {"t": a[:, 0], "src": a[:, 1], "dst": a[:, 2], "paid": a[:, 3] / 100,
            "recv": a[:, 3] / 100, "pcur": np.zeros(len(a), np.int8),
            "rcur": np.zeros(len(a), np.int8), "fmt": a[:, 4].astype(np.int8),
            "lau": np.zeros(len(a), np.int8)}


def _one_offs(book: Book, rng: np.random.Generator, rows: dict, n: int) -> None:
    """Give n ordinary rows a counterparty used nowhere else (payer or payee, at random)."""
    n = min(n, len(book.one_offs), len(rows["t"]))
    if n <= 0:
        return
    pick = rng.choice(len(rows["t"]), n, replace=False)
    fresh, book.one_offs = book.one_offs[:n], book.one_offs[n:]
    payer = rng.random(n) < 0.5
    rows["src"][pick[payer]] = np.array(fresh, np.int64)[payer]
    rows["dst"][pick[~payer]] = np.array(fresh, np.int64)[~payer]


def _concat(parts: list[dict]) -> dict:
    parts = [p for p in parts if p]
    return {key: np.concatenate([p[key] for p in parts]) for key in parts[0]}


def _table(numbers: pa.Array, banks: np.ndarray, rows: dict) -> pa.Table:
    t = rows["t"]
    lo = int(t.min()) if len(t) else 0
    stamps = np.datetime_as_string(START + np.arange(lo, int(t.max() if len(t) else 0) + 1))
    stamps = pa.array(np.char.replace(np.char.replace(stamps, "-", "/"), "T", " "))
    currencies, formats = pa.array(CURRENCIES), pa.array(FORMATS)
    return pa.Table.from_arrays([
        stamps.take(t - lo), pa.array(banks[rows["src"]]), numbers.take(rows["src"]),
        pa.array(banks[rows["dst"]]), numbers.take(rows["dst"]), pa.array(rows["recv"]),
        currencies.take(rows["rcur"]), pa.array(rows["paid"]), currencies.take(rows["pcur"]),
        formats.take(rows["fmt"]), pa.array(rows["lau"].astype(np.int64))], schema=SCHEMA)


def _slice_rows(n: int, slices: int) -> list[int]:
    """Rows per time slice, in proportion to the month's activity (largest remainder)."""
    w = sum(f[0] * _intensity(f[-1]) for f in BENIGN_FLOWS)
    share = np.array([s.sum() for s in np.array_split(w, slices)]) / w.sum() * n
    rows = np.floor(share).astype(int)
    rows[np.argsort(rows - share)[: n - rows.sum()]] += 1
    return rows.tolist()


def _write_accounts(book: Book, used: np.ndarray, banks: np.ndarray, out_dir: Path) -> int:
    """accounts.parquet|csv and truth_accounts.csv for the accounts the ledger names."""
    rows = sorted((*book.accounts[i], int(banks[i])) for i in np.flatnonzero(used))
    number, role, gang, name, id_card, phone, device, opened, bank = zip(*rows, strict=True)
    table = pa.table(dict(zip(ACCOUNT_COLUMNS, (number, bank, name, id_card, phone, device,
                                                opened), strict=True)))
    pq.write_table(table, out_dir / "accounts.parquet")
    pcsv.write_csv(table, out_dir / "accounts.csv", write_options=CSV_OPTIONS)
    truth = pa.table({"account": number, "role": role, "gang_id": gang})
    pcsv.write_csv(truth, out_dir / "truth_accounts.csv", write_options=CSV_OPTIONS)
    return len(rows)


def write_ledger(world: World, out_dir: Path,
                 progress: Callable[[int], None] | None = None,
                 style: LedgerStyle | None = None) -> dict[str, int]:
    """Write the world's month of transactions, its accounts and their truth under `out_dir`.

    `progress(rows)` is called with the number of rows just written after each chunk.
    Returns the counts: transactions, accounts (those the transactions name) and laundering rows.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    seed = world.rng("ledger").getrandbits(64)
    style = style or LedgerStyle()
    book = _open_book(world, np.random.default_rng(seed), random.Random(seed))
    if style.lookalike_share > 0:
        _add_agents(book, np.random.default_rng([seed, 1]), world.scale.accounts)
    book.gang_cards = [i for i, a in enumerate(book.accounts)
                       if a[1] in ("collection", "pass_through", "consolidation")]
    if style.one_off_share > 0:
        _add_one_offs(book, np.random.default_rng([seed, 3]),
                      round(world.scale.transactions * style.one_off_share) + 1)
    if style.quiet_merchants > 0:
        w = np.diff(book.cum["merchant_pays"], prepend=0.0)
        quiet = np.random.default_rng([seed, 2]).random(len(w)) < style.quiet_merchants
        book.cum["merchant_pays"] = np.cumsum(np.where(quiet, w * 0.01, w))
    banks = np.array([bulk.BINS.get(a[0][:6], (OTHER_BANK,))[0] for a in book.accounts], np.int64)
    numbers = pa.array([a[0] for a in book.accounts])
    used = np.zeros(len(book.accounts), bool)
    n = world.scale.transactions
    slices = max(1, math.ceil(n / CHUNK_ROWS))
    bounds = np.linspace(0, MINUTES, slices + 1).astype(int)
    written = laundering = 0
    carry: dict = {}
    with pq.ParquetWriter(out_dir / "transactions.parquet", SCHEMA) as parquet, \
            pcsv.CSVWriter(out_dir / "transactions.csv", SCHEMA, write_options=CSV_OPTIONS) as csv:
        for k, quota in enumerate(_slice_rows(n, slices)):
            lo, hi = int(bounds[k]), int(bounds[k + 1])
            dirty = _laundering(book, random.Random(f"{seed}:{k}"), lo, hi,
                                round(quota * style.laundering_share))
            parts = [dirty]
            if style.lookalike_share > 0:
                parts.append(_agents(book, random.Random(f"{seed}:{k}:agents"), lo, hi,
                                     round(quota * style.lookalike_share)))
            benign = _benign(book, np.random.default_rng([seed, k]), lo, hi,
                             max(0, quota - sum(len(p["t"]) for p in parts)))
            if style.camouflage > 0:
                _camouflage(book, np.random.default_rng([seed, k, 1]), benign,
                            round(style.camouflage * len(dirty["t"])))
            if style.one_off_share > 0:
                _one_offs(book, np.random.default_rng([seed, k, 2]), benign,
                          round(style.one_off_share * len(benign["t"])))
            rows = _concat([carry, *parts, benign])
            order = np.argsort(rows["t"], kind="stable")
            cut = len(order) if k == slices - 1 else int(np.searchsorted(rows["t"][order], hi))
            carry = {key: v[order[cut:]] for key, v in rows.items()}
            rows = {key: v[order[:cut]] for key, v in rows.items()}
            table = _table(numbers, banks, rows)
            parquet.write_table(table)
            csv.write_table(table)
            used[rows["src"]] = used[rows["dst"]] = True
            written += cut
            laundering += int(rows["lau"].sum())
            if progress:
                progress(cut)
    accounts = _write_accounts(book, used, banks, out_dir)
    return {"transactions": written, "accounts": accounts, "laundering": laundering}
