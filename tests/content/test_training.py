"""The corpus and the training of the content models: reading the corpus (one clear error per
bad line), holding out whole authors, folds of whole authors, and bars tuned on out-of-fold
scores within the benign budget."""

from __future__ import annotations

import json

import numpy as np
import pytest

from jingwang.content.classify import KB_SURE, decide, joined
from jingwang.content.corpus import CorpusError, Example, read_corpus, split
from jingwang.content.model import MIX, NgramModel, train, tune_thresholds
from jingwang.content.train import author_folds, build_model, tune_bars


def _example(text, labels=(), author="a", source="written"):
    return Example(text=text, labels=tuple(labels), author=author, source=source)


def test_a_bad_corpus_line_names_file_row_and_reason(tmp_path):
    (tmp_path / "written").mkdir()
    path = tmp_path / "written" / "x1.jsonl"
    path.write_text(json.dumps({"text": "跑分日结", "labels": ["money_laundering"]},
                               ensure_ascii=False) + "\n\n"
                    + json.dumps({"text": "出料", "labels": ["data_trade"]}) + "\n",
                    encoding="utf-8")
    with pytest.raises(CorpusError, match=r"x1\.jsonl:3: labels must be category codes"):
        read_corpus(tmp_path)
    path.write_text('{"text": "ok", "labels": []}\n{"text": \n', encoding="utf-8")
    with pytest.raises(CorpusError, match=r"x1\.jsonl:2: invalid JSON"):
        read_corpus(tmp_path)
    path.write_text('{"text": "  ", "labels": []}\n', encoding="utf-8")
    with pytest.raises(CorpusError, match=r"x1\.jsonl:1: no text"):
        read_corpus(tmp_path)


def test_read_corpus_keeps_the_first_of_a_text_and_the_author_of_its_file(tmp_path):
    (tmp_path / "written").mkdir()
    for name, label in (("b2", "gambling"), ("b1", "fraud")):
        (tmp_path / "written" / f"{name}.jsonl").write_text(
            json.dumps({"text": "上分找我", "labels": [label]}, ensure_ascii=False) + "\n",
            encoding="utf-8")
    [only] = read_corpus(tmp_path)
    assert (only.author, only.labels) == ("b1", ("fraud",))


def test_split_holds_out_whole_authors_of_each_category():
    examples = [_example(f"fraud {a} {i}", ["fraud"], a) for a in "ABCDEFGH" for i in range(25)]
    examples += [_example(f"benign {a} {i}", (), a) for a in "ABCDEFGH" for i in range(40)]
    examples += [_example(f"porn {i}", ["porn"], "solo") for i in range(100)]
    cut = split(examples)
    held = cut.held["fraud"]
    assert held and cut.how["fraud"] == "authors " + ", ".join(sorted(held))
    test_fraud = [e for e in cut.test if "fraud" in e.labels]
    train_fraud = [e for e in cut.train if "fraud" in e.labels]
    assert {e.author for e in test_fraud} == held
    assert not {e.author for e in train_fraud} & held
    assert 0.15 <= len(test_fraud) / 200 <= 0.4
    # A category one author wrote alone is cut by text hash, and says so.
    assert cut.how["porn"] == "text hash"
    porn_test = sum("porn" in e.labels for e in cut.test)
    assert 5 <= porn_test <= 40
    assert len(cut.train) + len(cut.test) == len(examples)


def test_author_folds_keep_an_author_whole_and_balance_the_folds():
    examples = [_example(f"{a}{i}", (), a) for a, n in zip("ABCDEFGH", (50, 40, 30, 30, 20,
                                                                         20, 10, 10),
                                                            strict=True) for i in range(n)]
    folds = author_folds(examples, k=4)
    by_author = {}
    for e, f in zip(examples, folds, strict=True):
        by_author.setdefault(e.author, set()).add(int(f))
    assert all(len(v) == 1 for v in by_author.values())
    sizes = np.bincount(folds, minlength=4)
    assert sizes.max() - sizes.min() <= 10
    assert (author_folds(examples, k=4) == folds).all()


def test_tune_bars_keeps_within_the_benign_budget():
    # One category: positives score 0.55–0.65, written benign 0.2; real benign mostly 0.1 but
    # five of them at 0.6 — a bar at 0.55 would flag them, beyond a budget of 1 in 100.
    rng = np.random.default_rng(0)
    positives = rng.uniform(0.55, 0.65, 50)
    scores = np.concatenate([positives, np.full(50, 0.2), np.full(95, 0.1), np.full(5, 0.6)])
    n = len(scores)
    labels = [("fraud",)] * 50 + [()] * 150
    real = np.array([False] * 100 + [True] * 100)
    support = np.zeros((n, 1), bool)
    contested = np.zeros((n, 1), bool)
    _, alone = tune_bars(scores[:, None], support, contested, labels, ["fraud"], real,
                         budget=0.0)
    assert alone["fraud"] > 0.6  # the five real lines at 0.6 must stay below the bar
    assert alone["fraud"] <= 0.65
    _, loose_alone = tune_bars(scores[:, None], support, contested, labels, ["fraud"], real,
                               budget=0.05)
    assert loose_alone["fraud"] <= 0.55  # now all positives are taken


def test_tune_bars_gives_the_knowledge_base_its_own_bar():
    # Supported texts (the knowledge base found the category) are positives at 0.4; texts the
    # model scores alone at 0.4 are benign: the supported bar goes low, the alone bar high.
    scores = np.array([0.4] * 20 + [0.4] * 20)[:, None]
    support = np.array([True] * 20 + [False] * 20)[:, None]
    labels = [("gambling",)] * 20 + [()] * 20
    supported, alone = tune_bars(scores, support, np.zeros_like(support), labels, ["gambling"],
                                 np.zeros(40, bool))
    assert supported["gambling"] <= 0.4 < alone["gambling"]


def test_tune_thresholds_with_budget_and_beta():
    model = NgramModel(("suicide_pact",), None, None, np.zeros(1))
    probabilities = np.array([0.9, 0.62, 0.56, 0.51, 0.59, 0.2])[:, None]
    labels = [("suicide_pact",)] * 3 + [()] * 3
    benign = np.array([False] * 3 + [True] * 3)
    assert tune_thresholds(model, probabilities, labels, floor=0.3)["suicide_pact"] == 0.525
    assert tune_thresholds(model, probabilities, labels, floor=0.3, benign=benign,
                           budget=0.0)["suicide_pact"] == 0.6
    # F2 (recall weighs twice) takes the lower bar where F1 would not.
    probabilities = np.array([0.9, 0.36, 0.31, 0.33, 0.34, 0.2])[:, None]
    assert tune_thresholds(model, probabilities, labels, floor=0.3)["suicide_pact"] == 0.35
    assert tune_thresholds(model, probabilities, labels, floor=0.3,
                           beta={"suicide_pact": 2.0})["suicide_pact"] == 0.3


def test_model_keeps_its_alone_bars_when_saved(tmp_path):
    texts = ["跑分日结佣金高", "收卡日结", "今天吃什么", "下雨了带伞", "跑分平台招码商",
             "周末去爬山"]
    labels = [("money_laundering",), ("money_laundering",), (), (), ("money_laundering",), ()]
    model = train(texts, labels, ["money_laundering", "porn"])
    model.thresholds = {"money_laundering": 0.4, "porn": 0.5}
    model.alone = {"money_laundering": 0.75, "porn": 0.9}
    model.save(tmp_path / "m.npz")
    again = NgramModel.load(tmp_path / "m.npz")
    assert (again.thresholds, again.alone) == (model.thresholds, model.alone)
    assert np.allclose(again.predict_proba(["跑分收卡"]), model.predict_proba(["跑分收卡"]),
                       atol=1e-5)
    assert again.predict_proba(["跑分收卡"])[0, 0] > again.predict_proba(["周末吃什么"])[0, 0]


def test_build_model_tunes_its_bars_on_authors_it_did_not_train_on():
    laundering = ["跑分日结佣金高，私聊", "收一类卡，日结三百", "码商招募，跑分平台",
                  "出租银行卡，一天两百", "跑分团队招人，佣金千三"]
    benign = ["今天吃什么", "下雨了记得带伞", "周末去爬山吗", "孩子作业写完了", "晚上一起看球"]
    examples = []
    for n in range(6):  # six authors, each writing both kinds
        examples += [_example(f"{text}{n}", ["money_laundering"], f"w{n}") for text in laundering]
        examples += [_example(f"{text}{n}", [], f"w{n}") for text in benign]
    model = build_model(examples)
    assert model.meta["tuned"] == "out of fold, 4 folds of whole authors"
    # One trade only: no "which trade" to learn, so the per-category reading alone; the bars
    # were tuned on scores joined with the knowledge base's where it is sure, and it says so.
    assert (model.mix, model.sure) == (0.0, KB_SURE)
    assert set(model.thresholds) == set(model.alone)
    assert all(model.alone[c] >= model.thresholds[c] for c in model.thresholds)
    probability = model.predict_proba(["跑分日结，佣金高"])[0, model.categories.index(
        "money_laundering")]
    assert probability > model.predict_proba(["今天下雨了"])[0, model.categories.index(
        "money_laundering")]


def test_the_two_stage_reading_is_blended_in_and_kept_when_saved(tmp_path):
    trades = {"money_laundering": ["跑分日结佣金高", "收卡日结三百", "码商招募跑分平台"],
              "porn": ["同城上门全套", "裸聊一次五十", "看我名字加q看片"],
              "gambling": ["时时彩计划群", "百家乐上分找我", "加拿大28带单"]}
    texts, labels = [], []
    for code, lines in trades.items():
        for n in range(4):
            texts += [f"{line}{n}" for line in lines]
            labels += [(code,)] * len(lines)
    benign = ["今天吃什么", "下雨了带伞", "周末去爬山", "孩子写作业", "晚上看球赛", "明天开会"]
    texts += benign * 2
    labels += [()] * len(benign) * 2
    codes = ["money_laundering", "porn", "gambling", "fraud"]
    model = train(texts, labels, codes)
    assert model.mix == MIX
    assert model.weights.shape[1] == 2 * len(codes) + 1
    model.sure = 0.8
    model.save(tmp_path / "m.npz")
    again = NgramModel.load(tmp_path / "m.npz")
    assert (again.mix, again.sure) == (MIX, 0.8)
    probe = ["跑分平台日结", "裸聊看片加q", "时时彩上分", "周末吃什么"]
    p = again.predict_proba(probe)
    assert np.allclose(p, model.predict_proba(probe), atol=1e-5)
    assert ((p >= 0) & (p <= 1)).all()
    for row, code in zip(p[:3], ["money_laundering", "porn", "gambling"], strict=True):
        assert codes[int(row.argmax())] == code
    assert p[3].max() < min(p[i, i] for i in range(3))
    # fraud has no text: neither reading gives it anything.
    assert p[:, 3].max() < 0.05


def test_the_knowledge_base_score_joins_the_models_only_where_it_is_sure():
    raw = np.array([[0.2, 0.2, 0.9]])
    kb_score = np.array([[KB_SURE + 0.05, KB_SURE - 0.2, 0.5]])
    assert np.allclose(joined(raw, kb_score), [[KB_SURE + 0.05, 0.2, 0.9]])
    # A model whose bars were tuned with the higher of the two everywhere keeps that.
    assert np.allclose(joined(raw, kb_score, 0.0), [[KB_SURE + 0.05, KB_SURE - 0.2, 0.9]])
    support = np.array([[True, True, False]])
    scores, bars = decide(raw, (kb_score, support, np.zeros_like(support)),
                          ["pii_trade", "fraud", "porn"], {"pii_trade": 0.5, "fraud": 0.5,
                                                           "porn": 0.5},
                          alone={"pii_trade": 0.95, "fraud": 0.95, "porn": 0.95})
    assert (scores >= bars).tolist() == [[True, False, False]]
