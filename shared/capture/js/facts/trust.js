// Trust: testimonial = blockquote, a testimonial/quote class, or a short text wholly in quotation marks;
// rating = a row of 3+ star icons (their parent), rating classes, "4.8 out of 5", runs of ★; review = review
// markup or "123 reviews"; client_logos = a container of 3+ logo-like images (logo, client, partner, brand in
// src/alt/class/label) or of 3+ images under a "trusted by / clients / partners / as seen in" heading;
// guarantee = money-back, guarantee, risk-free, free returns, cancel anytime, warranty; security_badge =
// secure/SSL/PCI/Norton/McAfee/Trustpilot/verified images or "secure checkout", "256-bit", "encrypted";
// contact = tel:/mailto: links and <address>.

const GUARANTEE = /money[- ]back|\bguarantee[ds]?\b|risk[- ]free|free returns|no questions asked|cancel any ?time|\bwarranty\b/i;
const SECURITY_TEXT = /secure checkout|ssl[- ]secured|256[- ]bit|encrypted (checkout|payment)|pci[- ]dss/i;
const SECURITY_IMAGE = /secure|ssl|pci|norton|mcafee|trustpilot|trustedsite|verisign|verified|safe ?checkout/;
const REVIEW_TEXT = /\b\d[\d,.]*\+?\s+(customer\s+|verified\s+)?(reviews|ratings)\b/i;
const RATING_TEXT = /\b\d(\.\d)?\s*(\/|out of)\s*5\b|★★★|\b[1-5](\.\d)?[- ]stars?\b/i;
const STAR_ICON = /(^|\s)(bi-star(-fill|-half)?|fa-star(-half)?(-o)?|star(-fill|-half|-full|-empty|-icon)?|icon-star)(\s|$)/;
const LOGO_WORDS = /logo|client|partner|brand|customer/;
const LOGO_HEADING = /trusted by|our clients|clients|partners|as seen (in|on)|featured (in|on)|used by|customers include/i;
const QUOTED = /^["“„«'‘].{18,400}["”»'’]$/s;

function textElements(pattern) {
  const hits = [];
  const walker = doc.createTreeWalker(body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (hits.length >= limit) break;
    const parent = node.parentElement;
    if (!parent || /^(SCRIPT|STYLE|NOSCRIPT|TEMPLATE)$/.test(parent.tagName)) continue;
    if (pattern.test(node.data)) hits.push(parent);
  }
  return hits;
}

const innermost = (elements) => elements.filter((el) => !elements.some((other) => other !== el && el.contains(other)));

function logoStrips() {
  const headerLogo = (img) => !!img.closest(HEADERISH);
  const images = [...doc.querySelectorAll("img, svg")].filter((img) => !headerLogo(img));
  const logoLike = images.filter((img) =>
    LOGO_WORDS.test(
      lower(
        [
          img.getAttribute("src"),
          img.getAttribute("alt"),
          classOf(img),
          img.getAttribute("aria-label"),
          img.parentElement && img.parentElement.getAttribute("aria-label"),
        ].join(" "),
      ),
    ),
  );
  const strips = new Set();
  const groupOf = (members) => {
    for (const img of members) {
      let node = img.parentElement;
      for (let depth = 0; node && node !== body && depth < 5; depth += 1, node = node.parentElement) {
        if (members.filter((other) => node.contains(other)).length >= 3) {
          strips.add(node);
          break;
        }
      }
    }
  };
  groupOf(logoLike);
  for (const heading of doc.querySelectorAll("h1, h2, h3, h4, h5, h6")) {
    if (!LOGO_HEADING.test(heading.innerText || "")) continue;
    const section = heading.closest("section, aside, div");
    if (section && section !== body && section.querySelectorAll("img, svg").length >= 3) strips.add(section);
  }
  return innermost([...strips]);
}

function collectTrust() {
  const found = [];
  const add = (el, kind, text) => {
    if (el && !found.some((item) => item.el === el && item.kind === kind)) found.push({ el, kind, text });
  };

  // With words: a testimonial's photo (class "testimonial-img") is part of one, not one of its own.
  const testimonials = [
    ...doc.querySelectorAll("blockquote, q, [class*=testimonial i], [id*=testimonial i]"),
  ].filter((el) => HAS_WORD.test(el.textContent));
  for (const el of innermost(testimonials)) {
    if (el.tagName === "Q" && el.closest("blockquote")) continue;
    add(el, "testimonial", clean(el.innerText, 160));
  }
  for (const el of doc.querySelectorAll("p, div, span, figcaption, h2, h3, h4, h5, h6")) {
    if (el.children.length > 2) continue;
    const raw = el.textContent.trim();
    if (raw.length < 20 || raw.length > 450 || !/^["“„«'‘]/.test(raw)) continue;
    const text = clean(el.innerText);
    if (QUOTED.test(text) && !found.some((item) => item.el.contains(el))) add(el, "testimonial", clean(text, 160));
  }

  // Star icons are empty elements in a row: the row (3+ icons under one parent) is the rating.
  const starIcons = [...doc.querySelectorAll("[class]")].filter(
    (el) => el.children.length === 0 && STAR_ICON.test(classOf(el)),
  );
  for (const parent of uniqueInOrder(starIcons.map((el) => el.parentElement).filter(Boolean))) {
    const icons = starIcons.filter((el) => el.parentElement === parent).length;
    if (icons < 3) continue;
    const label = clean(parent.getAttribute("aria-label") || parent.innerText, 80);
    add(parent, "rating", label || `${icons} star icons`);
  }
  for (const el of doc.querySelectorAll("[itemprop=ratingValue], [itemprop=aggregateRating], [class*=rating i]")) {
    if (!found.some((item) => item.kind === "rating" && (item.el.contains(el) || el.contains(item.el)))) {
      add(el, "rating", clean(el.getAttribute("aria-label") || el.innerText, 80) || "rating");
    }
  }
  for (const el of textElements(RATING_TEXT)) add(el, "rating", clean(el.innerText, 80));

  for (const el of doc.querySelectorAll("[itemprop=review], [itemtype*=Review]")) add(el, "review", clean(el.innerText, 160));
  for (const el of textElements(REVIEW_TEXT)) add(el, "review", clean(el.innerText, 80));

  for (const strip of logoStrips()) {
    add(strip, "client_logos", `${strip.querySelectorAll("img, svg").length} logos`);
  }
  for (const el of textElements(GUARANTEE)) add(el, "guarantee", clean(el.innerText, 120));

  for (const img of doc.querySelectorAll("img")) {
    const words = lower([img.getAttribute("alt"), img.getAttribute("src"), classOf(img)].join(" "));
    if (SECURITY_IMAGE.test(words)) add(img, "security_badge", clean(img.getAttribute("alt") || img.getAttribute("src"), 80));
  }
  for (const el of textElements(SECURITY_TEXT)) add(el, "security_badge", clean(el.innerText, 80));

  for (const el of doc.querySelectorAll("a[href^='tel:' i], a[href^='mailto:' i], address")) {
    add(el, "contact", clean(el.innerText || el.getAttribute("href"), 80));
  }

  found.sort((a, b) => byDocumentOrder(a.el, b.el) || a.kind.localeCompare(b.kind));
  return found.slice(0, limit).map((item, index) => ({ ...base(item.el, `trust-${index + 1}`), kind: item.kind, text: item.text }));
}
