from assistant.arguments import summary
from tools.agent_tools.schemas import SubmitNeedArgs


def test_confirmation_summary_uses_short_field_names() -> None:
    schema = SubmitNeedArgs.model_json_schema()
    text = summary(
        {
            "category": "助浴",
            "description": "母亲需要洗澡",
            "contact_phone": "138****5678",
        },
        schema,
    )
    assert "联系电话：138****5678" in text
    assert "需求的具体内容：母亲需要洗澡" in text
    assert "11位" not in text
