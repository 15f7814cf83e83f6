"""The intent step and the argument readers, without any model."""

from __future__ import annotations

from datetime import date

import pytest

from assistant import arguments, extract
from assistant.eval.routing import Case, load_cases, route
from assistant.intent import IntentClassifier, default_classifier
from tools.errors import ToolInputError


@pytest.mark.parametrize(
    ("message", "intent"),
    [
        ("你们服务站在哪里？", "knowledge"),
        ("我家马桶堵了，能派个人来通一下吗", "submit_need"),
        ("助浴服务有什么安全要求", "knowledge"),
        ("我的时长", "my_hours"),
        ("你好呀", "chat"),
    ],
)
def test_messages_reach_the_intended_step(message: str, intent: str) -> None:
    assert default_classifier().classify(message).name == intent


def test_how_to_questions_about_a_tool_go_to_knowledge() -> None:
    classifier = default_classifier()

    assert classifier.classify("怎么绑定志愿者身份").name == "knowledge"
    assert classifier.classify("绑定 K4M7Q2RT").name == "bind_volunteer"


def test_a_resident_asking_for_staff_matching_gets_no_tool() -> None:
    case = Case("给XQ261201D7K2M匹配志愿者", "resident", None)

    assert route(default_classifier(), case) is None


def test_cue_weights_come_from_the_examples_file_shape() -> None:
    classifier = IntentClassifier(
        {"a": ["早上好"], "b": ["修水管"]}, {"b": {"漏水": 1.0}}
    )

    assert classifier.classify("厨房漏水了").name == "b"


def test_phone_address_time_and_gender_are_read_by_code() -> None:
    text = "俺娘洗不了澡，住临江雅居3号楼，明天上午来，手机139****1234"

    assert extract.phone(text) == "139****1234"
    assert extract.address(text) == "临江雅居3号楼"
    assert extract.when(text) == "明天上午"
    assert extract.gender(text) == "女"


def test_two_different_phones_are_left_to_ask_about() -> None:
    assert extract.phone("138****5678 或者 139****1234") is None


def test_years_are_read_relative_to_today() -> None:
    today = date(2026, 12, 3)

    assert extract.year("去年的统计", today) == 2025
    assert extract.year("2024年的证明", today) == 2024
    assert extract.year("看看统计", today) is None


def test_an_invented_need_code_is_dropped_but_a_spoken_one_kept() -> None:
    args, dropped = arguments.ground(
        {"need_code": "XQ991231FAKE1", "reason": "修好了"}, "取消 XQ261201D7K2M"
    )
    kept, _ = arguments.ground({"need_code": "XQ261201D7K2M"}, "取消 xq261201d7k2m")

    assert dropped == ["need_code"] and args == {"reason": "修好了"}
    assert kept == {"need_code": "XQ261201D7K2M"}


def test_a_bad_routing_file_names_its_line(tmp_path: object) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "bad.jsonl"
    path.write_text('{"message": "你好", "role": "resident", "tool": null}\n{oops\n')

    with pytest.raises(ToolInputError, match="第 2 行"):
        load_cases(path)
