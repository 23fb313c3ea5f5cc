"""The HTTP side of the fake: a ThreadingHTTPServer on 127.0.0.1 speaking the Slack Web API.

Why a real socket rather than mocking WebClient: the app's own slack_sdk client (its retry
handlers, its JSON/form encoding, its error parsing) is then exercised exactly as in production,
just with `base_url=slack.api_url`.

Routes: `/api/<method>` (Web API), `/upload/v1/<file_id>` (files_upload_v2's upload step) and
`/response/<key>` (response_url posts).
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
import traceback
from collections.abc import Callable
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, cast
from urllib.parse import parse_qsl, urlsplit

from . import api_channels, api_chat, api_users, api_views
from .blocks import validate_blocks
from .models import ApiError, Call, Fault, JsonDict, opt_str
from .state import SlackState

Handler = Callable[[SlackState, JsonDict], JsonDict]
METHODS: dict[str, Handler] = {
    **api_users.METHODS,
    **api_chat.METHODS,
    **api_views.METHODS,
    **api_channels.METHODS,
}

# Arguments slack_sdk sends as JSON strings in form bodies; decoded so handlers and tests see
# objects (`call.args["blocks"][0]["type"]`).
JSON_FIELDS = ("blocks", "view", "metadata", "attachments", "files", "user_auth_blocks")
MAX_RESPONSE_POSTS = 5
HTML_ERROR = "<html><head><title>Server Error</title></head><body>Slack is down</body></html>"

Reply = tuple[int, dict[str, str], bytes]


def _header(headers: dict[str, str], name: str) -> str:
    wanted = name.lower()
    return next((v for k, v in headers.items() if k.lower() == wanted), "")


def parse_body(content_type: str, raw: bytes) -> JsonDict:
    """Form, multipart or JSON bodies into one dict; bad JSON is Slack's `invalid_json`."""
    kind = content_type.split(";")[0].strip().lower()
    if not raw:
        return {}
    if kind == "application/json":
        try:
            body = json.loads(raw)
        except (ValueError, UnicodeDecodeError) as exc:
            raise ApiError("invalid_json") from exc
        if not isinstance(body, dict):
            raise ApiError("invalid_json")
        return body
    if kind == "multipart/form-data":
        head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
        message = cast(EmailMessage, BytesParser(policy=policy.HTTP).parsebytes(head + raw))
        fields: JsonDict = {}
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            payload = cast(bytes, part.get_payload(decode=True) or b"")
            if isinstance(name, str):
                fields[name] = payload if part.get_filename() else payload.decode("utf-8")
        return fields
    return dict(parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True))


def decode_json_fields(args: JsonDict) -> JsonDict:
    for key in JSON_FIELDS:
        value = args.get(key)
        if isinstance(value, str) and value.strip()[:1] in ("[", "{"):
            # Bad JSON stays a string: the handler answers invalid_blocks_format & co.
            with contextlib.suppress(ValueError):
                args[key] = json.loads(value)
    return args


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256
    fake: FakeSlack


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        """Quiet: test output should show the app's logs, not one line per fake request."""

    def do_GET(self) -> None:  # noqa: N802 - http.server naming
        self._route()

    def do_POST(self) -> None:  # noqa: N802 - http.server naming
        self._route()

    def _route(self) -> None:
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        headers = dict(self.headers.items())
        fake = self.server.fake
        if url.path.startswith("/api/"):
            reply = fake.handle_api(url.path[len("/api/") :], url.query, headers, raw)
        elif url.path.startswith("/upload/v1/"):
            reply = fake.handle_upload(url.path[len("/upload/v1/") :], raw)
        elif url.path.startswith("/response/"):
            reply = fake.handle_response(url.path[len("/response/") :], headers, raw)
        else:
            reply = (404, {"Content-Type": "text/plain"}, b"not found")
        status, reply_headers, body = reply
        self.send_response(status)
        for name, value in reply_headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def _json(status: int, data: JsonDict, headers: dict[str, str] | None = None) -> Reply:
    out = {"Content-Type": "application/json; charset=utf-8", **(headers or {})}
    return status, out, json.dumps(data).encode()


def _text(status: int, text: str, kind: str = "text/plain") -> Reply:
    return status, {"Content-Type": f"{kind}; charset=utf-8"}, text.encode()


class FakeSlack(SlackState):
    """An offline Slack Web API for tests; see the package docstring for the interface."""

    def __init__(
        self,
        token: str = "xoxb-test",
        team_id: str = "T0001",
        team_name: str = "Acme",
        bot_user_id: str = "UBOT",
        **options: str,
    ) -> None:
        super().__init__(
            token=token, team_id=team_id, team_name=team_name, bot_user_id=bot_user_id, **options
        )
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # ----------------------------------------------------------------- lifecycle

    def start(self) -> FakeSlack:
        if self._server is not None:
            return self
        server = _Server(("127.0.0.1", 0), _Handler)
        server.fake = self
        self._server = server
        self.root_url = f"http://127.0.0.1:{server.server_address[1]}"
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.01},
            name="fakeslack",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, thread = self._server, self._thread
        self._server = self._thread = None
        if server is not None:
            server.shutdown()
            server.server_close()
        if thread is not None:
            thread.join(timeout=5)

    @property
    def api_url(self) -> str:
        if not self.root_url:
            raise RuntimeError("start() the fake before reading api_url")
        return f"{self.root_url}/api/"

    def __enter__(self) -> FakeSlack:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # ----------------------------------------------------------------- request handling

    def handle_api(self, method: str, query: str, headers: dict[str, str], raw: bytes) -> Reply:
        if self.latency > 0:
            time.sleep(self.latency)  # outside the lock, so concurrent calls overlap as in life
        with self._lock:
            args: JsonDict = dict(parse_qsl(query, keep_blank_values=True))
            try:
                args.update(parse_body(_header(headers, "Content-Type"), raw))
                reply, response = self._answer(method, decode_json_fields(args), headers)
            except ApiError as exc:
                response = {"ok": False, "error": exc.error}
                reply = _json(200, response)
            except Exception:  # a bug in the fake: say so loudly instead of hanging the client
                response = {"ok": False, "error": "fakeslack_bug", "detail": traceback.format_exc()}
                reply = _json(500, response)
            self.calls.append(Call(method, args, headers, response, reply[0]))
            return reply

    def _answer(
        self, method: str, args: JsonDict, headers: dict[str, str]
    ) -> tuple[Reply, JsonDict]:
        handler = METHODS.get(method)
        if handler is None:
            return self._error("unknown_method")
        auth = _header(headers, "Authorization")
        token = auth[len("Bearer ") :].strip() if auth.startswith("Bearer ") else None
        token = token or opt_str(args, "token")
        if token is None:
            return self._error("not_authed")
        if token != self.token:
            return self._error("invalid_auth")
        fault = self.take_fault(method)
        if fault is not None:
            if fault.stored:
                with contextlib.suppress(ApiError):
                    handler(self, args)
            return self._fault(fault)
        wait = self.take_rate_token(method)
        if wait:
            response = {"ok": False, "error": "ratelimited"}
            return _json(429, response, {"Retry-After": str(wait)}), response
        try:
            response = {"ok": True, **handler(self, args)}
        except ApiError as exc:
            return self._error(exc.error, **exc.extra)
        return _json(200, response), response

    @staticmethod
    def _error(error: str, **extra: Any) -> tuple[Reply, JsonDict]:
        response = {"ok": False, "error": error, **extra}
        return _json(200, response), response

    @staticmethod
    def _fault(fault: Fault) -> tuple[Reply, JsonDict]:
        if fault.status == 429:
            response = {"ok": False, "error": fault.error or "ratelimited"}
            extra = {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else {}
            return _json(429, response, extra), response
        if fault.status == 200:
            return FakeSlack._error(fault.error or "internal_error")
        if fault.body is not None:
            return _text(fault.status, fault.body, "text/html"), {}
        if fault.error is not None:
            response = {"ok": False, "error": fault.error}
            return _json(fault.status, response), response
        return _text(fault.status, HTML_ERROR, "text/html"), {}

    def handle_upload(self, file_id: str, raw: bytes) -> Reply:
        """files_upload_v2 step 2: slack_sdk POSTs the raw bytes to the upload_url."""
        with self._lock:
            upload = self.uploads.get(file_id)
            if upload is None:
                return _text(404, "file not found")
            upload["content"] = raw
        return _text(200, f"OK - {len(raw)}")

    def handle_response(self, key: str, headers: dict[str, str], raw: bytes) -> Reply:
        """A post to a response_url: at most 5 per URL, then 404 "used_url" like Slack."""
        try:
            payload = parse_body(_header(headers, "Content-Type") or "application/json", raw)
            if isinstance(payload.get("payload"), str):  # form-encoded `payload=<json>`
                payload = json.loads(payload["payload"])
        except (ApiError, ValueError):
            return _text(400, "invalid_payload")
        if not isinstance(payload, dict):
            return _text(400, "invalid_payload")
        with self._lock:
            count = self.response_keys.get(key)
            if count is None:
                return _text(404, "no_service")
            if count >= MAX_RESPONSE_POSTS:
                return _text(404, "used_url")
            blocks = payload.get("blocks")
            if not payload.get("delete_original") and not payload.get("text") and not blocks:
                return _text(400, "no_text")
            if blocks is not None and validate_blocks(blocks, "message"):
                return _text(400, "invalid_blocks")
            self.response_keys[key] = count + 1
            self.responses.append(payload)
            self.responses_by_url.setdefault(f"{self.root_url}/response/{key}", []).append(payload)
        return _text(200, "ok")
