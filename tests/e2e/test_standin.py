"""The stand-in Messages API on its own, without the client."""

from __future__ import annotations

import json
import urllib.request

from tests.e2e import standin as standin_module
from tests.e2e.standin import StandIn, sequence, text, tool_use


def post(url: str, body: dict) -> tuple[str, str]:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.headers.get("Content-Type"), response.read().decode()


def events_of(stream: str) -> list[tuple[str, dict]]:
    events = []
    for chunk in stream.strip().split("\n\n"):
        name_line, data_line = chunk.split("\n")
        events.append((name_line.removeprefix("event: "), json.loads(data_line.removeprefix("data: "))))
    return events


def test_stream_reply_with_tool_use():
    script = sequence([text("Looking."), tool_use("Bash", {"command": "ls"})])
    body = {"model": "claude-test", "stream": True, "messages": [{"role": "system", "content": "x"}]}

    with StandIn(script) as server:
        content_type, stream = post(f"{server.url}/v1/messages?beta=true", body)

    assert content_type == "text/event-stream"
    events = events_of(stream)
    names = [name for name, _ in events]
    assert names[0] == "message_start"
    assert names[-2:] == ["message_delta", "message_stop"]
    assert names.count("content_block_start") == 2
    assert events[0][1]["message"]["model"] == "claude-test"
    tool_start = [data for name, data in events if name == "content_block_start"][1]
    assert tool_start["content_block"]["name"] == "Bash"
    assert tool_start["content_block"]["id"].startswith("toolu_")
    deltas = [data["delta"] for name, data in events if name == "content_block_delta"]
    assert deltas[0] == {"type": "text_delta", "text": "Looking."}
    assert json.loads(deltas[1]["partial_json"]) == {"command": "ls"}
    assert events[-2][1]["delta"]["stop_reason"] == "tool_use"
    assert server.message_requests[0].body == body


def test_whole_reply_without_stream():
    with StandIn(sequence([text("Hi.")])) as server:
        _, reply = post(f"{server.url}/v1/messages", {"model": "m", "messages": []})

    message = json.loads(reply)
    assert message["content"] == [{"type": "text", "text": "Hi."}]
    assert message["stop_reason"] == "end_turn"


def test_other_endpoints_get_empty_answers():
    with StandIn(sequence()) as server:
        with urllib.request.urlopen(f"{server.url}/v1/models", timeout=10) as response:
            models = json.loads(response.read())
        _, count = post(f"{server.url}/v1/messages/count_tokens", {"messages": []})
        _, other = post(f"{server.url}/api/anything", {})

    assert models["data"] == []
    assert json.loads(count) == {"input_tokens": 100}
    assert json.loads(other) == {}
    assert [request.path for request in server.requests] == ["/v1/models", "/v1/messages/count_tokens", "/api/anything"]
    assert server.message_requests == []


def test_script_error_ends_with_text():
    def broken(request):
        raise KeyError("missing")

    with StandIn(broken) as server:
        _, reply = post(f"{server.url}/v1/messages", {"messages": []})

    assert "stand-in script failed" in json.loads(reply)["content"][0]["text"]
    assert server.errors == ["request 0: KeyError: 'missing'"]


def test_request_limit_ends_session(monkeypatch):
    monkeypatch.setattr(standin_module, "MAX_MESSAGE_REQUESTS", 2)
    script = lambda request: [tool_use("Bash", {"command": "true"})]  # noqa: E731 - a loop that never ends by itself

    with StandIn(script) as server:
        replies = [json.loads(post(f"{server.url}/v1/messages", {"messages": []})[1]) for _ in range(3)]

    assert [reply["stop_reason"] for reply in replies] == ["tool_use", "tool_use", "end_turn"]


def test_request_helpers_read_tool_results():
    body = {
        "messages": [
            {"role": "user", "content": [{"type": "text", "text": "TASK-1: do it"}]},
            {"role": "assistant", "content": [{"type": "tool_use", "id": "t1", "name": "Write", "input": {}}]},
            {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "t1", "content": "written"}]},
            {"role": "system", "content": [{"type": "text", "text": "lint: 1 finding"}]},
        ]
    }
    request = standin_module.Request(0, "POST", "/v1/messages", body)

    assert request.user_text_containing("TASK-1") == "TASK-1: do it"
    assert request.tool_result_text() == "written"
    assert "lint: 1 finding" in request.text_after_last_tool_use()
    assert "TASK-1" not in request.text_after_last_tool_use()
