"""The citizen's report form at /report and the analysts' triage at /console/reports."""

from __future__ import annotations

from console_helpers import form_token, log_in
from console_world import PHONE
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from jingwang.api.app import create_app
from jingwang.store.db import open_store, session_scope
from jingwang.store.models import AuditEvent, Clue, Indicator, Report, Sighting

TEXT = "有人在群里招兼职刷单，说做任务有返利，让我先垫付"
LINK = "https://shua-dan-task.cn/join?id=7"
SECRET = "r" * 32


def send(client: TestClient, text: str = TEXT, **fields: str):
    page = client.get("/report")
    assert page.status_code == 200
    return client.post("/report", data={"text": text, "csrf": form_token(page.text), **fields})


def test_the_form_needs_no_login_and_speaks_chinese_then_english(client) -> None:
    page = client.get("/report")
    assert page.status_code == 200 and 'lang="zh-CN"' in page.text
    assert "举报网络违法犯罪信息" in page.text and "电信网络诈骗" in page.text
    assert 'action="/report"' in page.text and "http://" not in page.text.replace(
        'placeholder="https://"', "")
    assert "Report illegal information online" in client.get("/report?lang=en").text


def test_a_report_gets_a_receipt_its_indicators_and_is_stored_once(client, world) -> None:
    answer = send(client, links=f"{LINK}\n\n", category="fraud", contact="王先生",
                  region_code="320600")
    assert answer.status_code == 200, answer.text
    assert "请保存回执编号" in answer.text
    receipt = answer.text.split('data-receipt="')[1].split('"')[0]
    assert receipt.startswith("web-") and len(receipt) == 20
    with session_scope(open_store(world.url)) as s:
        report = s.scalars(select(Report).where(Report.record_id == receipt)).one()
        assert report.category == "fraud" and report.region_code == "320600"
        assert LINK in report.text and report.text.startswith(TEXT)
        kinds = dict(s.execute(select(Indicator.kind, Indicator.value)
                               .join(Sighting, Sighting.indicator_id == Indicator.id)
                               .where(Sighting.source == "reports",
                                      Sighting.record_id == receipt)).all())
    assert "shua-dan-task.cn" in kinds.values(), kinds
    assert f"识别出 {len(kinds)} 个" in answer.text
    again = send(client, links=LINK, category="fraud")
    assert receipt in again.text and "不重复登记" in again.text
    assert f"识别出 {len(kinds)} 个" in again.text
    with session_scope(open_store(world.url)) as s:
        assert s.scalar(select(func.count(Report.id)).where(Report.record_id == receipt)) == 1


def test_a_form_without_its_token_is_refused(client, world) -> None:
    client.get("/report")
    answer = client.post("/report", data={"text": TEXT, "csrf": "forged"})
    assert answer.status_code == 403 and "表单已过期" in answer.text
    with session_scope(open_store(world.url)) as s:
        assert s.scalar(select(func.count(Report.id)).where(Report.text == TEXT)) == 0


def test_a_bad_field_shows_the_form_again_with_what_was_typed(client) -> None:
    short = send(client, text="骗")
    assert short.status_code == 422 and "至少 5 个字" in short.text
    region = send(client, region_code="12")
    assert region.status_code == 422 and "6 位数字" in region.text and TEXT in region.text


def test_too_many_reports_from_one_address_get_a_429_page(world) -> None:
    client = TestClient(create_app(world.url, secret=SECRET, report_rate=2))
    assert send(client, "第一条举报 网赌平台 bet-one.vip").status_code == 200
    assert send(client, "第二条举报 网赌平台 bet-two.vip").status_code == 200
    third = send(client, "第三条举报 网赌平台 bet-three.vip")
    assert third.status_code == 429 and "过于频繁" in third.text
    assert "<html" in third.text


def test_the_analyst_sees_each_report_triaged(client, world) -> None:
    send(client, links=LINK)                                    # lexicon only
    send(client, f"这个号码 {PHONE[3:]} 一直发兼职广告")            # shares the finding's phone
    log_in(client, "analyst")
    page = client.get("/console/reports")
    assert page.status_code == 200
    assert "shua-dan-task.cn" in page.text and PHONE in page.text
    assert "关键词：" in page.text and "刷单" in page.text
    assert f"比中研判发现 #{world.loose_findings[0]}" in page.text
    assert "建议类别" in page.text and "举报人所选类别" in page.text
    english = client.get("/console/reports?lang=en")
    assert "keywords: " in english.text and "比中 finding #" in english.text


def test_a_report_becomes_a_routed_clue(client, world) -> None:
    receipt = send(client, links=LINK).text.split('data-receipt="')[1].split('"')[0]
    log_in(client, "analyst")
    page = client.get("/console/reports")
    assert f'data-report="{receipt}"' in page.text
    with session_scope(open_store(world.url)) as s:
        report_id = s.scalar(select(Report.id).where(Report.record_id == receipt))
    answer = client.post(f"/console/reports/{report_id}/clue",
                         data={"csrf": form_token(page.text)}, follow_redirects=False)
    assert answer.status_code == 303
    clue_id = int(answer.headers["location"].rsplit("/", 1)[1])
    with session_scope(open_store(world.url)) as s:
        clue = s.get(Clue, clue_id)
        assert clue.category == "fraud" and clue.title == TEXT
        assert LINK in clue.description and clue.events
        assert s.scalar(select(func.count(AuditEvent.id)).where(
            AuditEvent.action == "clue.create", AuditEvent.object_id == str(clue_id))) == 1


def test_officer_and_platform_cannot_open_the_reports(client) -> None:
    for user in ("officer", "platform"):
        log_in(client, user)
        answer = client.get("/console/reports")
        assert answer.status_code == 403 and "无权" in answer.text
        client.cookies.clear()
