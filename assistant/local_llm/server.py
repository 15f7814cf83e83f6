"""llama-cpp-python's OpenAI-compatible server as a managed child process.

One server process (about 3 GB with the bundled model) serves every worker on
the machine: a worker that finds a healthy server on the port reuses it, and
only the worker that started it stops it. A file lock under the models
directory keeps two workers from starting two servers at once.
"""

from __future__ import annotations

import atexit
import fcntl
import importlib.util
import logging
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO

import httpx

from tools.errors import ModelUnavailable

log = logging.getLogger(__name__)

CHAT_FORMAT = "chatml-function-calling"
CACHE_BYTES = 512 * 1024 * 1024


@dataclass(frozen=True)
class ServerConfig:
    """How to run the server: model file, port and llama.cpp sizes."""

    model_path: Path
    port: int
    n_ctx: int = 4096
    n_threads: int = 2
    host: str = "127.0.0.1"
    startup_timeout: float = 180.0
    log_path: Path | None = None

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}/v1"

    def command(self) -> list[str]:
        """The argument list of the child process."""
        return [
            sys.executable,
            "-m",
            "llama_cpp.server",
            "--model",
            str(self.model_path),
            "--chat_format",
            CHAT_FORMAT,
            "--host",
            self.host,
            "--port",
            str(self.port),
            "--n_ctx",
            str(self.n_ctx),
            "--n_threads",
            str(self.n_threads),
            # Keep the states of several prompt prefixes (about 16 MB each):
            # fills of one tool and knowledge answers each reuse their own.
            "--cache",
            "true",
            "--cache_size",
            str(CACHE_BYTES),
        ]


class LocalServer:
    """Start on demand, health-check, reuse or stop one ``llama_cpp.server``."""

    def __init__(self, config: ServerConfig) -> None:
        self.config = config
        self._process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None
        self._registered = False

    @property
    def base_url(self) -> str:
        return self.config.base_url

    @property
    def owned(self) -> bool:
        """True when this object started the running process."""
        return self._process is not None and self._process.poll() is None

    def healthy(self, timeout: float = 2.0) -> bool:
        """True when ``GET /v1/models`` answers with a model list."""
        try:
            response = httpx.get(f"{self.base_url}/models", timeout=timeout)
        except httpx.HTTPError:
            return False
        if response.status_code != 200:
            return False
        try:
            return "data" in response.json()
        except ValueError:
            return False

    def port_in_use(self) -> bool:
        """True when something accepts connections on the port."""
        try:
            with socket.create_connection((self.config.host, self.config.port), 1.0):
                return True
        except OSError:
            return False

    def ensure_running(self) -> None:
        """Reuse a server on the port, or start one and wait for it."""
        if self.healthy():
            return
        with self._start_lock():
            # Another worker may have started it while we waited for the lock,
            # or it is still loading the model: wait for it, never start twice.
            if self.port_in_use():
                log.info("reusing the model server on port %s", self.config.port)
                self._wait_until_healthy()
                return
            self._spawn()
            self._wait_until_healthy()

    def _spawn(self) -> None:
        if not self.config.model_path.is_file():
            raise ModelUnavailable(f"模型文件 {self.config.model_path} 不存在。")
        # Found, not imported: the server runs it, this process never needs it.
        if importlib.util.find_spec("llama_cpp") is None:
            raise ModelUnavailable(
                '未安装 llama-cpp-python：请运行 pip install -e ".[local]"，'
                "或设置 WEIAI_LLM=openai 使用在线模型。"
            )

        log_path = self.config.log_path
        if log_path is not None:
            log_path.parent.mkdir(parents=True, exist_ok=True)
            self._log = log_path.open("ab")
        log.info("starting the model server on port %s", self.config.port)
        self._process = subprocess.Popen(
            self.config.command(),
            stdout=self._log or subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        if not self._registered:
            atexit.register(self.stop)
            self._registered = True

    def _wait_until_healthy(self) -> None:
        started = time.monotonic()
        while time.monotonic() - started < self.config.startup_timeout:
            if self._process is not None and self._process.poll() is not None:
                code = self._process.returncode
                self._process = None
                raise ModelUnavailable(
                    f"本地模型服务启动失败（退出码 {code}），"
                    f"详见日志 {self.config.log_path or '（未记录）'}。"
                )
            if self.healthy(timeout=5.0):
                log.info("model server ready in %.1f s", time.monotonic() - started)
                return
            time.sleep(0.5)
        self.stop()
        raise ModelUnavailable(
            f"本地模型服务在 {self.config.startup_timeout:.0f} 秒内未就绪。"
        )

    @contextmanager
    def _start_lock(self) -> Iterator[None]:
        lock_path = self.config.model_path.with_name(f".server-{self.config.port}.lock")
        with lock_path.open("w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the process this object started; a reused one is left alone."""
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            log.info("stopping the model server on port %s", self.config.port)
            process.terminate()
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if self._log is not None:
            self._log.close()
            self._log = None

    def __enter__(self) -> LocalServer:
        self.ensure_running()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
