"""Logging in to the console, the landing page by role, the language switch, refusals."""

from __future__ import annotations

from console_helpers import form_token, log_in
from console_world import PASSWORD


def test_a_page_without_login_goes_to_the_login_page_and_back(client) -> None:
    answer = client.get("/console/clues?status=pushed", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/console/login?next=%2Fconsole%2Fclues%3Fstatus%3Dpushed"
    page = client.get(answer.headers["location"])
    assert 'lang="zh-CN"' in page.text and "登录" in page.text
    done = client.post("/console/login", data={
        "username": "officer", "password": PASSWORD, "csrf": form_token(page.text),
        "next": "/console/clues?status=pushed"}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/console/clues?status=pushed"


def test_a_wrong_password_says_so_and_logs_nobody_in(client) -> None:
    page = client.get("/console/login")
    answer = client.post("/console/login", data={"username": "officer", "password": "nope",
                                                 "csrf": form_token(page.text)})
    assert answer.status_code == 401 and "用户名或密码错误" in answer.text
    assert client.get("/console/", follow_redirects=False).status_code == 303


def test_a_login_form_without_its_token_is_refused(client) -> None:
    client.get("/console/login")
    answer = client.post("/console/login", data={"username": "officer", "password": PASSWORD,
                                                 "csrf": "forged"})
    assert answer.status_code == 403 and "表单已过期" in answer.text


def test_after_login_a_redirect_never_leaves_the_console(client) -> None:
    page = client.get("/console/login")
    answer = client.post("/console/login", data={
        "username": "officer", "password": PASSWORD, "csrf": form_token(page.text),
        "next": "https://evil.example/x"}, follow_redirects=False)
    assert answer.headers["location"] == "/console/"


def test_the_officer_lands_on_the_queue_figures_of_its_unit(client, world) -> None:
    log_in(client, "officer")
    home = client.get("/console/")
    assert home.status_code == 200
    assert "待签收" in home.text and "已逾期" in home.text and "本单位在办线索" in home.text
    assert f'data-clue="{world.own_clue}"' in home.text
    assert f'data-clue="{world.foreign_clue}"' not in home.text


def test_the_analyst_lands_on_new_findings_and_reports(client) -> None:
    log_in(client, "analyst")
    home = client.get("/console/")
    assert "待研判发现" in home.text and "群众举报" in home.text


def test_the_platform_lands_on_search_and_figures_without_clues(client) -> None:
    log_in(client, "platform")
    home = client.get("/console/")
    assert "本月专项战果" in home.text and 'action="/console/search"' in home.text
    assert "线索队列" not in home.text


def test_english_on_request_and_remembered(client) -> None:
    log_in(client, "officer")
    english = client.get("/console/?lang=en")
    assert 'lang="en"' in english.text and "Waiting to be received" in english.text
    assert 'lang="en"' in client.get("/console/").text


def test_logging_out_ends_the_session(client) -> None:
    log_in(client, "officer")
    home = client.get("/console/")
    client.post("/console/logout", data={"csrf": form_token(home.text)})
    assert client.get("/console/", follow_redirects=False).status_code == 303


def test_the_api_still_answers_json_for_its_errors(client) -> None:
    answer = client.get("/api/clues")
    assert answer.status_code == 401 and answer.json()["detail"]
