"""How Chromium is pinned to the egress guard: launch flags and per-context proxy settings."""

from __future__ import annotations

from playwright.async_api import ProxySettings

from shared.netguard.egress import GuardSession

# Every flag closes a path that would bypass the SOCKS proxy or leak traffic of Chromium's own.
CHROMIUM_EGRESS_ARGS: tuple[str, ...] = (
    "--disable-quic",  # QUIC is UDP: SOCKS5 CONNECT cannot carry it
    "--force-webrtc-ip-handling-policy=disable_non_proxied_udp",  # no STUN/ICE to local addresses
    "--webrtc-ip-handling-policy=disable_non_proxied_udp",
    "--disable-background-networking",  # no update checks, safe-browsing, or prefetch of our own
    "--disable-component-update",
    "--disable-sync",
    "--disable-domain-reliability",
    "--no-pings",  # <a ping> beacons
    "--dns-prefetch-disable",
    # Chromium's own resolver answers nothing: names of pages go to the proxy unresolved (SOCKS5), and
    # whatever Chromium would resolve itself (WebRTC's STUN/TURN servers and remote candidates) fails
    # instead of asking the system resolver behind the guard's back. 127.0.0.1 is where the proxy listens.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
)


def context_proxy(session: GuardSession) -> ProxySettings:
    """Proxy settings for one browser context. `<-loopback>` removes Chromium's implicit bypass of
    localhost and 127.0.0.1, so loopback targets meet the policy like any other."""
    return ProxySettings(server=session.proxy_url, bypass="<-loopback>")
