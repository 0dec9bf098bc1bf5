// The first view's offer: the site's logo, the largest blocks of text a visitor sees first (the headline
// candidates; the rules pick the headline among them) and the prices shown there.
//
// The brand zone names the site, never the offer, so its text is no headline candidate: the logo, a link
// to the home page, the site navigation, and the site header bar (a <header> or role=banner outside
// article/aside/main/section, holding the navigation or a logo, no taller than SITE_HEADER_SHARE of the
// viewport; a taller one, or one with neither, is a hero "masthead" and its text is page content). The logo
// is the first .logo/.navbar-brand/.brand/... element in the site header or navigation, else one near the
// top of the page.
//
// A text block is the nearest heading around a text node, else its nearest non-inline ancestor, so
// `<h1>Welcome to <span>Acme</span></h1>` is one block; it is measured by its largest text. Blocks inside
// buttons, form controls, labels, links (a link's text is a CTA, unless it sits in a heading) or
// aria-hidden decoration are left out, and so is text without a word of two letters ("24/7", "$49").

// A header bar holds a logo and a menu (60-130 px in the templates seen); a taller header holds a hero, and
// its title is content even beside the navigation.
const SITE_HEADER_SHARE = 0.25;
const LOGO_NEAR_TOP_SHARE = 0.2;
const FIRST_VIEW_BLOCKS = 8;
const NAVISH = "nav, [role=navigation], .navbar";
const LOGO_SELECTOR =
  ".logo, .site-logo, .navbar-brand, .brand, .site-title, .site-name, .site-branding, [itemprop=logo], [rel~=home], [class*=logo i]";
const HOME_PATH = /^\/(index\.(html?|php|aspx?))?$/i;
const TOP_HASH = /^#?(top|page-top|home|hero)?$/i;
const NOT_HEADLINE = "button, select, textarea, label, option, [role=button], [aria-hidden=true]";
const WORD = /\p{L}{2}/u;
// Tag names are page-authored (custom and unknown elements take any name): only these are reported as is.
const TEXT_TAGS =
  /^(h[1-6]|p|div|span|a|b|strong|em|i|small|big|mark|q|cite|time|font|center|li|dt|dd|td|th|caption|blockquote|figcaption|legend|summary|address|pre|section|article|header|footer|main|aside|hgroup)$/;
// Currency before or after the amount; short texts only, so a sentence mentioning "$5 million" is no price.
const PRICE =
  /([$€£¥₹]|\b(USD|EUR|GBP|CHF|CAD|AUD|JPY|kr|zł|Kč)\b)\s?\d[\d.,\u00a0 ]*|\d[\d.,]*\s?([$€£¥₹]|\b(USD|EUR|GBP|CHF|CAD|AUD|JPY|kr|zł|Kč)\b)/;
const PRICE_CHARS = 40;

function siteHeader(el) {
  const header = el.closest("header, [role=banner]");
  if (!header || (header.parentElement && header.parentElement.closest("article, aside, main, section"))) return null;
  if (header.getBoundingClientRect().height > SITE_HEADER_SHARE * foldHeight) return null;
  return header.querySelector(`${NAVISH}, ${LOGO_SELECTOR}`) ? header : null;
}

function isHomeLink(a) {
  let url;
  try {
    url = new URL(a.getAttribute("href"), doc.baseURI);
  } catch (error) {
    return false;
  }
  const here = new URL(location.href);
  if (url.origin !== here.origin || url.search || !TOP_HASH.test(url.hash)) return false;
  const folder = here.pathname.replace(/[^/]*$/, "");
  return HOME_PATH.test(url.pathname) || url.pathname === here.pathname || url.pathname === folder ||
    HOME_PATH.test("/" + url.pathname.slice(folder.length));
}

let siteLogoFound;
function siteLogo() {
  if (siteLogoFound !== undefined) return siteLogoFound;
  const all = [...doc.querySelectorAll(LOGO_SELECTOR)].filter((el) => el.getBoundingClientRect().height > 0);
  siteLogoFound =
    all.find((el) => el.closest(NAVISH) || siteHeader(el)) ||
    all.find((el) => {
      const r = el.getBoundingClientRect();
      return r.top + scrollY < LOGO_NEAR_TOP_SHARE * foldHeight && r.height < SITE_HEADER_SHARE * foldHeight;
    }) ||
    null;
  return siteLogoFound;
}

function inBrandZone(el) {
  const logo = siteLogo();
  if (logo && (logo.contains(el) || el.contains(logo))) return true;
  const link = el.closest("a[href]");
  if (link && isHomeLink(link)) return true;
  return !!(el.closest(NAVISH) || siteHeader(el));
}

function collectLogo() {
  const el = siteLogo();
  if (!el) return null;
  const img = el.tagName === "IMG" ? el : el.querySelector("img[alt]");
  const text = [el.innerText, el.getAttribute("aria-label"), img && img.getAttribute("alt"), el.getAttribute("title")]
    .map((value) => clean(value, 80))
    .find((value) => WORD.test(value));
  return { ...base(el, "logo-1"), text: text || "" };
}

function textBlock(parent) {
  const heading = parent.closest(HEADING);
  if (heading) return heading;
  let el = parent;
  while (el !== body && el.parentElement && /^(inline|contents)/.test(style(el).display)) el = el.parentElement;
  return el;
}

function inFirstView(box) {
  return box.y < foldHeight && box.y + box.h > 0 && box.x < viewWidth && box.x + box.w > 0;
}

function collectTextBlocks() {
  const blocks = new Map();
  const walker = doc.createTreeWalker(body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || /^(SCRIPT|STYLE|NOSCRIPT|TEMPLATE)$/.test(parent.tagName) || !WORD.test(node.data)) continue;
    const block = textBlock(parent);
    let info = blocks.get(block);
    if (info === undefined) {
      const box = boxOf(block);
      const excluded =
        !inFirstView(box) || !isVisible(block, box) || !!block.closest(NOT_HEADLINE) || inBrandZone(block);
      info = excluded ? null : { el: block, box, heading: block.matches(HEADING), size: 0, weight: null };
      blocks.set(block, info);
    }
    if (!info || parent.closest(NOT_HEADLINE) || (parent.closest("a") && !info.heading)) continue;
    const size = parseFloat(style(parent).fontSize) || 0;
    if (size > info.size) {
      const weight = parseInt(style(parent).fontWeight, 10);
      info.size = size;
      info.weight = Number.isFinite(weight) ? weight : null;
    }
  }
  const ranked = [...blocks.values()]
    .filter((info) => info && info.size > 0 && WORD.test(info.el.innerText || ""))
    .sort((a, b) => b.size - a.size || (b.weight || 0) - (a.weight || 0) || a.box.y - b.box.y);
  return ranked.slice(0, Math.min(limit, FIRST_VIEW_BLOCKS)).map((info, index) => ({
    ...base(info.el, `text-${index + 1}`),
    tag: TEXT_TAGS.test(lower(info.el.tagName)) ? lower(info.el.tagName) : "element",
    level: info.heading ? headingLevel(info.el) : null,
    text: clean(info.el.innerText || info.el.textContent, 300),
    font_size_px: round(info.size),
    font_weight: info.weight,
  }));
}

function collectPrices() {
  const found = [];
  const walker = doc.createTreeWalker(body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node && found.length < limit; node = walker.nextNode()) {
    const parent = node.parentElement;
    const text = clean(node.data);
    if (!parent || text.length > PRICE_CHARS || !PRICE.test(text) || found.some((item) => item.el === parent)) continue;
    if (/^(SCRIPT|STYLE|NOSCRIPT|TEMPLATE|OPTION)$/.test(parent.tagName)) continue;
    const box = boxOf(parent);
    if (inFirstView(box) && isVisible(parent, box)) found.push({ el: parent, text });
  }
  return found.map((item, index) => ({ ...base(item.el, `price-${index + 1}`), text: item.text }));
}

function collectFirstView() {
  return { logo: collectLogo(), text_blocks: collectTextBlocks(), prices: collectPrices() };
}
