"""Extraction on hand-picked lines: each obfuscation, each trap, spans and raw text."""

from __future__ import annotations

import pytest

from jingwang.indicators import extract_indicators, extract_values


def test_spans_point_at_the_text_as_written() -> None:
    text = "加微信 abc_123456 电话：１３８ 一二三四 5678，扣扣：一二三四五六七"
    found = extract_indicators(text)
    assert [(e.kind, e.value) for e in found] == [
        ("wechat", "abc_123456"), ("phone", "+8613812345678"), ("qq", "1234567")]
    for e in found:
        assert text[e.start:e.end] == e.raw
    assert found[1].raw == "１３８ 一二三四 5678"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("联系138🔥1234🔥5678", {("phone", "+8613812345678")}),
        ("手机 ①③⑧ ①②③④ ⑤⑥⑦⑧", {("phone", "+8613812345678")}),
        ("电话 壹叁捌 壹贰叁肆 伍陆柒捌", {("phone", "+8613812345678")}),
        ("电话 幺三八〇〇〇〇幺幺幺幺", {("phone", "+8613800001111")}),
        ("+86 139-1234-5678", {("phone", "+8613912345678")}),
        ("0086 13712345678", {("phone", "+8613712345678")}),
        ("座机 0513-85123456", {("phone", "+8651385123456")}),
        ("(0755)23456789", {("phone", "+8675523456789")}),
        ("vx13812345678", {("phone", "+8613812345678"), ("wechat", "13812345678")}),
        ("➕V: lucky_boy88", {("wechat", "lucky_boy88")}),
        ("V❤ sweetgirl520", {("wechat", "sweetgirl520")}),
        ("威信号：Heiye_Data88", {("wechat", "heiye_data88")}),
        ("wxid_abcdef123456", {("wechat", "wxid_abcdef123456")}),
        ("企鹅 3 8 7 6 5 4 2 1 9", {("qq", "387654219")}),
        ("Q群：123456789", {("qq", "123456789")}),
        ("QQ 13812345678", {("qq", "13812345678")}),
        ("纸飞机 @paofen_boss666", {("telegram", "paofen_boss666")}),
        ("https://t.me/Paofen_Boss", {("telegram", "paofen_boss")}),
        ("官网 xx88点com", {("domain", "xx88.com")}),
        ("官网 xx88。com", {("domain", "xx88.com")}),
        ("官网 xx88 . com", {("domain", "xx88.com")}),
        ("官网 xx88(.)vip", {("domain", "xx88.vip")}),
        ("hxxps://www.bet-vip888[.]top/reg?code=A7，注册送",
         {("url", "https://www.bet-vip888.top/reg?code=A7"), ("domain", "bet-vip888.top")}),
        ("邮箱 banzheng2020#163.com", {("email", "banzheng2020@163.com")}),
        ("卡号 6222 0209 2815 9013 962", {("bank_card", "6222020928159013962")}),
        ("身份证 11010519491231002x", {("id_card", "11010519491231002X")}),
        ("USDT地址 TPnDf2P1BHfJRH96DZLF5vcyJZCmmTSPmR",
         {("tron", "TPnDf2P1BHfJRH96DZLF5vcyJZCmmTSPmR")}),
        ("节点 103.41.167.22 稳定", {("ip", "103.41.167.22")}),
        ("后台 103.41.167.22:8080/admin",
         {("ip", "103.41.167.22"), ("url", "http://103.41.167.22:8080/admin")}),
        ("支付宝：15937281046",
         {("alipay", "+8615937281046"), ("phone", "+8615937281046")}),
        ("IMEI 490154203237518", {("device", "490154203237518")}),
        ("包名 com.hei.loan", {("app", "com.hei.loan")}),
        ("138 ❤️ 1234 ❤️ 5678", {("phone", "+8613812345678")}),
        ("138❤️❤️1234❤️❤️5678", {("phone", "+8613812345678")}),
        ("QQ 12345678 13812345678", {("qq", "12345678"), ("phone", "+8613812345678")}),
        ("电话 13812345678 QQ:12345678", {("phone", "+8613812345678"), ("qq", "12345678")}),
        ("13812345678 103.41.167.22 13912345678",
         {("phone", "+8613812345678"), ("ip", "103.41.167.22"), ("phone", "+8613912345678")}),
        ("http://user:pass@xx88.com/a",
         {("url", "http://user:pass@xx88.com/a"), ("domain", "xx88.com")}),
        ("[b]加微信[/b] heiye_bb99", {("wechat", "heiye_bb99")}),
        ("2952354478+蔻曰批", {("qq", "2952354478")}),
        ("w2753636 麦饼卫星", {("wechat", "w2753636")}),
        ("各种东西都在wqkj777. top", {("domain", "wqkj777.top")}),
        ("加微信：Sykjtq", {("wechat", "sykjtq")}),
    ],
)
def test_obfuscations(text: str, expected: set[tuple[str, str]]) -> None:
    assert extract_values(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "2019年1月10日，专案组抓获高某等4名犯罪嫌疑人",
        "查获公民个人信息540万余条，涉案金额高达2200余万元",
        "时间:2019-06-14 10:10:20  来源:",
        "订单号202306141010201234仅供查询",
        "版本1.2.3.4 更新到 v2.3.1",
        "请拨打96110核实，官方客服95588，移动10086，报警110",
        "号码12812345678不存在",
        "银行卡 6222020928159013963",  # fails Luhn
        "身份证 320602198805151234",  # fails GB 11643
        "打开QQ空间看看，微信支付也行，关注vx公众号",
        "今天下午3点开会，预算5000元，身高175cm",
        "下载 readme.md 和 main.py，包 com.tencent.mm",
        "金额13812345678元",
        "共清理违法链接215万条，关停网站2.15万个",
        # what an adversarial review found (each once extracted something)
        "收入 13812345678元，累计13912345678次，涉案6222021000123456781元",
        "群：12345678人",
        "目前有 88888 QQ 用户在线",
        "用iPhone15 微信扫码支付，升级到Android14 微信",
        "固件版本 V20230614，wx 10086，微信 95588，稍微 12345 个",
        "QQ 20230614 发布",
        "he said ok. me too; it was fun. live long; sounds good. news at 10",
        "下载app。app很好用，今天看NBA。live直播",
        "卫星 Starlink 今日发射，一架飞机 Boeing 737，据电报 Reuters 报道，WeChat Moments",
        "见第 1.2.3.4 节",
        "52 28 85 88 27 68 59 55 31 17",
        "Order ID 4111111111111111",
        "abc " + "-" * 2000,
    ],
)
def test_negatives(text: str) -> None:
    assert extract_values(text) == set()


def test_kinds_filter_and_empty_text() -> None:
    text = "vx13812345678 官网 xx88.com"
    assert {e.kind for e in extract_indicators(text, kinds=["domain"])} == {"domain"}
    assert extract_indicators("") == []


def test_email_digits_are_not_read_again_as_qq_or_phone() -> None:
    assert extract_values("QQ邮箱 13812345678@qq.com") == {("email", "13812345678@qq.com")}


def test_e_mail_after_a_combining_accent_is_not_cut_short() -> None:
    assert extract_values("e\u0301mail@qq.com") == set()


def test_search_by_the_canonical_phone_also_reads_the_bound_wechat() -> None:
    from jingwang.indicators.query import query_candidates

    assert ("wechat", "15937281046") in query_candidates("+8615937281046")
