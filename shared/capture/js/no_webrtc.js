// Registered before any page script runs, in every frame the page opens (cross-origin ones included): the
// page under analysis gets no WebRTC. An RTCPeerConnection's ICE agent resolves STUN and TURN host names
// and remote candidates with the system resolver, outside the egress guard; the two constructors of a
// peer connection are what matter, the rest of the family goes with them so that feature detection sees
// no WebRTC rather than half of it. Named one by one rather than found by listing the global's own
// properties, which would build every lazily created interface object in every frame. Workers need
// nothing removed: no worker global exposes RTCPeerConnection.
(() => {
  const names = [
    "RTCPeerConnection", "webkitRTCPeerConnection", "RTCDataChannel", "RTCIceCandidate", "RTCSessionDescription",
    "RTCRtpSender", "RTCRtpReceiver", "RTCRtpTransceiver", "RTCDtlsTransport", "RTCIceTransport",
    "RTCSctpTransport", "RTCCertificate", "RTCDTMFSender", "RTCStatsReport", "RTCTrackEvent",
    "RTCPeerConnectionIceEvent", "RTCPeerConnectionIceErrorEvent", "RTCDataChannelEvent",
    "RTCDTMFToneChangeEvent", "RTCError", "RTCErrorEvent", "RTCEncodedAudioFrame", "RTCEncodedVideoFrame",
    "RTCRtpScriptTransform",
  ];
  for (const name of names) delete globalThis[name];
})();
