"""An OpenAI-compatible ``/embeddings`` endpoint (``openai:MODEL``)."""

from __future__ import annotations

import logging

import httpx
import numpy as np

from knowledge.embeddings.base import Embedder
from tools.errors import ModelUnavailable

logger = logging.getLogger(__name__)


class OpenAIEmbedder(Embedder):
    """Calls ``POST {base_url}/embeddings`` with ``{"model", "input"}``."""

    batch_size = 64

    def __init__(
        self,
        model: str,
        *,
        base_url: str,
        api_key: str | None = None,
        timeout: float = 30.0,
        client: httpx.Client | None = None,
    ) -> None:
        self.spec = f"openai:{model}"
        self.model = model
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._client = client or httpx.Client(
            base_url=base_url.rstrip("/") + "/", headers=headers, timeout=timeout
        )
        self._dim = 0

    @property
    def dim(self) -> int:
        if not self._dim:
            self._dim = int(self._embed(["维度探测"], is_query=True).shape[1])
        return self._dim

    def _embed(self, texts: list[str], *, is_query: bool) -> np.ndarray:
        try:
            response = self._client.post(
                "embeddings", json={"model": self.model, "input": texts}
            )
            response.raise_for_status()
            data = sorted(response.json()["data"], key=lambda item: item["index"])
        except httpx.HTTPStatusError as exc:
            raise ModelUnavailable(
                f"向量服务返回 HTTP {exc.response.status_code}："
                "请检查 WEIAI_OPENAI_BASE_URL、密钥和模型名。"
            ) from exc
        except (httpx.HTTPError, KeyError, TypeError, ValueError) as exc:
            raise ModelUnavailable(
                f"向量服务无法访问或答复格式不对（{type(exc).__name__}）。"
            ) from exc
        vectors = np.asarray([item["embedding"] for item in data], dtype=np.float32)
        if len(vectors) != len(texts):
            raise ModelUnavailable("向量服务返回的条数与请求不一致。")
        self._dim = vectors.shape[1]
        logger.debug("embedded %d texts remotely", len(texts))
        return vectors
