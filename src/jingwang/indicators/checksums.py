"""Check digits and address checksums: Luhn, GB 11643, Base58Check, Bech32, EIP-55."""

from __future__ import annotations

import base58
from Crypto.Hash import keccak


def luhn_valid(digits: str) -> bool:
    """True when a digit string passes the Luhn (mod 10) check used by bank cards and IMEIs."""
    if not digits.isdigit():
        return False
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


_GB11643_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_GB11643_CHECK = "10X98765432"


def gb11643_check_char(first17: str) -> str:
    """The 18th character of a resident ID number (GB 11643-1999, ISO 7064 MOD 11-2)."""
    total = sum(int(c) * w for c, w in zip(first17, _GB11643_WEIGHTS, strict=True))
    return _GB11643_CHECK[total % 11]


def base58check_payload(address: str) -> bytes | None:
    """Decode a Base58Check string; the payload (version byte included) or None if invalid."""
    try:
        return base58.b58decode_check(address)
    except ValueError:
        return None


_BECH32_CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_BECH32_CONST = 1
_BECH32M_CONST = 0x2BC830A3


def _bech32_polymod(values: list[int]) -> int:
    generator = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)
    chk = 1
    for v in values:
        top = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ v
        for i in range(5):
            chk ^= generator[i] if (top >> i) & 1 else 0
    return chk


def bech32_valid(address: str, hrp: str = "bc") -> bool:
    """True for a valid Bech32 (witness v0) or Bech32m (v1+) segwit address with this prefix."""
    if address.lower() != address and address.upper() != address:
        return False
    addr = address.lower()
    pos = addr.rfind("1")
    if pos < 1 or pos + 7 > len(addr) or len(addr) > 90 or addr[:pos] != hrp:
        return False
    try:
        data = [_BECH32_CHARSET.index(c) for c in addr[pos + 1 :]]
    except ValueError:
        return False
    expanded = [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]
    const = _bech32_polymod(expanded + data)
    if not data:
        return False
    witness_version = data[0]
    if witness_version == 0:
        return const == _BECH32_CONST
    return const == _BECH32M_CONST and witness_version <= 16


def eip55_checksum(address_hex40: str) -> str:
    """The EIP-55 mixed-case form of a 40-hex-digit Ethereum address (without 0x)."""
    lower = address_hex40.lower()
    digest = keccak.new(digest_bits=256, data=lower.encode("ascii")).hexdigest()
    return "".join(c.upper() if c.isalpha() and int(digest[i], 16) >= 8 else c
                   for i, c in enumerate(lower))

