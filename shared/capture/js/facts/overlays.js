// Overlays: a fixed element (also sticky when its words say cookie/newsletter/dialog, or a large absolute
// one with such words and some text) intersecting the first viewport, not the site header or navigation;
// without telling words it must cover 25% of the viewport and sit above the page (z-index > 0). Kind by
// words in id/class/role/label/text: cookie_banner, chat, newsletter, modal, else other. A loading screen
// (preloader) is a fixed overlay of at least 90% of the first view, above the page and on top at its
// centre, with no control and next to no text: capture waits for it to go before the fold screenshot (shared/capture/settle.py), so
// one still found here never went away. Measured first, then hidden with inline `display: none !important`
// so the rest is measured beneath them.
//
// Overlays seen at the fold screenshot are remembered in a registry on `window` (non-enumerable symbol
// property): one found later was not there on arrival (`late`), e.g. a consent bar a script adds after
// load.

const HEADERISH = "header, nav, [role=banner], [role=navigation], .navbar";
const OVERLAY_KINDS = [
  ["cookie_banner", /cookie|consent|gdpr|ccpa|privacy (settings|choices|preferences)/],
  ["chat", /\bchat|intercom|drift|zendesk|livechat|crisp|tawk|hubspot-messages|messenger/],
  ["newsletter", /newsletter|subscribe|sign ?up for|mailing list|discount|coupon|\d+ ?% off/],
  // Not "overlay": themes use it for the tint over a hero image, which is page design, not a popup.
  ["modal", /modal|popup|pop-up|lightbox|dialog|interstitial|backdrop/],
];

const PRELOADER_WORDS = /preload|loader|loading|spinner|splash/;
const OVERLAY_CONTROLS = "a[href], button, input, select, textarea, [role=button], [role=link], [role=checkbox]";
const PRELOADER_MAX_TEXT = 40;
const OVERLAY_REGISTRY = Symbol.for("cro-analyzer.overlays");

function overlayRegistry() {
  if (!window[OVERLAY_REGISTRY]) {
    Object.defineProperty(window, OVERLAY_REGISTRY, { value: { arrival: new WeakSet() }, enumerable: false });
  }
  return window[OVERLAY_REGISTRY];
}

function onTopAtCentre(el, r) {
  const x = Math.min(Math.max((r.left + r.right) / 2, 0), viewWidth - 1);
  const y = Math.min(Math.max((r.top + r.bottom) / 2, 0), foldHeight - 1);
  const hit = doc.elementFromPoint(x, y);
  return !!hit && el.contains(hit);
}

function isPreloader(el, r, coverage) {
  if (coverage < 0.9 || el.querySelector(OVERLAY_CONTROLS) || !onTopAtCentre(el, r)) return false;
  const words = lower([el.id, classOf(el), el.getAttribute("aria-label"), el.getAttribute("aria-busy")].join(" "));
  return PRELOADER_WORDS.test(words) || clean(el.innerText).length <= PRELOADER_MAX_TEXT;
}

// Where on the first view it sits: "full" (90% and more), a bar along the "top" or "bottom" edge, a small box
// in a "corner" (chat bubbles), else "center" (a modal).
function overlayPosition(r, coverage) {
  if (coverage >= 0.9) return "full";
  const wide = r.width >= 0.6 * viewWidth;
  if (wide && r.top <= 2) return "top";
  if (wide && r.bottom >= foldHeight - 2) return "bottom";
  const small = r.width < 0.5 * viewWidth && r.height < 0.5 * foldHeight;
  const sideways = r.left <= 0.2 * viewWidth || r.right >= 0.8 * viewWidth;
  const upDown = r.top <= 0.2 * foldHeight || r.bottom >= 0.8 * foldHeight;
  return small && sideways && upDown ? "corner" : "center";
}

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
    if (position === "fixed" && kind === "other" && zIndex > 0 && isPreloader(el, r, coverage)) {
      found.push({ el, kind: "preloader", coverage, rect: r });
    } else if (accepted) {
      found.push({ el, kind, coverage, rect: r });
    }
  }
  found.sort((a, b) => byDocumentOrder(a.el, b.el));
  return found.slice(0, limit);
}

// Overlays as facts; each not in the registry's arrival set is `late`.
function overlayFacts(found) {
  const arrival = overlayRegistry().arrival;
  return found.map((overlay, index) => ({
    ...base(overlay.el, `overlay-${index + 1}`),
    kind: overlay.kind,
    coverage: Math.round(overlay.coverage * 1000) / 1000,
    position: overlayPosition(overlay.rect, overlay.coverage),
    dismissible: [...overlay.el.querySelectorAll(OVERLAY_CONTROLS)].some((control) => isVisible(control, boxOf(control))),
    late: !arrival.has(overlay.el),
    text: clean(overlay.el.innerText, 300),
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
