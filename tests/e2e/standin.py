"""A scripted stand-in for the Anthropic Messages API, served on 127.0.0.1.

The real Claude Code client talks to it through `ANTHROPIC_BASE_URL`. Each test
gives it a script: a function from the request body to the content blocks of
the reply. The server records every request body, so tests can assert on what
the client sent, and replies to other endpoints with empty but well-formed JSON.
"""

from __future__ import annotations

import itertools
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable
from urllib.parse import urlsplit

Block = dict[str, Any]
Script = Callable[["Request"], list[Block]]

# A runaway script (a hook that blocks forever, a loop in the client) ends
# here: past this many message requests every reply is a final text.
MAX_MESSAGE_REQUESTS = 60
MAX_BODY_BYTES = 20_000_000


def text(value: str) -> Block:
    """Return a text content block."""
    return {"type": "text", "text": value}


def tool_use(name: str, tool_input: dict[str, Any], tool_id: str | None = None) -> Block:
    """Return a tool_use content block; an id is assigned when none is given."""
    block: Block = {"type": "tool_use", "name": name, "input": tool_input}
    if tool_id:
        block["id"] = tool_id
    return block


@dataclass
class Request:
    """One recorded request to the stand-in."""

    index: int
    method: str
    path: str
    body: Any

    @property
    def is_message(self) -> bool:
        return self.method == "POST" and urlsplit(self.path).path == "/v1/messages"

    @property
    def messages(self) -> list[dict[str, Any]]:
        if isinstance(self.body, dict) and isinstance(self.body.get("messages"), list):
            return self.body["messages"]
        return []

    @property
    def system_text(self) -> str:
        """Return the system prompt as one string, whatever its shape."""
        system = self.body.get("system") if isinstance(self.body, dict) else None
        return _flatten_text(system)

    @property
    def first_user_text(self) -> str:
        """Return the text of the first user message (the task of a subagent)."""
        for message in self.messages:
            if message.get("role") == "user":
                return _flatten_text(message.get("content"))
        return ""

    def dump(self) -> str:
        """Return the whole body as JSON text, for substring checks."""
        return json.dumps(self.body, ensure_ascii=False)

    def user_texts(self) -> list[str]:
        """Return the text of every user message, in order."""
        return [_flatten_text(message.get("content")) for message in self.messages if message.get("role") == "user"]

    def user_text_containing(self, marker: str) -> str | None:
        """Return the text of the first user content block that contains `marker`."""
        for message in self.messages:
            if message.get("role") != "user":
                continue
            content = message.get("content")
            blocks = content if isinstance(content, list) else [content]
            for block in blocks:
                block_text = _flatten_text(block)
                if marker in block_text:
                    return block_text
        return None

    def tool_results(self) -> list[dict[str, Any]]:
        """Return the tool_result blocks of the last user message, in order."""
        for message in reversed(self.messages):
            if message.get("role") != "user":
                continue
            content = message.get("content")
            if not isinstance(content, list):
                return []
            return [block for block in content if isinstance(block, dict) and block.get("type") == "tool_result"]
        return []

    def tool_result_text(self) -> str:
        """Return the text of the last user message's tool results, joined."""
        return "\n".join(_flatten_text(block.get("content")) for block in self.tool_results())

    def text_after_last_tool_use(self) -> str:
        """Return everything the client sent after the model's last tool call.

        Hook output such as PostToolUse `additionalContext` arrives there, next
        to or after the tool_result, in whatever shape the client chooses.
        """
        messages = self.messages
        start = 0
        for position, message in enumerate(messages):
            if message.get("role") == "assistant":
                start = position + 1
        return "\n".join(_flatten_text(message.get("content")) for message in messages[start:])


@dataclass
class StandIn:
    """A threaded HTTP server that plays the Messages API from a script."""

    script: Script
    model: str = "claude-opus-5-5"
    requests: list[Request] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="standin", daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> StandIn:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    @property
    def message_requests(self) -> list[Request]:
        with self._lock:
            return [request for request in self.requests if request.is_message]

    def record(self, method: str, path: str, body: Any) -> Request:
        with self._lock:
            request = Request(len(self.requests), method, path, body)
            self.requests.append(request)
            return request

    def next_id(self, prefix: str) -> str:
        with self._lock:
            return f"{prefix}_standin_{next(self._ids):04d}"

    def reply_blocks(self, request: Request) -> list[Block]:
        """Run the script on one request, falling back to a final text."""
        if len(self.message_requests) > MAX_MESSAGE_REQUESTS:
            return [text("stand-in: request limit reached")]
        try:
            blocks = self.script(request)
        except Exception as error:  # noqa: BLE001 - a broken script must end the session, not hang it
            with self._lock:
                self.errors.append(f"request {request.index}: {type(error).__name__}: {error}")
            return [text(f"stand-in script failed: {error}")]
        if not blocks:
            return [text("done")]
        for block in blocks:
            if block.get("type") == "tool_use" and not block.get("id"):
                block["id"] = self.next_id("toolu")
        return blocks


def _handler_for(standin: StandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - signature fixed by the base class
            return

        def do_GET(self) -> None:
            standin.record("GET", self.path, None)
            self._send_json(200, _empty_answer(self.path))

        def do_HEAD(self) -> None:
            standin.record("HEAD", self.path, None)
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def do_POST(self) -> None:
            body = self._read_body()
            request = standin.record("POST", self.path, body)
            route = urlsplit(self.path).path
            if route == "/v1/messages" and isinstance(body, dict):
                self._answer_message(request, body)
            elif route == "/v1/messages/count_tokens":
                self._send_json(200, {"input_tokens": 100})
            else:
                self._send_json(200, _empty_answer(self.path))

        def _read_body(self) -> Any:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(min(length, MAX_BODY_BYTES)) if length else b""
            try:
                return json.loads(raw) if raw else None
            except ValueError:
                return {"unparsed": raw.decode("utf-8", "replace")}

        def _answer_message(self, request: Request, body: dict[str, Any]) -> None:
            blocks = standin.reply_blocks(request)
            model = body.get("model") or standin.model
            message_id = standin.next_id("msg")
            if body.get("stream"):
                payload = _event_stream(message_id, model, blocks).encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Cache-Control", "no-cache")
                self.send_header("request-id", f"req_{message_id}")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
                return
            self._send_json(200, _whole_message(message_id, model, blocks))

        def _send_json(self, status: int, value: Any) -> None:
            payload = json.dumps(value).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

    return Handler


def _empty_answer(path: str) -> Any:
    """Return an empty answer of the shape list endpoints use."""
    if urlsplit(path).path.startswith("/v1/models"):
        return {"data": [], "has_more": False, "first_id": None, "last_id": None}
    return {}


def _stop_reason(blocks: list[Block]) -> str:
    return "tool_use" if any(block.get("type") == "tool_use" for block in blocks) else "end_turn"


def _usage() -> dict[str, int]:
    return {"input_tokens": 10, "output_tokens": 5, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0}


def _whole_message(message_id: str, model: str, blocks: list[Block]) -> dict[str, Any]:
    return {
        "id": message_id,
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": blocks,
        "stop_reason": _stop_reason(blocks),
        "stop_sequence": None,
        "usage": _usage(),
    }


def _event_stream(message_id: str, model: str, blocks: list[Block]) -> str:
    """Encode a reply as the server-sent events of a streamed message."""
    start = _whole_message(message_id, model, [])
    start["stop_reason"] = None
    events: list[tuple[str, dict[str, Any]]] = [("message_start", {"type": "message_start", "message": start})]
    for index, block in enumerate(blocks):
        events.extend(_block_events(index, block))
    events.append(
        (
            "message_delta",
            {
                "type": "message_delta",
                "delta": {"stop_reason": _stop_reason(blocks), "stop_sequence": None},
                "usage": {"output_tokens": 5},
            },
        )
    )
    events.append(("message_stop", {"type": "message_stop"}))
    return "".join(f"event: {name}\ndata: {json.dumps(data)}\n\n" for name, data in events)


def _block_events(index: int, block: Block) -> list[tuple[str, dict[str, Any]]]:
    if block.get("type") == "tool_use":
        opening = {"type": "tool_use", "id": block["id"], "name": block["name"], "input": {}}
        delta = {"type": "input_json_delta", "partial_json": json.dumps(block.get("input", {}))}
    else:
        opening = {"type": "text", "text": ""}
        delta = {"type": "text_delta", "text": block.get("text", "")}
    return [
        ("content_block_start", {"type": "content_block_start", "index": index, "content_block": opening}),
        ("content_block_delta", {"type": "content_block_delta", "index": index, "delta": delta}),
        ("content_block_stop", {"type": "content_block_stop", "index": index}),
    ]


def _flatten_text(value: Any) -> str:
    """Collect every string under `text` or `content` keys, in order."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "\n".join(_flatten_text(item) for item in value)
    if isinstance(value, dict):
        parts = []
        for key in ("text", "content"):
            if key in value:
                parts.append(_flatten_text(value[key]))
        return "\n".join(part for part in parts if part)
    return ""


def sequence(*replies: list[Block], final: str = "done") -> Script:
    """Return a script that answers the main session's requests with `replies` in order.

    Past the last reply every request gets the final text, so a session
    always ends.
    """
    remaining = [list(reply) for reply in replies]
    lock = threading.Lock()

    def script(request: Request) -> list[Block]:
        with lock:
            if remaining:
                return remaining.pop(0)
        return [text(final)]

    return script
