"""The URL and egress policy: nothing the service does may reach a non-public address unless allowlisted.

How it works
------------
*Connect-time checks on resolved addresses.* Every outbound TCP connection of an analysis (the page,
each redirect hop, subresources, iframes, fetch/XHR, WebSockets, EventSource, beacons, workers and
service workers, popups, WebRTC's TURN over TCP) and of a webhook goes through the egress guard, a
SOCKS5 proxy on loopback (`egress.EgressGuard`, one session and port per browser context or webhook
delivery). Chromium hands it host *names* (SOCKS5 resolves remotely); the guard resolves each name
once, checks every address it got, and dials one of those checked addresses. A name answering a
public address at submit time and a private one when the browser connects (DNS rebinding) is refused
at the connect, because the check and the connect use the same answer.

*One decision function.* `decision.decide(host, port, allowlist)` is the whole policy: a cloud
metadata name (`metadata.google.internal`, `metadata`, ...) is refused by name, whatever it resolves
to; otherwise every resolved address must be public (`addresses.is_public`: loopback, private,
link-local incl. 169.254.169.254, CGNAT, multicast, broadcast, reserved, unspecified, benchmarking,
documentation, ULA, site-local, NAT64 local-use, Teredo, and IPv4-mapped / NAT64 / 6to4 embeddings of
any of those are not) or the `host:port` must be allowlisted (`ALLOWED_PRIVATE_HOSTS`, for tests and
local demos; empty by default). The guard calls it per connection; `policy.check_target` calls it
before a job is accepted (page URL and `callback_url`) to fail early with a clear error code.

*Resolving without starving anyone.* Names are resolved with c-ares (`resolver`, via aiodns), which
reads /etc/hosts and /etc/resolv.conf like getaddrinfo but runs every query asynchronously and ends it
on its own timeout, so a hung lookup holds no thread and no one else's place. One egress session has at
most `EGRESS_MAX_DNS_LOOKUPS` lookups in flight and the submits of one API key `DNS_LOOKUPS_PER_KEY`;
waiting for a slot counts against `DNS_TIMEOUT_S`. A lookup that gets no answer in time (or a server
failure) is transient: 503 at submit, a retried attempt in a job. `localhost` and `*.localhost` are
loopback without DNS (RFC 6761).

*Refusals that do not map the network.* A host *name* whose addresses are not all public is refused
exactly as a name that does not resolve (`dns_failure`, "does not resolve to a public address"), at
submit, in the guard's reply and in a report's failed requests alike, so no caller can tell an internal
name from a missing one. An IP literal, a loopback or a metadata name is `blocked` with its class
("loopback"): the caller wrote it. No message or detail carries a resolved address; the operator's log
(`target refused`) and the session's refusal log do. Submit errors name their field (`url`,
`callback_url`), and the job keeps the `callback_url` the check normalised, which is what webhooks are
sent to: the raw string can read as another host to another parser (`http://a:1\\@b:2/`).

*URLs parsed like the browser.* `policy.check_url_syntax` parses with the WHATWG URL Standard (the
parser Chromium implements): only http and https, no user name or password, a host, at most 2,048
characters. Odd IPv4 spellings (`2130706433`, `0177.0.0.1`, `0x7f.1`, `127.1`) come out as the dotted
address the browser would dial, so the early check sees what the browser will connect to.

*Why a proxy rather than request interception.* Interception (Playwright routes, CDP Fetch) sees
requests, not connections: it misses service-worker fetches, beacons sent while a page unloads and
some WebSocket paths; it checks a name the browser then resolves again on its own (rebinding); and a
missed hook fails open. A proxy fails closed: the browser context has no other way out, and Chromium
never falls back to a direct connection when a fixed proxy refuses. `<-loopback>` in the proxy bypass
list removes Chromium's implicit loopback bypass, so 127.0.0.1, localhost and [::1] meet the policy too.

What is not covered
-------------------
UDP does not go through a SOCKS5 CONNECT proxy, so it is switched off in Chromium instead
(`chromium.CHROMIUM_EGRESS_ARGS`): QUIC is disabled and WebRTC may not use non-proxied UDP (no STUN or
ICE to local addresses); WebTransport (HTTP/3) cannot open through the proxy. WebRTC would also resolve
STUN/TURN server names and remote candidates with the system resolver, outside the guard: capture
removes every `RTC*` interface in every frame (`capture/js/no_webrtc.js`; workers expose no peer
connection), and Chromium's own resolver answers nothing (`--host-resolver-rules`), which also covers
contexts without that script. The time a refusal takes is not hidden: an internal name that answers
at once and a missing one that takes a while to fail can still differ in timing. Traffic of the browser
process itself (component updates, safe browsing, DNS prefetch) is disabled by flags rather than
proxied. Connections made by the service's own code go through `http_client.guarded_client`; a new
outbound client that does not is outside the policy. The allowlist admits a `host:port` whatever it
serves: list only endpoints you run.
"""
