// Overlays: a fixed element (also sticky when its words say cookie/newsletter/dialog, or a large absolute
// one with such words and some text) intersecting the first viewport, not the site header or navigation;
// without telling words it must cover 25% of the viewport and sit above the page (z-index > 0). Kind by
// words in id/class/role/label/text: cookie_banner, chat, newsletter, modal, else other. Measured first,
// then hidden with inline `display: none !important` so the rest is measured beneath them.

const HEADERISH = "header, nav, [role=banner], [role=navigation], .navbar";
const OVERLAY_KINDS = [
  ["cookie_banner", /cookie|consent|gdpr|ccpa|privacy (settings|choices|preferences)/],
  ["chat", /\bchat|intercom|drift|zendesk|livechat|crisp|tawk|hubspot-messages|messenger/],
  ["newsletter", /newsletter|subscribe|sign ?up for|mailing list|discount|coupon|\d+ ?% off/],
  // Not "overlay": themes use it for the tint over a hero image, which is page design, not a popup.
  ["modal", /modal|popup|pop-up|lightbox|dialog|interstitial|backdrop/],
];

function overlayKind(el) {
  const words = lower(
    [el.id, classOf(el), el.getAttribute("role"), el.getAttribute("aria-label"), (el.innerText || "").slice(0, 400)].join(" "),
  );
  for (const [kind, pattern] of OVERLAY_KINDS) if (pattern.test(words)) return kind;
  if (el.matches("dialog, [role=dialog], [role=alertdialog], [aria-modal=true]")) return "modal";
  return "other";
}

function findOverlays() {
  const found = [];
  const viewportArea = viewWidth * foldHeight;
  for (const el of body.querySelectorAll("*")) {
    const cs = style(el);
    const position = cs.position;
    if (position !== "fixed" && position !== "sticky" && position !== "absolute") continue;
    if (found.some((overlay) => overlay.el.contains(el))) continue;
    const r = el.getBoundingClientRect();
    const w = Math.min(r.right, viewWidth) - Math.max(r.left, 0);
    const h = Math.min(r.bottom, foldHeight) - Math.max(r.top, 0);
    if (w <= 0 || h <= 0) continue;
    if (!el.checkVisibility({ opacityProperty: true, visibilityProperty: true })) continue;
    if (cs.pointerEvents === "none" && !el.innerText) continue;
    const coverage = Math.min(1, (w * h) / viewportArea);
    const kind = overlayKind(el);
    const headerish =
      el.matches(HEADERISH) || (!!el.querySelector("nav, [role=navigation]") && r.top <= 1 && coverage < 0.25);
    if (headerish && kind !== "cookie_banner") continue;
    const zIndex = parseInt(cs.zIndex, 10) || 0;
    let accepted;
    if (position === "fixed") accepted = kind !== "other" || (coverage >= 0.25 && zIndex > 0);
    else if (position === "sticky") accepted = kind === "cookie_banner" || kind === "newsletter" || kind === "modal";
    else accepted = kind !== "other" && coverage >= 0.5 && zIndex > 0 && !!clean(el.innerText);
    if (accepted) found.push({ el, kind, coverage });
  }
  found.sort((a, b) => byDocumentOrder(a.el, b.el));
  return found.slice(0, limit).map((overlay, index) => ({
    ...base(overlay.el, `overlay-${index + 1}`),
    kind: overlay.kind,
    coverage: Math.round(overlay.coverage * 1000) / 1000,
    text: clean(overlay.el.innerText, 300),
    el: overlay.el,
  }));
}

function hideOverlays(overlays) {
  for (const overlay of overlays) overlay.el.style.setProperty("display", "none", "important");
  if (!overlays.length) return;
  // Consent walls and modals lock scrolling on <html>/<body>; unlock it so the page beneath can be
  // scrolled for lazy content and captured whole.
  for (const root of [doc.documentElement, doc.body]) {
    if (root && /hidden|clip/.test(style(root).overflowY)) root.style.setProperty("overflow", "visible", "important");
  }
  styleCache.clear();
}
