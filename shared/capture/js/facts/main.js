// The run: overlays measured and hidden first, then everything else beneath them. Every string in the result
// is clipped on the way out, whichever collector produced it: a page can make any attribute or text 100 KB
// long, and the facts of one device must stay small (`maxTextChars`; the text excerpt has its own bound).

const clipAll = (value, key) => {
  if (typeof value === "string") {
    const max = key === "excerpt" ? options.excerptChars : options.maxTextChars;
    return value.length > max ? value.slice(0, max - 1) + "…" : value;
  }
  if (Array.isArray(value)) return value.map((item) => clipAll(item, key));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([name, item]) => [name, clipAll(item, name)]));
  }
  return value;
};

const found = findOverlays();
const overlays = overlayFacts(found);
hideOverlays(found);
const headings = collectHeadings();
const { ctas, controls } = collectCtasAndControls();
const forms = collectForms();
const imageFacts = collectImages();
const trust = collectTrust();
// After the others: an element keeps the first id it is given, and copy and axe read those ids.
const firstView = collectFirstView();
const facts = {
  overlays,
  headings,
  first_view: firstView,
  ctas,
  controls,
  forms,
  images: imageFacts,
  trust,
  // After headings, CTAs, controls and trust: their elements are the ones copy leaves out or marks.
  copy_blocks: collectCopy(trust),
  navigation: collectNavigation(),
  meta: collectMeta(),
  text: collectText(),
  layout: collectLayout(),
  dom_nodes: doc.getElementsByTagName("*").length,
};
Object.defineProperty(window, STATE, { value: { ids }, configurable: true, enumerable: false });
return clipAll(facts, null);
