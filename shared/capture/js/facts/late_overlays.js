// After the watch for late overlays: how many overlays cover the first view now that were not there on
// arrival (see arrival.js).
const arrival = overlayRegistry().arrival;
return findOverlays().filter((overlay) => !arrival.has(overlay.el)).length;
