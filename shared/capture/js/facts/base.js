// Facts of a page, in-page part: what every other part shares. The parts in this folder are composed
// into one function expression of `options` ({ deviceWidth, deviceHeight, maxElements, excerptChars, ... })
// by shared/capture/page_facts.py, in the order it lists them, and evaluated in one pass; `main.js` returns
// plain JSON shaped like shared/models/facts.py (snake_case keys).
//
// Ids (`<kind>-<n>`) number the elements of a kind in document order, so the same DOM gives the same ids.
// The element -> id map stays in a non-enumerable symbol property of `window`, for the axe step to name its
// nodes; nothing in the DOM marks them.

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
// Text that says something: a letter or a digit in any script (not only glyphs, arrows and punctuation).
const HAS_WORD = /[\p{L}\p{N}]/u;
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

// Reveal-on-scroll libraries (AOS, WOW.js, ScrollReveal, sal, GSAP, hand-written IntersectionObserver
// reveals) hold content at opacity 0 until it scrolls into view. That content is on the page and a visitor
// who scrolls sees it, so it counts as visible, flagged `transparent`; an opacity-0 element without such a
// marker (a hover-only overlay, a hidden slide) stays invisible. A script-set inline opacity of 0 is how
// animation libraries start a reveal, so it is a marker too.
const REVEAL_ATTRIBUTES = ["data-aos", "data-sal", "data-sr-id", "data-scroll", "data-animate", "data-animation",
  "data-wow-delay", "data-wow-duration", "data-reveal", "data-inview"];
const REVEAL_CLASS =
  /(^|\s)(aos-init|wow|reveal|js-reveal|scroll-?reveal|reveal-on-scroll|fade-?in|fade-?up|animate__animated|animated|in-?view|will-animate|appear)(\s|$)/;

function revealMarked(node) {
  if (node.style && node.style.opacity === "0") return true;
  if (REVEAL_ATTRIBUTES.some((name) => node.hasAttribute(name))) return true;
  return REVEAL_CLASS.test(classOf(node));
}

// "shown" (painted), "reveal" (at opacity 0 under reveal markers only) or "hidden" (another opacity 0).
function transparency(el) {
  let pending = false;
  for (let node = el; node && node.nodeType === 1; node = node.parentElement) {
    if (parseFloat(style(node).opacity) === 0) {
      if (!revealMarked(node)) return "hidden";
      pending = true;
    }
  }
  return pending ? "reveal" : "shown";
}

function isVisible(el, box) {
  if (box.w * box.h <= 4) return false;
  if (box.x + box.w <= 0 || box.y + box.h <= 0) return false;
  if (!el.checkVisibility({ visibilityProperty: true })) return false;
  return transparency(el) !== "hidden";
}

function base(el, id) {
  const box = boxOf(el);
  const visible = isVisible(el, box);
  // An element can be a CTA and a trust signal (a tel: button): it keeps its first id.
  if (!ids.has(el)) ids.set(el, id);
  return {
    id,
    box,
    visible,
    transparent: visible && transparency(el) === "reveal",
    above_fold: visible && box.y < foldHeight && box.y + box.h > 0,
  };
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
