// Facts of a page, in-page part: what every other part shares. The parts in this folder are composed
// into one function expression of `options` ({ deviceWidth, deviceHeight, maxElements, excerptChars, ... })
// by shared/capture/page_facts.py, in the order it lists them, and evaluated in one pass; `main.js` returns
// plain JSON shaped like shared/models/facts.py (snake_case keys).
//
// Ids (`<kind>-<n>`) number the elements of a kind in document order, so the same DOM gives the same ids.
// The element -> id map stays in a non-enumerable symbol property of `window`, for the axe step to name its
// nodes and for a later re-read of images; nothing in the DOM marks them.

const STATE = Symbol.for("cro-analyzer.capture");
const doc = document;
const body = doc.body || doc.documentElement;
const foldHeight = window.innerHeight;
const viewWidth = window.innerWidth;
const scrollX = window.scrollX;
const scrollY = window.scrollY;
const limit = options.maxElements;
const ids = new Map();

const round = (value) => Math.round(value * 10) / 10;
const clean = (text, max) => {
  const collapsed = String(text || "").replace(/\s+/g, " ").trim();
  return max && collapsed.length > max ? collapsed.slice(0, max - 1) + "…" : collapsed;
};
const lower = (value) => String(value || "").toLowerCase();
const classOf = (el) => lower(typeof el.className === "string" ? el.className : el.getAttribute("class"));
const styleCache = new Map();
const style = (el) => {
  let cs = styleCache.get(el);
  if (!cs) {
    cs = getComputedStyle(el);
    styleCache.set(el, cs);
  }
  return cs;
};
const byDocumentOrder = (a, b) => {
  if (a === b) return 0;
  return a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1;
};
const uniqueInOrder = (elements) => [...new Set(elements)].sort(byDocumentOrder);

function boxOf(el) {
  const r = el.getBoundingClientRect();
  return { x: round(r.left + scrollX), y: round(r.top + scrollY), w: round(r.width), h: round(r.height) };
}

function isVisible(el, box) {
  if (box.w * box.h <= 4) return false;
  if (box.x + box.w <= 0 || box.y + box.h <= 0) return false;
  return el.checkVisibility({ opacityProperty: true, visibilityProperty: true });
}

function base(el, id) {
  const box = boxOf(el);
  const visible = isVisible(el, box);
  // An element can be a CTA and a trust signal (a tel: button): it keeps its first id.
  if (!ids.has(el)) ids.set(el, id);
  return { id, box, visible, above_fold: visible && box.y < foldHeight && box.y + box.h > 0 };
}

function fontSize(el) {
  const size = parseFloat(style(el).fontSize);
  return Number.isFinite(size) ? round(size) : null;
}

function textById(idrefs) {
  return clean(
    String(idrefs || "")
      .split(/\s+/)
      .map((ref) => ref && doc.getElementById(ref))
      .filter(Boolean)
      .map((node) => node.innerText || node.textContent)
      .join(" "),
  );
}
