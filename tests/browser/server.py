"""Start and stop the real app (`streamlit run app.py`) on a free loopback port with its own database."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 60


def free_port() -> int:
    """A loopback port nobody listens on now (the OS picks it; never the default 8501)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def create_sample_db(path: Path) -> Path:
    """A fresh sample database made the way a user makes one: `fupin init --sample`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "fupin_core.cli", "init", "--sample", "--db", str(path)]
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        pytest.fail(f"无法创建示例数据库 {path}：\n{done.stdout}\n{done.stderr}")
    return path


def copy_db(source: Path, target: Path) -> Path:
    """A copy to compute expected figures from: the app holds its own file exclusively."""
    shutil.copy(source, target)
    wal = Path(f"{source}.wal")
    if wal.exists():
        shutil.copy(wal, Path(f"{target}.wal"))
    return target


def _tail(path: Path, lines: int = 40) -> str:
    text = path.read_text(encoding="utf-8", errors="replace") if path.exists() else "(无日志)"
    return "\n".join(text.splitlines()[-lines:])


@dataclass
class AppServer:
    """One running app process: its port, database file and log."""

    port: int
    db_path: Path
    log_path: Path
    process: subprocess.Popen
    # The administrator a journey creates on first start (or logs in as afterwards).
    admin_user: str = "admin"
    admin_password: str = "Fupin-Browser-2017"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/"

    def log_tail(self, lines: int = 40) -> str:
        return _tail(self.log_path, lines)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=15)


def _healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as response:
            return response.status == 200 and response.read().strip() == b"ok"
    except (urllib.error.URLError, OSError):
        return False


def start_app(db_path: Path, log_path: Path) -> AppServer:
    """`streamlit run app.py` against `db_path`; returns once /_stcore/health answers ok."""
    port = free_port()
    log_path.parent.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "FUPIN_DB": str(db_path)}
    command = [
        sys.executable, "-m", "streamlit", "run", "app.py",
        "--server.headless", "true", "--server.address", "127.0.0.1", "--server.port", str(port),
        "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    server = AppServer(port, db_path, log_path, process)
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"应用进程已退出（退出码 {process.returncode}），日志末尾：\n{server.log_tail()}")
        if _healthy(port):
            return server
        time.sleep(0.25)
    server.stop()
    pytest.fail(f"应用在 {START_TIMEOUT_S} 秒内未就绪（端口 {port}），日志末尾：\n{server.log_tail()}")
