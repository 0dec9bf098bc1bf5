// After lazy content had its chance: whether each image collected by facts.js has loaded, and its size.
() => {
  const state = window[Symbol.for("cro-analyzer.capture")];
  if (!state) return [];
  return state.images.map(([id, img]) => [id, img.complete && img.naturalWidth > 0, img.naturalWidth, img.naturalHeight]);
}
