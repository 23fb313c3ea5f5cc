"""What unsigned oversized requests cost the running app: peak memory, and how much it reads.

`kinerja run` (HTTP mode, the real start-up: migrations, directory sync, scheduler, sender,
waitress) runs in a process of its own against the fake Slack of the test suite and a temporary
SQLite file. Once it answers /healthz, this script opens N connections at once, each a
`POST /slack/events` without a signature that declares a body of SIZE megabytes (or sends it
chunked, without a length) and then sends zeros until the server answers or the body is done.
The server's resident memory is sampled from /proc every 20 ms; its peak (and the kernel's
VmHWM) before and after the burst, each request's status and the bytes it got to send are
printed and written to bench/results/request_limits[_chunked].json.

    python bench/request_limits.py                          # 3 x 500 MB, declared length
    python bench/request_limits.py --chunked                # 3 x 500 MB, chunked
    python bench/request_limits.py --size-mb 50 --parallel 2
    python bench/request_limits.py --tree /path/to/other/checkout   # measure another version

`--tree` runs the server from another checkout of Kinerja (its `bot` package first on the
path), which is how the figures before the request cap were taken. Every request is bounded
(the whole body at most, `--timeout` seconds at most) and goes to 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import select
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import requests  # noqa: E402

from bench.ack_servers import SECRET, TOKEN, FakeSlackProcess  # noqa: E402

RESULTS = ROOT / "bench" / "results"
PIECE = 1024 * 1024


@dataclass
class Outcome:
    status: int | None  # None: no answer (connection closed, or timed out)
    sent_mb: float
    seconds: float


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _status_kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


class MemoryWatch:
    """Samples a process's VmRSS until stopped; `peak` is the highest sample, in MiB."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak_kib = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak_kib = max(self.peak_kib, _status_kib(self.pid, "VmRSS"))
            time.sleep(0.02)

    def __enter__(self) -> MemoryWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def peak(self) -> float:
        return self.peak_kib / 1024


def start_app(tree: Path, api_url: str, workdir: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(tree),
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": api_url,
        "DATABASE_URL": f"sqlite:///{workdir / 'bench.db'}",
        "PORT": str(port),
        "KINERJA_LOG_LEVEL": "INFO",
    }
    env.pop("SLACK_APP_TOKEN", None)
    log = (workdir / "app.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "run", "--host", "127.0.0.1"],
        cwd=workdir,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"kinerja run exited:\n{(workdir / 'app.log').read_text()[-3000:]}")
        try:
            if requests.get(f"{url}/healthz", timeout=2).status_code == 200:
                return process, url
        except requests.ConnectionError:
            pass
        time.sleep(0.2)
    process.kill()
    raise SystemExit(f"kinerja run did not become healthy:\n{(workdir / 'app.log').read_text()}")


def oversized_post(port: int, size: int, chunked: bool, timeout: float) -> Outcome:
    """One unsigned POST of `size` bytes of zeros; stops sending once the server answers."""
    started = time.monotonic()
    sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    head = [
        "POST /slack/events HTTP/1.1",
        f"Host: 127.0.0.1:{port}",
        "Content-Type: application/x-www-form-urlencoded",
        f"X-Slack-Request-Timestamp: {int(time.time())}",
        "Transfer-Encoding: chunked" if chunked else f"Content-Length: {size}",
    ]
    sent = 0
    answer = b""
    piece = b"0" * PIECE
    framed = f"{PIECE:x}\r\n".encode() + piece + b"\r\n" if chunked else piece
    try:
        sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode())
        while sent < size and time.monotonic() - started < timeout:
            readable, _, _ = select.select([sock], [], [], 0)
            if readable:
                break  # answered (or closed) before the body was all sent
            sock.sendall(framed)
            sent += PIECE
        if chunked and sent >= size:
            sock.sendall(b"0\r\n\r\n")
    except (OSError, TimeoutError):
        pass  # the server closed the connection on us: read what it said
    try:
        sock.settimeout(max(1.0, timeout - (time.monotonic() - started)))
        while b"\r\n" not in answer:
            data = sock.recv(4096)
            if not data:
                break
            answer += data
    except (OSError, TimeoutError):
        pass
    finally:
        sock.close()
    status = int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/") else None
    return Outcome(status, round(sent / 1e6, 1), round(time.monotonic() - started, 2))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mb", type=int, default=500, help="declared body size (MB)")
    parser.add_argument("--parallel", type=int, default=3, help="requests at once")
    parser.add_argument("--chunked", action="store_true", help="no length: chunked encoding")
    parser.add_argument("--timeout", type=float, default=300, help="seconds per request")
    parser.add_argument("--tree", type=Path, default=ROOT, help="checkout to run the app from")
    args = parser.parse_args()
    size = args.size_mb * 1_000_000

    fake = FakeSlackProcess(users=10)
    with tempfile.TemporaryDirectory(prefix="kinerja-bench-") as tmp:
        process, url = start_app(args.tree.resolve(), fake.api_url, Path(tmp))
        try:
            time.sleep(2)  # let the start-up sync and first tick settle
            before_rss = _status_kib(process.pid, "VmRSS") / 1024
            before_hwm = _status_kib(process.pid, "VmHWM") / 1024
            port = int(url.rsplit(":", 1)[1])
            with (
                MemoryWatch(process.pid) as watch,
                ThreadPoolExecutor(args.parallel) as pool,
            ):
                outcomes = list(
                    pool.map(
                        lambda _: oversized_post(port, size, args.chunked, args.timeout),
                        range(args.parallel),
                    )
                )
                time.sleep(0.5)
            after_hwm = _status_kib(process.pid, "VmHWM") / 1024
            after_rss = _status_kib(process.pid, "VmRSS") / 1024
            healthy = requests.get(f"{url}/healthz", timeout=10).status_code == 200
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
            fake.stop()

    result: dict[str, Any] = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}",
        "tree": str(args.tree.resolve()),
        "requests": f"{args.parallel} x {args.size_mb} MB, "
        + ("chunked" if args.chunked else "declared length"),
        "rss_before_mib": round(before_rss, 1),
        "peak_rss_before_mib": round(before_hwm, 1),
        "peak_rss_during_mib": round(max(watch.peak, after_hwm), 1),
        "rss_after_mib": round(after_rss, 1),
        "outcomes": [asdict(o) for o in outcomes],
        "healthy_after": healthy,
    }
    print(f"requests:            {result['requests']} (unsigned) from {result['tree']}")
    print(f"RSS before:          {result['rss_before_mib']} MiB (peak so far {before_hwm:.1f})")
    print(f"peak RSS during:     {result['peak_rss_during_mib']} MiB")
    print(f"RSS after:           {result['rss_after_mib']} MiB")
    for number, outcome in enumerate(outcomes, 1):
        print(
            f"request {number}:           HTTP {outcome.status} after {outcome.seconds} s, "
            f"{outcome.sent_mb} MB of the body sent"
        )
    print(f"healthy after:       {healthy}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    name = "request_limits_chunked.json" if args.chunked else "request_limits.json"
    (RESULTS / name).write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
