// Copy: the visible text blocks of the page outside headings, calls to action, controls and form labels
// (which have facts of their own), for the placeholder-copy rule, which does the matching in Python. A
// block is the nearest ancestor of a text node that is not laid out inline (a paragraph, list item, quote,
// caption, cell, a div holding bare text); its text is the text of its own inline content, clipped. At most
// `limit` blocks, in document order; `in_testimonial` marks blocks inside a testimonial of the trust facts.

const COPY_CHARS = 200;
const NOT_COPY =
  "script, style, noscript, template, option, select, textarea, label, h1, h2, h3, h4, h5, h6, [role=heading]";

function blockOf(el) {
  for (let node = el; node && node !== body; node = node.parentElement) {
    const display = style(node).display;
    if (!display.startsWith("inline") && display !== "contents") return node;
  }
  return body;
}

// Inside a CTA or control (their ids are set on the element and its face).
function insideAsk(el) {
  for (let node = el; node && node !== body; node = node.parentElement) {
    if (/^(cta|ctl)-/.test(ids.get(node) || "")) return true;
  }
  return false;
}

function collectCopy(trust) {
  const testimonials = new Set(trust.filter((signal) => signal.kind === "testimonial").map((signal) => signal.id));
  const blocks = new Map();
  const parents = new Map();
  const walker = doc.createTreeWalker(body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!HAS_WORD.test(node.data)) continue;
    const parent = node.parentElement;
    if (!parent) continue;
    let usable = parents.get(parent);
    if (usable === undefined) {
      usable = !parent.closest(NOT_COPY) && !insideAsk(parent) && isVisible(parent, boxOf(parent));
      parents.set(parent, usable);
    }
    if (!usable) continue;
    const block = blockOf(parent);
    const text = blocks.get(block);
    if (text !== undefined) {
      if (text.length <= COPY_CHARS) blocks.set(block, text + node.data);
    } else if (blocks.size < limit) {
      blocks.set(block, node.data);
    }
  }
  return [...blocks].map(([block, text], index) => {
    let inTestimonial = false;
    for (let node = block; node && !inTestimonial; node = node.parentElement) {
      inTestimonial = testimonials.has(ids.get(node));
    }
    return { ...base(block, `copy-${index + 1}`), text: clean(text, COPY_CHARS), in_testimonial: inTestimonial };
  });
}
