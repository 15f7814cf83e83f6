from pathlib import Path

import pytest

from assistant.settings import Settings, load_settings
from tools.errors import ConfigError


def test_variables_with_the_weiai_prefix_configure_the_settings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("WEIAI_LLM", "openai:qwen-plus")
    monkeypatch.setenv("WEIAI_WECHAT_ACCOUNT_TYPE", "service")
    monkeypatch.setenv("WEIAI_PORT", "9000")
    settings = load_settings()
    assert settings.llm == "openai:qwen-plus"
    assert settings.wechat_account_type == "service"
    assert settings.port == 9000


def test_dotenv_file_is_read(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("WEIAI_OPENAI_MODEL=deepseek-reasoner\n", encoding="utf-8")
    monkeypatch.setitem(Settings.model_config, "env_file", str(env_file))
    assert load_settings().openai_model == "deepseek-reasoner"


def test_default_database_is_a_sqlite_file_in_the_data_dir(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path)
    assert settings.resolved_database_url == f"sqlite:///{tmp_path / 'weiai.db'}"


def test_secrets_do_not_show_in_the_settings_repr(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("WEIAI_OPENAI_API_KEY", "sk-very-secret")
    monkeypatch.setenv("WEIAI_WECHAT_TOKEN", "token-very-secret")
    text = repr(load_settings())
    assert "sk-very-secret" not in text
    assert "token-very-secret" not in text


def test_malformed_value_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WEIAI_PORT", "eighty")
    with pytest.raises(ConfigError, match="WEIAI_PORT"):
        load_settings()


def test_wechat_enabled_without_token_refuses_to_serve() -> None:
    settings = load_settings(wechat_enabled=True)
    with pytest.raises(ConfigError, match="WEIAI_WECHAT_TOKEN"):
        settings.check_for_serving()


def test_aes_key_of_the_wrong_length_refuses_to_serve() -> None:
    settings = load_settings(
        wechat_enabled=True, wechat_token="t0ken", wechat_aes_key="short"
    )
    with pytest.raises(ConfigError, match="43"):
        settings.check_for_serving()


def test_production_refuses_a_placeholder_secret_key() -> None:
    settings = load_settings(env="production", secret_key="changeme")
    with pytest.raises(ConfigError, match="WEIAI_SECRET_KEY"):
        settings.check_for_serving()


def test_unwritable_data_dir_is_one_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory", encoding="utf-8")
    settings = load_settings(data_dir=blocker / "data")
    with pytest.raises(ConfigError, match="WEIAI_DATA_DIR"):
        settings.ensure_data_dir()


def test_development_session_secret_is_generated_once_and_kept(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path)
    first = settings.session_secret()
    assert len(first) >= 32
    assert load_settings(data_dir=tmp_path).session_secret() == first


def test_organisation_name_is_configurable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WEIAI_ORG_NAME", "江州市滨江区微爱志愿服务中心")
    assert load_settings().org_name == "江州市滨江区微爱志愿服务中心"
