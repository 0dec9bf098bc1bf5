// Headings: h1-h6 and role=heading, with their level, rendered size and whether they sit in the brand zone
// (the logo, site header bar or navigation: see headline.js), where a heading names the site.

const HEADING = "h1, h2, h3, h4, h5, h6, [role=heading]";

function headingLevel(el) {
  const tagLevel = /^H([1-6])$/.exec(el.tagName);
  const ariaLevel = parseInt(el.getAttribute("aria-level"), 10);
  return tagLevel ? +tagLevel[1] : ariaLevel >= 1 && ariaLevel <= 6 ? ariaLevel : 2;
}

function collectHeadings() {
  const elements = [...doc.querySelectorAll(HEADING)].slice(0, limit);
  return elements.map((el, index) => ({
    ...base(el, `h-${index + 1}`),
    level: headingLevel(el),
    text: clean(el.innerText || el.textContent, 300),
    font_size_px: fontSize(el),
    brand: inBrandZone(el),
  }));
}
