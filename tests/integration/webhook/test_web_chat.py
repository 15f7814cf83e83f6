"""The web chat page, its streaming endpoint and staff sign-in."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ServedApp
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait
from wechat_fakes import ScriptedAssistant

from assistant.api import Citation
from tools import identity
from tools.db import make_engine, make_session_factory, session_scope
from webhook.app import create_app

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")


def _add_staff(database_url: str) -> None:
    sessions = make_session_factory(make_engine(database_url))
    with session_scope(sessions) as session:
        identity.create_staff(session, "wang", "王老师", "correct-horse-battery")


def _csrf(client) -> str:
    return client.get("/api/session").json()["csrf"]


def test_chat_streams_tokens_and_a_reply_with_citations(client_for, assistant):
    assistant.citations = [Citation("志愿服务条例", "第十二条", "2017-08-22", None)]
    client = client_for()

    response = client.post(
        "/api/chat", json={"message": "你好"}, headers={"X-CSRF-Token": _csrf(client)}
    )

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    assert "event: token" in response.text
    assert '"title": "志愿服务条例"' in response.text
    assert assistant.calls[0][0].channel == "web"


def test_chat_without_the_csrf_token_is_refused(client_for, assistant):
    client = client_for()
    client.get("/api/session")

    response = client.post("/api/chat", json={"message": "你好"})

    assert response.status_code == 403
    assert assistant.calls == []


def test_staff_sign_in_makes_the_chat_speak_as_staff(
    client_for, assistant, database_url
):
    _add_staff(database_url)
    client = client_for()
    wrong = client.post(
        "/api/login",
        json={"username": "wang", "password": "not-the-password"},
        headers={"X-CSRF-Token": _csrf(client)},
    )
    assert wrong.status_code == 401

    signed_in = client.post(
        "/api/login",
        json={"username": "wang", "password": "correct-horse-battery"},
        headers={"X-CSRF-Token": _csrf(client)},
    )
    assert signed_in.json()["staff"] == "王老师"
    client.post(
        "/api/chat",
        json={"message": "今天有哪些求助？"},
        headers={"X-CSRF-Token": signed_in.json()["csrf"]},
    )

    user = assistant.calls[-1][0]
    assert user.staff_id is not None and user.openid.startswith("staff:")


def test_health_and_openapi_are_served(client_for):
    client = client_for()
    assert client.get("/healthz").json() == {"status": "ok", "database": True}
    assert "/wechat" in client.get("/openapi.json").json()["paths"]
    assert client.get("/docs").status_code == 200


def test_page_loads_nothing_from_outside(client_for):
    html = client_for().get("/").text
    assert "http://" not in html and "https://" not in html
    assert 'lang="zh-CN"' in html


@pytest.mark.browser
def test_resident_types_a_question_in_chromium_and_sees_the_answer(
    make_settings, tmp_path
):
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        pytest.skip(
            "browser test skipped: install Debian packages chromium and chromium-driver"
        )
    assistant = ScriptedAssistant(
        citations=[Citation("助老助浴服务指南", "预约方式", "2024-05", None)]
    )
    app = create_app(make_settings(), assistant=assistant)
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'chromium'}",
    ):
        options.add_argument(flag)

    with ServedApp(app) as served:
        driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
        try:
            driver.get(served.url.removesuffix("wechat"))
            box = driver.find_element(By.ID, "message")
            box.send_keys("助浴怎么预约？")
            driver.find_element(By.ID, "send").click()
            WebDriverWait(driver, 15).until(
                lambda d: "答：助浴怎么预约？" in d.find_element(By.ID, "log").text
            )
            log_text = driver.find_element(By.ID, "log").text
        finally:
            driver.quit()

    assert "《助老助浴服务指南》 预约方式（2024-05）" in log_text


def test_menu_push_creates_the_menu_through_the_api(database_url, tmp_path):
    from wechat_fakes import TOKEN, FakeWeChat

    weiai = shutil.which("weiai", path=str(Path(sys.executable).parent))
    assert weiai is not None
    with FakeWeChat(TOKEN) as wechat:
        env = {
            "PATH": str(Path(sys.executable).parent),
            "WEIAI_DATABASE_URL": database_url,
            "WEIAI_DATA_DIR": str(tmp_path / "data"),
            "WEIAI_WECHAT_APP_ID": "wx0000000000000001",
            "WEIAI_WECHAT_APP_SECRET": "app-secret-for-tests",
            "WEIAI_WECHAT_API_BASE_URL": wechat.api_base,
            "HF_HUB_OFFLINE": "1",
        }
        result = subprocess.run(
            [weiai, "wechat", "menu", "push", "--web-url", "https://weiai.example/"],
            env=env,
            capture_output=True,
            text=True,
            cwd=tmp_path,
            timeout=60,
        )

    assert result.returncode == 0, result.stderr
    assert "菜单已创建" in result.stdout
    names = [b["name"] for b in wechat.menus[0]["button"]]
    assert names == ["我要求助", "服务"]
    keys = [s.get("key") for s in wechat.menus[0]["button"][1]["sub_button"]]
    assert keys == ["HOURS", "FAQ", "HUMAN", None]
