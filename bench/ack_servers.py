"""The two servers of the ack-latency benchmark, each in a process of its own: the fake Slack
of the test suite (minting trigger ids over a pipe) and the server under test, the real app or
a bare Bolt app that only acks, on waitress. `python bench/ack_servers.py serve KIND DB API`
is how bench/ack_latency.py starts the latter (optionally under BENCH_WRAP_APP/_BARE).
"""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import subprocess
import sys
import threading
import time
from contextlib import suppress
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import requests  # noqa: E402

from bench.ack_seed import TEAM_ID  # noqa: E402
from storage.db import Database  # noqa: E402

TOKEN = "xoxb-bench"
SECRET = "bench-signing-secret"
WAITRESS_THREADS = 8


# ------------------------------------------------------------------------------ fake Slack


def _serve_fake(conn: Connection, users: int) -> None:
    """Child process: the fake Slack, minting trigger ids on request over the pipe."""
    from tests.fakeslack import FakeSlack

    fake = FakeSlack(token=TOKEN, team_id=TEAM_ID, team_name="Bench", bot_user_id="UBOT")
    for i in range(users):
        fake.add_user(id=f"U{i:08d}", name=f"person{i}", tz="Asia/Jakarta")
    fake.start()
    conn.send(fake.api_url)
    while True:
        command, argument = conn.recv()
        if command == "trigger":
            conn.send(fake.new_trigger_id(argument))
        elif command == "stats":
            with fake._lock:
                outcome: dict[str, int] = {}
                for call in fake.calls:
                    name = f"{call.method} {'ok' if call.response.get('ok') else 'failed'}"
                    outcome[name] = outcome.get(name, 0) + 1
            conn.send(outcome)
        elif command == "reset":
            fake.reset()
            conn.send(True)
        else:
            fake.stop()
            conn.send(True)
            return


class FakeSlackProcess:
    def __init__(self, users: int) -> None:
        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        self._lock = threading.Lock()
        self.process = context.Process(target=_serve_fake, args=(child, users), daemon=True)
        self.process.start()
        self.api_url: str = self._conn.recv()

    def ask(self, command: str, argument: str = "") -> Any:
        with self._lock:  # the load generator's threads share one pipe
            self._conn.send((command, argument))
            return self._conn.recv()

    def mint(self, user: str) -> str:
        return str(self.ask("trigger", user))

    def stop(self) -> None:
        self.ask("stop")
        self.process.join(timeout=10)


# ------------------------------------------------------------------------------ servers


def serve(kind: str, database_url: str, api_url: str) -> None:
    """Child process: the app (or the bare Bolt app) on waitress; prints its port, then serves
    until terminated."""
    import logging

    from slack_bolt import Ack, App
    from slack_sdk import WebClient
    from waitress.server import create_server

    from bot.clock import SystemClock
    from bot.config import load_settings
    from bot.shell.app import create_app
    from bot.shell.web import make_wsgi_app, server_options
    from bot.slack.client import make_web_client
    from bot.slack.services import Services
    from bot.slack.workspace import register_workspace

    env = {
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": api_url,
        "DATABASE_URL": database_url,
    }
    settings = load_settings(env, env_file="/nonexistent")
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    db = Database(database_url)
    after_ack = None
    if kind == "app":
        services = Services(settings, db, SystemClock(), make_web_client(settings))
        register_workspace(services)
        app = create_app(services)
        after_ack = services.after_ack
    else:
        app = App(
            token=TOKEN,
            signing_secret=SECRET,
            client=WebClient(token=TOKEN, base_url=api_url),
            process_before_response=False,
            raise_error_for_unhandled_request=False,
        )

        def only_ack(ack: Ack) -> None:
            ack()

        app.command("/kinerja")(only_ack)
        app.view("monitoring_checkin")(only_ack)
        app.action("monitoring_ack")(only_ack)
    application = make_wsgi_app(app, db, after_ack, signing_secret=SECRET)
    server = create_server(
        application, host="127.0.0.1", port=0, threads=WAITRESS_THREADS, **server_options()
    )
    print(json.dumps({"port": server.effective_port}), flush=True)
    server.run()


@dataclass
class Server:
    kind: str
    process: subprocess.Popen[str]
    url: str
    log: Path

    def peak_rss_mib(self) -> float:
        """VmHWM: the most resident memory the server ever had, in MiB."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def cpu_seconds(self) -> float:
        """User + system CPU time the server has used so far."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        if _wrapper(self.kind):  # a profiler writes its report on Ctrl-C
            self.process.send_signal(signal.SIGINT)
            with suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=20)
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


def _wrapper(kind: str) -> list[str]:
    """A command to run the server under, from BENCH_WRAP_APP / BENCH_WRAP_BARE, e.g.
    `py-spy record -f raw -o app.raw --` to see where the app spends its time."""
    return os.environ.get(f"BENCH_WRAP_{kind.upper()}", "").split()


def start_server(kind: str, database_url: str, api_url: str, workdir: Path) -> Server:
    log = workdir / f"{kind}.log"
    process = subprocess.Popen(
        [*_wrapper(kind), sys.executable, __file__, "serve", kind, database_url, api_url],
        stdout=subprocess.PIPE,
        stderr=log.open("w"),
        text=True,
        cwd=workdir,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    while line and not line.startswith("{"):  # a wrapper's own output comes first
        line = process.stdout.readline()
    if not line:
        raise SystemExit(f"the {kind} server did not start:\n{log.read_text()[-3000:]}")
    url = f"http://127.0.0.1:{json.loads(line)['port']}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{url}/healthz", timeout=2).status_code == 200:
                return Server(kind, process, url, log)
        except requests.ConnectionError:
            pass
        time.sleep(0.1)
    raise SystemExit(f"the {kind} server is not healthy:\n{log.read_text()[-3000:]}")


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "serve":
        serve(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        sys.exit("usage: ack_servers.py serve app|bare DATABASE_URL SLACK_API_URL")
