"""Benchmark POST /wechat against a bare FastAPI endpoint, on 127.0.0.1 only.

Prints, for 100 concurrent connections:
  1. acknowledgement throughput, p50/p99 latency and server CPU per request
     of POST /wechat (safe mode, signed and encrypted, answered by an instant
     scripted assistant) on both account types, next to a bare FastAPI
     endpoint that returns ``success`` and to a FastAPI endpoint that does
     only wechatpy's part (verify, decrypt, parse, reply, encrypt: the
     ceiling for any webhook built on it), with the ratios to the bare one;
  2. with a slow model (8 s), the share of deliveries answered within 5 s on
     a service account, and the share of messages a subscription account
     answers by WeChat's third delivery.

Each server runs in its own process on a free port, with a fresh SQLite
database in a temporary directory and, with ``--postgres URL``, again with a
fresh private schema on that PostgreSQL server (dropped afterwards).
Run: .venv/bin/python bench/webhook.py [--postgres postgresql+psycopg://...]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from fastapi import Request  # resolved by FastAPI from this module's globals

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "integration" / "webhook"))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

TOKEN = "benchtoken"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
APP_ID = "wx0000000000000001"


def serve(kind: str, port: int, delay: float) -> None:
    """Child process: run the bare app or the webhook app."""
    import uvicorn
    from fastapi import FastAPI
    from fastapi.responses import PlainTextResponse
    from wechat_fakes import ScriptedAssistant

    from webhook.app import create_app

    if kind == "bare":
        app = FastAPI()

        @app.post("/wechat")
        async def bare() -> PlainTextResponse:
            return PlainTextResponse("success")

        @app.get("/healthz")
        async def health() -> dict[str, str]:
            return {"status": "ok"}

    elif kind == "protocol":
        app = _protocol_only_app()
    else:
        app = create_app(assistant=ScriptedAssistant(delay=delay))
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="error", access_log=False)


def _protocol_only_app() -> Any:
    """FastAPI doing only wechatpy's share of a delivery: no storage, no agent.

    Verify and decrypt the body, parse the message, render and encrypt a
    text reply. Its throughput is the ceiling any webhook built on wechatpy
    reaches on this machine, whatever it does besides.
    """
    from fastapi import FastAPI
    from fastapi.responses import Response
    from wechatpy import parse_message
    from wechatpy.replies import TextReply

    from webhook.protocol import CallbackQuery, WeChatCodec

    app = FastAPI()
    codec = WeChatCodec(TOKEN, aes_key=AES_KEY, app_id=APP_ID)

    @app.post("/wechat")
    async def protocol(request: Request) -> Response:
        q = request.query_params
        query = CallbackQuery(
            timestamp=q.get("timestamp"),
            nonce=q.get("nonce"),
            encrypt_type=q.get("encrypt_type"),
            msg_signature=q.get("msg_signature"),
        )
        envelope = codec.open(await request.body(), query)
        message = parse_message(envelope.xml)
        xml = TextReply(message=message, content="答：" + message.content).render()
        return Response(codec.seal(xml, encrypted=True), media_type="application/xml")

    @app.get("/healthz")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    return app


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start(
    kind: str, delay: float, env: dict[str, str]
) -> tuple[subprocess.Popen[bytes], int]:
    port = _free_port()
    cmd = [sys.executable, __file__, "--serve", kind, str(port), str(delay)]
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT)
    end = time.monotonic() + 30
    while time.monotonic() < end:
        try:
            if (
                httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code
                == 200
            ):
                return proc, port
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit(f"{kind} server did not start")


def _app_env(tmp: Path, account: str, database: str) -> dict[str, str]:
    from tools.db import make_engine, upgrade

    if database == "sqlite":
        database = f"sqlite:///{tmp / f'{account}-{uuid.uuid4().hex[:6]}.db'}"
    engine = make_engine(database)
    upgrade(engine)
    engine.dispose()
    return {
        **os.environ,
        "WEIAI_DATABASE_URL": database,
        "WEIAI_DATA_DIR": str(tmp / "data"),
        "WEIAI_WECHAT_ENABLED": "true",
        "WEIAI_WECHAT_TOKEN": TOKEN,
        "WEIAI_WECHAT_AES_KEY": AES_KEY,
        "WEIAI_WECHAT_APP_ID": APP_ID,
        "WEIAI_WECHAT_ACCOUNT_TYPE": account,
        "WEIAI_RATE_LIMIT_PER_MINUTE": "1000",
        "WEIAI_LOG_LEVEL": "ERROR",
        "HF_HUB_OFFLINE": "1",
    }


@contextmanager
def _database(kind: str, postgres: str | None) -> Iterator[str]:
    if kind == "sqlite":
        yield "sqlite"
        return
    assert postgres is not None
    from pg_schema import private_schema_url

    with private_schema_url(postgres) as url:
        yield url


def _requests(count: int, prefix: str) -> list[tuple[dict[str, str], str]]:
    from wechat_fakes import encrypted_request, text_xml
    from wechatpy.crypto import WeChatCrypto

    crypto = WeChatCrypto(TOKEN, AES_KEY, APP_ID)
    return [
        encrypted_request(
            crypto, TOKEN, text_xml(f"问题{i}", openid=f"{prefix}{i:06d}")
        )
        for i in range(count)
    ]


async def _load(
    url: str,
    payloads: list[tuple[dict[str, str], str]],
    connections: int,
    timeout: float,
) -> tuple[float, list[float], int]:
    """Post every payload over ``connections`` workers: wall time, latencies, ok."""
    latencies: list[float] = []
    ok = 0
    queue = list(reversed(payloads))
    limits = httpx.Limits(
        max_connections=connections, max_keepalive_connections=connections
    )

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal ok
        while queue:
            query, body = queue.pop()
            started = time.perf_counter()
            try:
                response = await client.post(url, params=query, content=body)
            except httpx.HTTPError:
                continue
            elapsed = time.perf_counter() - started
            if response.status_code == 200 and elapsed <= timeout:
                ok += 1
            latencies.append(elapsed)

    async with httpx.AsyncClient(limits=limits, timeout=timeout) as client:
        started = time.perf_counter()
        await asyncio.gather(*(worker(client) for _ in range(connections)))
        wall = time.perf_counter() - started
    return wall, latencies, ok


def _pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[q - 1] * 1000 if len(values) > 1 else 0.0


LUA = """
local reqs = {%s}
local i = 0
threads_started = {}
function setup(thread)
  table.insert(threads_started, thread)
  thread:set("offset", #threads_started - 1)
  thread:set("stride", %d)
end
function init(args)
  i = offset
end
function request()
  i = i + stride
  local r = reqs[(i %% #reqs) + 1]
  return wrk.format("POST", r[1], {["Content-Type"] = "text/xml"}, r[2])
end
"""


def _lua_script(tmp: Path, count: int, threads: int) -> Path:
    from urllib.parse import urlencode

    entries = []
    for query, body in _requests(count, "oWrk"):
        path = "/wechat?" + urlencode(query)
        entries.append(f"{{{_lua_str(path)},{_lua_str(body)}}}")
    script = tmp / "wechat.lua"
    script.write_text(LUA % (",".join(entries), threads), encoding="utf-8")
    return script


def _lua_str(text: str) -> str:
    return "[==[" + text + "]==]"


def _wrk(url: str, script: Path, seconds: int, timeout: str) -> dict[str, float]:
    """Run wrk with 100 connections; requests/s, p50/p99 (ms), errors."""
    threads = min(os.cpu_count() or 1, 4)
    out = subprocess.run(
        [
            "wrk",
            f"-t{threads}",
            "-c100",
            f"-d{seconds}s",
            f"--timeout={timeout}",
            "--latency",
            "-s",
            str(script),
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    figures: dict[str, float] = {"timeouts": 0.0, "non2xx": 0.0}
    for line in out.splitlines():
        parts = line.split()
        if line.startswith("Requests/sec:"):
            figures["rps"] = float(parts[1])
        elif len(parts) == 2 and parts[0] in ("50%", "99%"):
            figures[parts[0]] = _ms(parts[1])
        elif "requests in" in line:
            figures["requests"] = float(parts[0])
        elif "Socket errors" in line:
            figures["timeouts"] = float(line.rsplit("timeout", 1)[1].strip())
        elif "Non-2xx" in line:
            figures["non2xx"] = float(parts[-1])
    return figures


def _ms(value: str) -> float:
    for unit, factor in (("us", 0.001), ("ms", 1.0), ("s", 1000.0)):
        if value.endswith(unit):
            return float(value[: -len(unit)]) * factor
    return float(value)


def _report(label: str, figures: dict[str, float]) -> None:
    print(
        f"{label:30s} {figures['rps']:7.0f} req/s  p50 {figures['50%']:6.1f} ms  "
        f"p99 {figures['99%']:6.1f} ms  server CPU {figures.get('cpu_us', 0):5.0f} "
        f"us/req  timeouts {figures['timeouts']:.0f}  non-2xx {figures['non2xx']:.0f}"
    )


def _ratio(label: str, figures: dict[str, float], bare: dict[str, float]) -> None:
    by_rate = figures["rps"] / bare["rps"]
    by_cpu = bare.get("cpu_us", 0) / figures["cpu_us"] if figures.get("cpu_us") else 0
    print(
        f"  ratio {label}/bare: {by_rate:.2f} by req/s, {by_cpu:.2f} by CPU per "
        "request (target >= 0.5)"
    )


def _serve_and_load(
    kind: str, env: dict[str, str], script: Path, seconds: int, delay: float = 0.0
) -> dict[str, float]:
    proc, port = _start(kind, delay, env)
    try:
        before = _cpu_seconds(proc.pid)
        figures = _wrk(f"http://127.0.0.1:{port}", script, seconds, "5s")
        used = _cpu_seconds(proc.pid) - before
        if figures.get("requests"):
            figures["cpu_us"] = used / figures["requests"] * 1e6
        return figures
    finally:
        proc.kill()
        proc.wait()


def _cpu_seconds(pid: int) -> float:
    """CPU time (user + system) the server process has used, from /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _throughput(tmp: Path, seconds: int, databases: list[str], pg: str | None) -> None:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk not found: apt-get install -y wrk")
    threads = min(os.cpu_count() or 1, 4)
    script = _lua_script(tmp, 40000, threads)
    bare = _serve_and_load("bare", dict(os.environ), script, seconds)
    _report("bare FastAPI", bare)
    ceiling = _serve_and_load("protocol", dict(os.environ), script, seconds)
    _report("wechatpy work only (ceiling)", ceiling)
    _ratio("ceiling", ceiling, bare)
    for database in databases:
        for account in ("subscription", "service"):
            with _database(database, pg) as url:
                env = _app_env(tmp, account, url)
                figures = _serve_and_load("webhook", env, script, seconds)
            label = f"webhook {database} {account}"
            _report(label, figures)
            _ratio(label, figures, bare)


def _slow_model(
    tmp: Path, seconds: int, count: int, database: str, pg: str | None
) -> None:
    threads = min(os.cpu_count() or 1, 4)
    script = _lua_script(tmp, 20000, threads)
    with _database(database, pg) as url:
        env = _app_env(tmp, "service", url)
        figures = _serve_and_load("webhook", env, script, seconds, 8.0)
    # wrk counts a request that passed its 5 s timeout as an error, not done.
    done, late = figures["requests"], figures["timeouts"]
    share = 100 * done / (done + late) if done + late else 0.0
    print(
        f"{database}, service account, 8 s model: {done:.0f}/{done + late:.0f} "
        f"deliveries answered within 5 s ({share:.1f}%), "
        f"p50 {figures['50%']:.0f} ms, p99 {figures['99%']:.0f} ms (target 100%)"
    )

    with _database(database, pg) as url:
        proc, port = _start("webhook", 8.0, _app_env(tmp, "subscription", url))
        try:
            answered = asyncio.run(_three_deliveries(port, count))
        finally:
            proc.kill()
            proc.wait()
    print(
        f"{database}, subscription account, 8 s model: {answered}/{count} messages "
        f"answered by the third delivery ({100 * answered / count:.0f}%)"
    )


async def _three_deliveries(port: int, count: int) -> int:
    """Deliver each message like WeChat (5 s timeout, 3 tries); count answered."""
    from wechat_fakes import encrypted_request, text_xml
    from wechatpy.crypto import WeChatCrypto

    crypto = WeChatCrypto(TOKEN, AES_KEY, APP_ID)
    url = f"http://127.0.0.1:{port}/wechat"
    limits = httpx.Limits(max_connections=300)

    async def one(client: httpx.AsyncClient, i: int) -> bool:
        xml = text_xml(f"慢问题{i}", openid=f"oSub{i:06d}")
        for _ in range(3):
            query, body = encrypted_request(crypto, TOKEN, xml)
            started = time.perf_counter()
            try:
                response = await client.post(url, params=query, content=body)
            except httpx.HTTPError:
                continue
            if time.perf_counter() - started <= 5.0 and response.status_code == 200:
                return bool(response.text)
        return False

    async with httpx.AsyncClient(limits=limits, timeout=5.0) as client:
        done = await asyncio.gather(*(one(client, i) for i in range(count)))
    return sum(done)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--serve", nargs=3, help=argparse.SUPPRESS)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--slow", type=int, default=200)
    parser.add_argument(
        "--postgres", metavar="URL", help="also measure on this PostgreSQL server"
    )
    parser.add_argument("--no-slow", action="store_true", help="skip the slow model")
    args = parser.parse_args()
    if args.serve:
        serve(args.serve[0], int(args.serve[1]), float(args.serve[2]))
        return
    with tempfile.TemporaryDirectory() as tmp:
        print(
            f"100 connections, {args.seconds} s per run, 127.0.0.1, "
            f"{os.cpu_count()} CPUs"
        )
        databases = ["sqlite"] + (["postgresql"] if args.postgres else [])
        _throughput(Path(tmp), args.seconds, databases, args.postgres)
        if args.no_slow:
            return
        for database in databases:
            _slow_model(Path(tmp), args.seconds + 5, args.slow, database, args.postgres)


if __name__ == "__main__":
    main()
