"""A fake Claude: a real HTTP server on loopback that speaks enough of the Messages API for tests.

The Anthropic SDK talks to it over real HTTP (point `anthropic_base_url` at `fake.url`), so retries,
`retry-after`, timeouts and auth headers behave as they do against the real API. Each test scripts the
answers it needs and reads back what was sent:

    fake.script(overloaded(), rate_limited(1.0), tool_call())   # answered in this order
    fake.script(then=overloaded())                              # ... and this one after the script
    fake.requests[0].images, fake.requests[0].element_ids("desktop")

Without a script every request gets `tool_call()` (a request without tools gets `text_reply()`): a valid
answer built from the request itself, citing an element id the request lists and a region inside its first
image. Prompt caching is simulated: the first
request whose tools + system prefix (marked `cache_control`) is at least `min_cacheable_tokens` long reports
`cache_creation_input_tokens`, later identical prefixes report `cache_read_input_tokens`.
"""

from __future__ import annotations

import base64
import hashlib
import io
import itertools
import json
import math
import re
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

from PIL import Image

from shared.config import Settings

API_KEY = "sk-ant-test-fake-key"
# Rough size of a Claude token in characters, for the usage the fake reports (the estimate in shared.llm
# is deliberately more pessimistic).
CHARS_PER_TOKEN = 4
PIXELS_PER_TOKEN = 750
_ELEMENT = re.compile(r"\b(desktop|mobile)/([A-Za-z0-9_.:-]+)")
_LABEL = re.compile(r"^Image (\d+): (desktop|mobile)\b")
_UNTRUSTED = re.compile(r"<untrusted_page_content>(.*?)</untrusted_page_content>", re.S)


@dataclass(frozen=True)
class SeenImage:
    number: int
    device: str | None
    width: int
    height: int
    media_type: str
    size_bytes: int

    @property
    def tokens(self) -> int:
        return math.ceil(self.width * self.height / PIXELS_PER_TOKEN)


@dataclass(frozen=True)
class SeenRequest:
    """One request as the fake received it: path, headers (lower-case names) and the JSON body."""

    path: str
    headers: dict[str, str]
    body: dict[str, Any]
    received_at: float

    @property
    def api_key(self) -> str | None:
        auth = self.headers.get("authorization", "")
        if auth.lower().startswith("bearer "):
            return auth[7:].strip()
        return self.headers.get("x-api-key")

    @property
    def system_text(self) -> str:
        system = self.body.get("system", "")
        return system if isinstance(system, str) else "\n".join(block.get("text", "") for block in system)

    @property
    def user_blocks(self) -> list[dict[str, Any]]:
        content = self.body["messages"][-1]["content"]
        return [{"type": "text", "text": content}] if isinstance(content, str) else list(content)

    @property
    def user_text(self) -> str:
        return "\n".join(block["text"] for block in self.user_blocks if block.get("type") == "text")

    @property
    def untrusted_sections(self) -> list[str]:
        return _UNTRUSTED.findall(self.user_text)

    @property
    def trusted_text(self) -> str:
        """The user text with the untrusted sections cut out: what the page author cannot have written."""
        return _UNTRUSTED.sub("", self.user_text)

    @property
    def images(self) -> list[SeenImage]:
        images: list[SeenImage] = []
        device: str | None = None
        for block in self.user_blocks:
            if block.get("type") == "text":
                label = _LABEL.match(block["text"])
                device = label.group(2) if label else None
            elif block.get("type") == "image":
                data = base64.b64decode(block["source"]["data"])
                with Image.open(io.BytesIO(data)) as image:
                    width, height = image.size
                images.append(
                    SeenImage(len(images) + 1, device, width, height, block["source"]["media_type"], len(data))
                )
                device = None
        return images

    def element_ids(self, device: str) -> list[str]:
        """Element ids the request lists for `device`, from the trusted facts only, in order of appearance."""
        found = [element for dev, element in _ELEMENT.findall(self.trusted_text) if dev == device]
        return list(dict.fromkeys(found))


AnswerBuilder = Callable[[SeenRequest], dict[str, Any]]
ContentBuilder = Callable[[SeenRequest], list[dict[str, Any]]]


@dataclass(frozen=True)
class Reply:
    """One scripted answer: a message (content built from the request) or an error body; headers; a delay."""

    status: int = 200
    content: ContentBuilder | None = None
    stop_reason: str = "end_turn"
    error_body: dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0


def tool_call(tool_input: dict[str, Any] | AnswerBuilder | None = None, *, stop_reason: str = "tool_use") -> Reply:
    """A call of the forced tool with `tool_input` (a dict, or built from the request; default
    `grounded_answer`)."""

    def content(request: SeenRequest) -> list[dict[str, Any]]:
        if tool_input is None:
            built = grounded_answer(request)
        elif callable(tool_input):
            built = tool_input(request)
        else:
            built = tool_input
        return [_tool_use_block(request, built)]

    return Reply(content=content, stop_reason=stop_reason)


def text_reply(text: str = "Here is my review: the page looks fine.") -> Reply:
    """Prose instead of the forced tool call."""
    return Reply(content=lambda _req: [{"type": "text", "text": text}], stop_reason="end_turn")


def max_tokens_cut() -> Reply:
    """A tool call cut off at max_tokens: the input is incomplete."""
    return Reply(content=lambda req: [_tool_use_block(req, {"findings": []})], stop_reason="max_tokens")


def error(status: int, error_type: str, message: str, headers: dict[str, str] | None = None) -> Reply:
    return Reply(
        status=status,
        error_body={"type": "error", "error": {"type": error_type, "message": message}},
        headers=headers or {},
    )


def overloaded() -> Reply:
    return error(529, "overloaded_error", "Overloaded")


def rate_limited(retry_after_s: float) -> Reply:
    return error(429, "rate_limit_error", "Rate limited", {"retry-after": f"{retry_after_s:g}"})


def server_error() -> Reply:
    return error(500, "api_error", "Internal server error")


def slow(reply: Reply, delay_s: float) -> Reply:
    """`reply`, sent only after `delay_s` (the wait ends early when the server stops)."""
    return replace(reply, delay_s=delay_s)


def grounded_answer(request: SeenRequest) -> dict[str, Any]:
    """A valid answer for this request: one finding on a listed element, one on a region of the first image."""
    findings = []
    for device in ("desktop", "mobile"):
        ids = request.element_ids(device)
        if ids:
            findings.append(
                finding("value_prop_vague", device, elements=[ids[0]], title="Headline does not say what is offered")
            )
            break
    images = request.images
    if images:
        first = images[0]
        region = {
            "image": 1,
            "x": 10,
            "y": 10,
            "w": max(1, min(300, first.width - 20)),
            "h": max(1, min(150, first.height - 20)),
        }
        findings.append(
            finding("hierarchy_weak", first.device or "desktop", region=region, title="No clear focal point")
        )
    return full_answer(findings)


def full_answer(findings: list[dict[str, Any]]) -> dict[str, Any]:
    """A complete tool input around `findings`."""
    return {
        "findings": findings,
        "summary": "The page loads quickly but the first view does not say clearly what is offered.",
        "actions": ["Rewrite the headline around the main benefit.", "Make the primary call to action stand out."],
        "uplift": {"low_pct": 3, "high_pct": 12, "confidence": "medium", "rationale": "Clarity fixes usually help."},
    }


def finding(topic: str, device: str, **fields: Any) -> dict[str, Any]:
    """One model finding as Claude would send it; `fields` override any part."""
    base: dict[str, Any] = {
        "topic": topic,
        "category": "content",
        "severity": "medium",
        "confidence": 0.7,
        "effort": "low",
        "device": device,
        "title": topic.replace("_", " ").capitalize(),
        "detail": "Visitors cannot tell quickly what the page offers.",
        "recommendation": "State the offer and its main benefit in the headline.",
        "elements": [],
    }
    base.update(fields)
    return base


def _tokens(text: str) -> int:
    return math.ceil(len(text) / CHARS_PER_TOKEN)


def _tool_use_block(request: SeenRequest, tool_input: dict[str, Any]) -> dict[str, Any]:
    name = request.body.get("tool_choice", {}).get("name") or request.body["tools"][0]["name"]
    return {"type": "tool_use", "id": f"toolu_fake_{int(time.monotonic_ns())}", "name": name, "input": tool_input}


class FakeClaude:
    """The server. `requests` lists every request received (also refused ones); `delivered` counts answers
    written in full, so a test can tell that a slow answer never reached the client."""

    def __init__(self, api_key: str = API_KEY, min_cacheable_tokens: int = 1024) -> None:
        self.api_key = api_key
        self.min_cacheable_tokens = min_cacheable_tokens
        self.requests: list[SeenRequest] = []
        self.delivered = 0
        self._script: deque[Reply] = deque()
        self._then: Reply | None = None
        self._cached_prefixes: set[str] = set()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._ids = itertools.count(1)
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def settings_overrides(self) -> dict[str, Any]:
        """Settings fields that point the SDK here with a key this server accepts."""
        return {"anthropic_base_url": self.url, "anthropic_api_key": self.api_key}

    def settings(self, **overrides: Any) -> Settings:
        return Settings(**{**self.settings_overrides(), **overrides})

    def script(self, *replies: Reply, then: Reply | None = None) -> None:
        """Answer the next requests with `replies` in order, then with `then` (default: `tool_call()`)."""
        with self._lock:
            self._script = deque(replies)
            self._then = then

    def start(self) -> FakeClaude:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> FakeClaude:
        return self.start()

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.stop()

    def _next_reply(self, request: SeenRequest) -> Reply:
        with self._lock:
            if self._script:
                return self._script.popleft()
            if self._then is not None:
                return self._then
        return tool_call() if request.body.get("tools") else text_reply()

    def _respond(self, request: SeenRequest) -> Reply:
        """The reply for one request: refusals of bad auth or shape first, else the script."""
        if request.api_key != self.api_key:
            return error(401, "authentication_error", "invalid x-api-key")
        if request.path != "/v1/messages" or not {"model", "max_tokens", "messages"} <= request.body.keys():
            return error(400, "invalid_request_error", "not a Messages API request")
        return self._next_reply(request)

    def _message(self, request: SeenRequest, reply: Reply) -> dict[str, Any]:
        content = reply.content(request) if reply.content else []
        return {
            "id": f"msg_fake_{next(self._ids)}",
            "type": "message",
            "role": "assistant",
            "model": request.body["model"],
            "content": content,
            "stop_reason": reply.stop_reason,
            "stop_sequence": None,
            "usage": self._usage(request, content),
        }

    def _usage(self, request: SeenRequest, content: list[dict[str, Any]]) -> dict[str, int]:
        body = request.body
        tools_text = json.dumps(body.get("tools", []))
        prefix_tokens = _tokens(tools_text + request.system_text)
        total = prefix_tokens + _tokens(request.user_text) + sum(i.tokens for i in request.images)
        output = _tokens(json.dumps(content))
        usage = {"input_tokens": total, "output_tokens": output}
        usage |= {"cache_creation_input_tokens": 0, "cache_read_input_tokens": 0}
        marked = "cache_control" in json.dumps(body.get("system", "")) or "cache_control" in tools_text
        if marked and prefix_tokens >= self.min_cacheable_tokens:
            key = hashlib.sha256(
                json.dumps([body["model"], body.get("tools"), body.get("system")], sort_keys=True).encode()
            ).hexdigest()
            with self._lock:
                hit = key in self._cached_prefixes
                self._cached_prefixes.add(key)
            usage["cache_read_input_tokens" if hit else "cache_creation_input_tokens"] = prefix_tokens
            usage["input_tokens"] = total - prefix_tokens
        return usage

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                return

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(length)
                try:
                    body = json.loads(raw or b"{}")
                except json.JSONDecodeError:
                    body = {}
                seen = SeenRequest(
                    path=self.path.split("?", 1)[0],
                    headers={name.lower(): value for name, value in self.headers.items()},
                    body=body,
                    received_at=time.monotonic(),
                )
                with fake._lock:
                    fake.requests.append(seen)
                reply = fake._respond(seen)
                if reply.delay_s and fake._stopping.wait(reply.delay_s):
                    return
                try:
                    payload = reply.error_body if reply.status != 200 else fake._message(seen, reply)
                except Exception as exc:  # a broken script must fail the test visibly, not hang it
                    reply = error(400, "invalid_request_error", f"fake Claude could not answer: {exc!r}")
                    payload = reply.error_body
                data = json.dumps(payload).encode()
                try:
                    self.send_response(reply.status)
                    self.send_header("content-type", "application/json")
                    self.send_header("request-id", f"req_fake_{next(fake._ids)}")
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    self.send_header("content-length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    return
                with fake._lock:
                    fake.delivered += 1

        return Handler
