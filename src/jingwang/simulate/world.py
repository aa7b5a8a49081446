"""The simulated world's actors: gangs along the chain, their members, indicators and suppliers.

`build_world(seed, scale)` is deterministic: every random choice comes from a `random.Random`
seeded by the world seed and the name of what is being drawn (`World.rng("posts")`), so adding a
generator never changes what another one produces.  Activity is heavy-tailed (Pareto): a few gangs
post and move money far more than the rest, as in the seed reports.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from jingwang.simulate import identities as ids
from jingwang.simulate.regions import REGION_CODES

# Where gangs set up: the towns the seed reports name get more of them.
GANG_HOMES: tuple[str, ...] = REGION_CODES + ("440904", "431322", "350582", "360603",
                                              "445202", "320602", "320614") * 3


@dataclass(frozen=True)
class Archetype:
    """A kind of black-industry gang: its category (净网 code), chain role and contacts."""

    name: str
    category: str
    role: str
    weight: float               # how common among gangs
    domains: tuple[int, int]    # how many domains (min, max)
    cards: tuple[int, int]      # how many bank cards
    crypto: bool                # takes USDT (TRON) or BTC


ARCHETYPES: dict[str, Archetype] = {a.name: a for a in (
    Archetype("pii_seller", "pii_trade", "material_supply", 1.2, (0, 1), (0, 1), True),
    Archetype("card_dealer", "black_sim", "material_supply", 1.0, (0, 1), (0, 2), True),
    Archetype("app_builder", "illegal_app", "tech_support", 0.6, (1, 3), (0, 1), True),
    Archetype("seo_promoter", "gambling", "promotion", 0.7, (2, 5), (0, 1), False),
    Archetype("gambling_op", "gambling", "perpetrator", 1.4, (2, 5), (2, 5), True),
    Archetype("fraud_op", "fraud", "perpetrator", 1.6, (1, 4), (2, 6), False),
    Archetype("fourth_party", "money_laundering", "payment_settlement", 0.8, (1, 2), (4, 10), True),
    Archetype("paofen", "money_laundering", "payment_settlement", 0.9, (0, 1), (6, 14), True),
    Archetype("violence_poster", "violence_for_hire", "perpetrator", 0.5, (0, 0), (0, 1), False),
    Archetype("suicide_poster", "suicide_pact", "perpetrator", 0.4, (0, 0), (0, 0), False),
    Archetype("water_army", "water_army", "promotion", 0.6, (0, 1), (0, 1), False),
    Archetype("fake_cert", "fake_documents", "perpetrator", 0.7, (2, 6), (1, 2), False),
    Archetype("ddos", "hacking", "tech_support", 0.5, (1, 3), (0, 1), True),
    Archetype("scalper", "scalping", "perpetrator", 0.5, (0, 1), (1, 2), False),
)}

# Which upstream archetypes each downstream one buys from (全链: material, tech, promotion, money).
SUPPLY_CHAIN: dict[str, tuple[str, ...]] = {
    "fraud_op": ("pii_seller", "card_dealer", "app_builder", "seo_promoter", "paofen",
                 "fourth_party"),
    "gambling_op": ("card_dealer", "app_builder", "seo_promoter", "fourth_party", "paofen"),
    "fake_cert": ("seo_promoter", "card_dealer"),
    "scalper": ("card_dealer",),
    "ddos": ("card_dealer",),
    "violence_poster": ("pii_seller",),
}


@dataclass(frozen=True)
class Scale:
    """How big a world is: the number of each kind of record."""

    name: str
    gangs: int
    posts: int
    cases: int
    reports: int
    accounts: int
    transactions: int
    log_lines: int
    pages: int


SCALES: dict[str, Scale] = {
    "small": Scale("small", gangs=24, posts=3_000, cases=300, reports=200, accounts=3_000,
                   transactions=20_000, log_lines=20_000, pages=60),
    "medium": Scale("medium", gangs=120, posts=100_000, cases=10_000, reports=5_000,
                    accounts=60_000, transactions=1_000_000, log_lines=1_000_000, pages=400),
    "large": Scale("large", gangs=400, posts=300_000, cases=30_000, reports=10_000,
                   accounts=400_000, transactions=10_000_000, log_lines=3_000_000, pages=1_000),
}


@dataclass
class Member:
    """A person in a gang, with the identity kit (ID, phone, handset) police would trace."""

    id: str
    name: str
    id_card: str
    phone: str
    device: str
    region_code: str
    role: str


@dataclass
class Gang:
    """A black-industry gang: who is in it, what it advertises, who it buys from."""

    id: str
    archetype: str
    category: str
    role: str
    region_code: str
    activity: float
    members: list[Member] = field(default_factory=list)
    # The contacts and infrastructure it shows the world, canonical values by kind.
    indicators: dict[str, list[str]] = field(default_factory=dict)
    suppliers: list[str] = field(default_factory=list)
    # Indicators it shares with another gang through a member who works for both.
    shared_with: dict[str, list[tuple[str, str]]] = field(default_factory=dict)

    def values(self, kind: str) -> list[str]:
        return self.indicators.get(kind, [])


@dataclass(frozen=True)
class SharedPlatforms:
    """What everyone uses, criminals and citizens alike: never evidence on its own."""

    domains: tuple[str, ...] = ("qq.com", "weixin.qq.com", "alipay.com", "taobao.com", "jd.com",
                                "baidu.com", "weibo.com", "douyin.com", "12377.cn", "gov.cn")
    service_numbers: tuple[str, ...] = ("95588", "95533", "95599", "95566", "10086", "10010",
                                        "96110", "110", "12345", "12377")


@dataclass
class World:
    """Everything the generators draw from, and the truth they write out."""

    seed: int
    scale: Scale
    gangs: list[Gang]
    shared: SharedPlatforms = field(default_factory=SharedPlatforms)

    def rng(self, purpose: str) -> random.Random:
        """A generator of its own for one purpose, fixed by the world seed and the purpose."""
        return random.Random(f"jingwang:{self.seed}:{purpose}")

    def gang(self, gang_id: str) -> Gang:
        return self._by_id[gang_id]

    def __post_init__(self) -> None:
        self._by_id = {g.id: g for g in self.gangs}

    def by_archetype(self, name: str) -> list[Gang]:
        return [g for g in self.gangs if g.archetype == name]


def _pareto_activity(rng: random.Random) -> float:
    # Shape 1.3: a long tail, the busiest gang tens of times the median one.
    return min(50.0, rng.paretovariate(1.3))


def _draw_archetypes(rng: random.Random, n: int) -> list[str]:
    names = list(ARCHETYPES)
    # Every archetype at least once when the world is big enough to hold them all.
    chosen = names[:n] if n < len(names) else list(names)
    weights = [ARCHETYPES[a].weight for a in names]
    chosen += rng.choices(names, weights=weights, k=max(0, n - len(chosen)))
    rng.shuffle(chosen)
    return chosen


def _member(rng: random.Random, n: int, home: str, role: str) -> Member:
    region = home if rng.random() < 0.75 else rng.choice(REGION_CODES)
    return Member(id=f"P{n:05d}", name=ids.person_name(rng), id_card=ids.id_card(rng, region),
                  phone=ids.mobile(rng), device=ids.imei(rng), region_code=region, role=role)


def _contacts(rng: random.Random, arch: Archetype) -> dict[str, list[str]]:
    def some(lo: int, hi: int, make) -> list[str]:
        return sorted({make() for _ in range(rng.randint(lo, hi))})

    ind: dict[str, list[str]] = {
        "wechat": some(1, 3, lambda: ids.handle(rng)),
        "qq": some(0, 2, lambda: ids.qq(rng)),
        "telegram": some(0 if arch.role == "perpetrator" and not arch.crypto else 1, 2,
                         lambda: ids.handle(rng, min_len=6)),
        # Black SIM cards: contact numbers are often from virtual-operator ranges.
        "phone": some(1, 3, lambda: "+86" + ids.mobile(rng, virtual=rng.random() < 0.4)),
        "domain": some(*arch.domains, lambda: ids.domain(rng, illicit=True)),
        "bank_card": some(*arch.cards, lambda: ids.bank_card(rng)),
    }
    if arch.crypto:
        ind["tron"] = some(1, 2, lambda: ids.tron_address(rng))
        if rng.random() < 0.3:
            ind["btc"] = [ids.btc_address(rng)]
    if arch.name in ("ddos", "app_builder"):
        ind["ip"] = some(1, 3, lambda: ids.ipv4(rng))
    return {k: v for k, v in ind.items() if v}


def build_world(seed: int, scale: Scale | str = "small") -> World:
    """The gangs of one simulated world, with members, indicators, suppliers and overlaps."""
    scale = SCALES[scale] if isinstance(scale, str) else scale
    rng = random.Random(f"jingwang:{seed}:gangs")
    gangs: list[Gang] = []
    person = 0
    for i, name in enumerate(_draw_archetypes(rng, scale.gangs), start=1):
        arch = ARCHETYPES[name]
        home = rng.choice(GANG_HOMES)
        gang = Gang(id=f"G{i:03d}", archetype=name, category=arch.category, role=arch.role,
                    region_code=home, activity=_pareto_activity(rng))
        size = min(12, 2 + int(rng.paretovariate(1.5)))
        for _ in range(size):
            person += 1
            gang.members.append(_member(rng, person, home, arch.role))
        gang.indicators = _contacts(rng, arch)
        gang.indicators["device"] = sorted(m.device for m in gang.members)
        gangs.append(gang)
    world = World(seed=seed, scale=scale, gangs=gangs)
    _wire_supply_chain(rng, world)
    _overlap(rng, world)
    return world


def _wire_supply_chain(rng: random.Random, world: World) -> None:
    """Each downstream gang buys from one gang of each upstream kind it needs, when one exists.

    Popular suppliers get more customers (preferential attachment by activity), so one PII
    seller's data feeds several fraud gangs, as in the seed reports.
    """
    for gang in world.gangs:
        for upstream in SUPPLY_CHAIN.get(gang.archetype, ()):
            pool = world.by_archetype(upstream)
            if not pool or rng.random() < 0.2:
                continue
            supplier = rng.choices(pool, weights=[g.activity for g in pool])[0]
            gang.suppliers.append(supplier.id)
    # No supplier is left without a customer when a gang that buys its kind exists.
    for gang in world.gangs:
        if any(gang.id in g.suppliers for g in world.gangs):
            continue
        buyers = [g for g in world.gangs if gang.archetype in SUPPLY_CHAIN.get(g.archetype, ())]
        if buyers:
            rng.choice(buyers).suppliers.append(gang.id)
    # A promoter takes the category of what it promotes.
    for gang in world.gangs:
        if gang.archetype == "seo_promoter":
            customers = [g for g in world.gangs if gang.id in g.suppliers]
            if customers:
                gang.category = customers[0].category


def _overlap(rng: random.Random, world: World) -> None:
    """About one gang in seven shares a contact with another: a member who works for both."""
    for gang in world.gangs:
        if rng.random() >= 0.15 or len(world.gangs) < 2:
            continue
        other = rng.choice([g for g in world.gangs if g.id != gang.id])
        kind = rng.choice([k for k in ("phone", "wechat", "telegram", "bank_card")
                           if gang.values(k)])
        value = rng.choice(gang.values(kind))
        if value not in other.indicators.setdefault(kind, []):
            other.indicators[kind] = sorted([*other.indicators[kind], value])
            gang.shared_with.setdefault(other.id, []).append((kind, value))
