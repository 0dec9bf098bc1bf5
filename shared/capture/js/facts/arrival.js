// At the fold screenshot: the overlays a visitor finds on arrival are remembered, so any found later is late.
const registry = overlayRegistry();
const found = findOverlays();
for (const overlay of found) registry.arrival.add(overlay.el);
return found.length;
