// The run: overlays measured and hidden first, then everything else beneath them.

const found = findOverlays();
const overlays = overlayFacts(found);
hideOverlays(found);
const facts = {
  overlays,
  headings: collectHeadings(),
  first_view: collectFirstView(),
  ctas: collectCtas(),
  forms: collectForms(),
  images: collectImages(),
  trust: collectTrust(),
  navigation: collectNavigation(),
  meta: collectMeta(),
  text: collectText(),
  layout: collectLayout(),
  dom_nodes: doc.getElementsByTagName("*").length,
};
Object.defineProperty(window, STATE, { value: { ids }, configurable: true, enumerable: false });
return facts;
