// Headings: h1-h6 and role=heading, with their level and rendered size.

function collectHeadings() {
  const elements = [...doc.querySelectorAll("h1, h2, h3, h4, h5, h6, [role=heading]")].slice(0, limit);
  return elements.map((el, index) => {
    const tagLevel = /^H([1-6])$/.exec(el.tagName);
    const ariaLevel = parseInt(el.getAttribute("aria-level"), 10);
    const level = tagLevel ? +tagLevel[1] : ariaLevel >= 1 && ariaLevel <= 6 ? ariaLevel : 2;
    return { ...base(el, `h-${index + 1}`), level, text: clean(el.innerText || el.textContent, 300), font_size_px: fontSize(el) };
  });
}
