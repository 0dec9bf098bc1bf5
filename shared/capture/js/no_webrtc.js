// Registered before any page script runs, in every frame the page opens (cross-origin ones included): the
// page under analysis gets no WebRTC. An RTCPeerConnection's ICE agent resolves STUN and TURN host names
// and remote candidates with the system resolver, outside the egress guard, and nothing else a page can
// reach starts an ICE agent. The whole RTC* family goes, so feature detection sees no WebRTC rather than
// half of it. Workers need nothing removed: no worker global exposes RTCPeerConnection.
(() => {
  for (const name of Object.getOwnPropertyNames(globalThis)) {
    if (/^(webkit)?RTC/.test(name)) delete globalThis[name];
  }
})();
