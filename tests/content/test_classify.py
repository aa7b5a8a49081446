"""Classifying texts: categories with explanations in the text's own words, urgency for lives
at risk with its reason, indicators, and news that only mentions a crime left benign."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from jingwang.cli import app
from jingwang.content import classify

# The seed reports lie beside the repository (../shared/seeds) in this workplace.
SEEDS = next((p for p in (Path(__file__).resolve().parents[3] / "shared" / "seeds",
                          Path("/work/shared/seeds")) if p.is_dir()),
             Path(__file__).resolve().parents[3] / "shared" / "seeds")


def test_an_obfuscated_gambling_ad_is_gambling_and_quoted_as_written() -> None:
    result = classify("菠🥬平臺招代理，日賺５００+，首充送彩金，私我拉你进群 威信 kf_bc88")
    assert result.labels[0] == "gambling"
    explanation = result.categories[0].explanation
    assert "菠🥬" in explanation and "彩金" in explanation  # the text's own words
    assert {(i.kind, i.value) for i in result.indicators} >= {("wechat", "kf_bc88")}
    assert result.urgency == "normal"


def test_police_news_about_the_same_crime_is_benign() -> None:
    result = classify("警方破获一起特大网络赌博案，抓获犯罪嫌疑人32名，涉案流水逾亿元")
    assert result.benign and result.urgency == "normal"


def test_hiring_violence_with_a_time_and_place_is_immediate() -> None:
    result = classify("找两个狠人帮忙出气，今晚八点到XX小区3栋门口堵他，事成给五千")
    assert "violence_for_hire" in result.labels
    assert result.urgency == "immediate"
    assert "今晚" in result.urgency_reason or "门口" in result.urgency_reason


def test_a_suicide_pact_without_time_or_place_is_high() -> None:
    result = classify("有没有想一起走的，找个伴，不想一个人")
    assert "suicide_pact" in result.labels
    assert result.urgency == "high" and "without a time" in result.urgency_reason


def test_sadness_without_arranging_anything_is_benign() -> None:
    assert classify("最近真的好累，感觉什么都没意思，想一个人静静").benign


def test_ordinary_chat_is_benign() -> None:
    for text in ("今天晚上吃什么？火锅还是烧烤", "明天上午十点开会，记得带电脑",
                 "这件衣服有M码吗，想买两件"):
        assert classify(text).benign, text


@pytest.mark.skipif(not SEEDS.is_dir(), reason=f"the seed reports are not at {SEEDS}")
def test_the_seed_reports_come_out_benign() -> None:
    reports = sorted(SEEDS.glob("*.txt"))
    assert len(reports) == 5
    flagged = {p.name: classify(p.read_text(encoding="utf-8")).labels for p in reports}
    assert {name: labels for name, labels in flagged.items() if labels} == {}


def test_jingwang_classify_prints_one_object_per_line_in_order(tmp_path) -> None:
    source = tmp_path / "posts.jsonl"
    lines = [{"id": "p1", "text": "接码平台 实名微信号出售 一手货源 加v：ma_ka88"},
             {"id": "p2", "text": "周末一起去爬山吗"}]
    source.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n",
                      encoding="utf-8")
    result = CliRunner().invoke(app, ["classify", str(source)])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["id"] for r in rows] == ["p1", "p2"]
    assert rows[0]["categories"][0]["category"] == "black_sim"
    assert rows[0]["categories"][0]["explanation"]
    assert rows[1]["categories"] == [] and rows[1]["urgency"] == "normal"


def test_jingwang_classify_refuses_bad_input_with_file_and_row(tmp_path) -> None:
    source = tmp_path / "bad.jsonl"
    source.write_text('{"id": "a", "text": "你好"}\n{"id": "b", "text": \n', encoding="utf-8")
    result = CliRunner().invoke(app, ["classify", str(source)])
    assert result.exit_code == 1 and "bad.jsonl:2" in result.output
