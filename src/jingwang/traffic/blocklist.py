"""Block lists: the addresses to refuse, in nginx `deny` and ipset formats.

An address is listed when every client seen from it is flagged — an address shared with
anyone who looks like a person (a carrier's NAT, an office) is not blocked, only its flagged
accounts are reported — and never when it is a verified search-engine crawler.

    # nginx: include blocklist.nginx.conf; inside a server or location block
    deny 43.48.172.12;  # scalper 0.99
    # ipset: ipset restore < blocklist.ipset, then iptables -I INPUT -m set
    #        --match-set jingwang-block src -j DROP
    create jingwang-block hash:ip family inet hashsize 4096 maxelem 1000000 -exist
    add jingwang-block 43.48.172.12 -exist
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa

SET_NAME = "jingwang-block"


@dataclass(frozen=True)
class Blocked:
    ip: str
    kind: str
    score: float


def block_list(clients: pa.Table) -> list[Blocked]:
    """The addresses all of whose clients are flagged, highest score first."""
    best: dict[str, Blocked] = {}
    spared: set[str] = set()
    for ip, flagged, kind, score in zip(*(clients.column(c).to_pylist() for c in
                                          ("ip", "flagged", "kind", "score")), strict=True):
        if not flagged or kind == "crawler":
            spared.add(ip)
        elif ip not in best or score > best[ip].score:
            best[ip] = Blocked(ip, kind, score)
    out = [b for ip, b in best.items() if ip not in spared and _valid(ip)]
    return sorted(out, key=lambda b: (-b.score, b.ip))


def write_block_lists(blocked: list[Blocked], out_dir: Path) -> list[Path]:
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    nginx, ipset = out_dir / "blocklist.nginx.conf", out_dir / "blocklist.ipset"
    with nginx.open("w", encoding="utf-8") as f:
        f.write(f"# jingwang block list, {stamp}: {len(blocked)} addresses\n")
        f.writelines(f"deny {b.ip};  # {b.kind} {b.score:.2f}\n" for b in blocked)
    v4 = [b for b in blocked if ":" not in b.ip]
    v6 = [b for b in blocked if ":" in b.ip]
    with ipset.open("w", encoding="utf-8") as f:
        for name, family, group in ((SET_NAME, "inet", v4), (SET_NAME + "6", "inet6", v6)):
            if not group and family == "inet6":
                continue
            f.write(f"create {name} hash:ip family {family} hashsize 4096 maxelem 1000000 "
                    "-exist\n")
            f.writelines(f"add {name} {b.ip} -exist\n" for b in group)
    return [nginx, ipset]


def _valid(ip: str) -> bool:
    try:
        ipaddress.ip_address(ip)
    except ValueError:
        return False
    return True
