// The run: overlays measured and hidden first, then everything else beneath them.

const overlays = findOverlays();
hideOverlays(overlays);
const headings = collectHeadings();
const { ctas, controls } = collectCtasAndControls();
const forms = collectForms();
const imageFacts = collectImages();
const trust = collectTrust();
const facts = {
  overlays: overlays.map(({ el, ...overlay }) => overlay),
  headings,
  ctas,
  controls,
  forms,
  images: imageFacts,
  trust,
  // After headings, CTAs, controls and trust: their elements are the ones copy leaves out or marks.
  text_blocks: collectCopy(trust),
  navigation: collectNavigation(),
  meta: collectMeta(),
  text: collectText(),
  layout: collectLayout(),
  dom_nodes: doc.getElementsByTagName("*").length,
};
const images = [...doc.images].slice(0, limit).map((img, index) => [`img-${index + 1}`, img]);
Object.defineProperty(window, STATE, { value: { ids, images }, configurable: true, enumerable: false });
return facts;
