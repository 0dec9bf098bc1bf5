// CTAs and controls. Each button, button-like input, [role=button|switch|tab], switch checkbox and link is a
// control (it operates the page), a call to action (it asks the visitor to act), or neither (a text link).
//
// Controls, by mechanism: skip links ("skip to content" to an in-page anchor); close buttons (data-dismiss,
// close classes, a close/× name); carousel dots and arrows (owl, slick, swiper, Bootstrap carousel, glide,
// splide, flickity classes or their dot/arrow containers, data-(bs-)slide(-to), role=tab in a slides
// tablist, "Go to slide 3", "Previous", an arrow glyph); menu toggles (hamburger/menu-toggle/nav-toggle
// classes, offcanvas toggles, a toggle whose aria-controls/target is the navigation, a "menu" name);
// switches (role=switch, aria-pressed, aria-checked, switch checkboxes, then switch/toggle classes);
// disclosures (aria-expanded, collapse/dropdown/tab toggles, role=tab); other (a toggle button, "search");
// and icon-only buttons and links: no letter or digit in their visible text (a glyph font <i class="bx
// bx-...">, an SVG, "‹"), so there is no label to judge, whatever they do; image CTAs (badges) excepted.
// Controls never feed the CTA rules; they count as tap targets and need an accessible name.
//
// Calls to action: <button>, submit/button/image inputs, role=button, and links that look like buttons by
// their computed style (a background or a full border distinct from their surroundings, with padding, or a
// btn/button/cta class with some of that), or image links such as app-store badges (an image and no text,
// whose alt/src/class/label/href says store, badge, download, buy, sign up, ...). Social-profile/share
// links are not asks. A link or button whose own box is no button (or a card: blocks inside, a long text)
// but holds exactly one shown short-text descendant that looks like one (a pricing card's <a> around a
// styled <span>Install now</span>) is a CTA measured on that descendant, its face: the text, box and
// colours a visitor sees as the button.

const BUTTON_CLASS = /(^|[\s_-])(btn|button|cta)([\s_-]|$)/;
const STORE_WORDS =
  /app[-_ ]?store|google[-_ ]?play|play\.google|apps\.apple|badge|download|get[-_ ]?it|install|buy|order|shop|sign[-_ ]?up|register|subscribe|book|start|trial|try|demo|quote|cta|button/;
const SOCIAL_WORDS =
  /(^|[^a-z])(twitter|facebook|linkedin|instagram|youtube|tiktok|pinterest|github|social|share)([^a-z]|$)/;
const NOT_CTA_IMAGE_WORDS =
  /logo|brand|avatar|thumbnail|portfolio|gallery|facebook|twitter|instagram|linkedin|youtube|tiktok|pinterest/;

const SKIP_WORDS = /^skip (to|navigation|nav|main|content|over)/;
const CLOSE_CLASS = /(^|[\s_-])(close|btn-close|modal-close|dismiss)([\s_-]|$)/;
const CLOSE_WORDS = /^(close|dismiss|close (dialog|modal|banner|popup|message|notice|this)|×|✕|✖|x)$/;
const CAROUSEL_CLASS =
  /owl-(dot|prev|next)|slick-(dot|prev|next|arrow)|swiper-(button|pagination-bullet)|carousel-(control|indicator)|glide__(arrow|bullet)|splide__(arrow|pagination__page)|flickity-(button|page-dot)|slider-(dot|arrow|nav)|slide-(dot|arrow)/;
const CAROUSEL_PARTS =
  ".owl-dots, .owl-nav, .slick-dots, .swiper-pagination, .carousel-indicators, .glide__bullets, .glide__arrows, .splide__pagination, .splide__arrows, .flickity-page-dots";
const CAROUSEL_WORDS =
  /^((go to |show )?(slide|item) \d+( of \d+)?|(previous|next|prev)( slide| item)?|[‹›<>«»←→❮❯])$/;
const SLIDE_ATTRIBUTES = ["data-bs-slide", "data-bs-slide-to", "data-slide", "data-slide-to"];
const CAROUSEL_ROLE = /carousel|slide/;
const MENU_CLASS =
  /hamburger|burger|menu-?toggle|toggle-?menu|nav-?toggle|navbar-toggler|menu-?(btn|button|icon|trigger|open)|offcanvas-?toggle/;
const MENU_WORDS = /^((open|close|toggle|show) )?((main|mobile|site) )?(menu|navigation|nav)( menu)?$/;
const DISCLOSURE_CLASS = /dropdown-toggle|accordion-(button|toggle|header)|collapse-toggle/;
const SWITCH_CLASS = /(^|[\s_-])(switch|toggle|toggler)([\s_-]|$)/;
const OTHER_WORDS = /^(search|toggle|open search|close search)$/;

// What the element shows; for one not shown now (a closed dropdown's link), what it would show.
function shownText(el) {
  if (el.tagName === "INPUT") return String(el.value || "");
  return isVisible(el, boxOf(el)) ? el.innerText || "" : el.textContent || "";
}

function accessibleText(el) {
  const own = clean(el.innerText || el.textContent, 150);
  if (own) return own;
  const label = clean(el.getAttribute("aria-label"), 150) || textById(el.getAttribute("aria-labelledby"));
  if (label) return clean(label, 150);
  if (el.tagName === "INPUT") return clean(el.value || el.getAttribute("alt"), 150);
  const img = el.querySelector("img[alt]");
  if (img && clean(img.alt)) return clean(img.alt, 150);
  return clean(el.getAttribute("title"), 150);
}

const BUTTON_INPUT = /^(submit|button|reset)$/;

// A button input is named by its value, an image input by its alt; a checkbox's value ("on") is no name.
function inputName(el) {
  const type = lower(el.type);
  if (type === "image") return clean(el.getAttribute("alt"));
  return BUTTON_INPUT.test(type) ? clean(el.value) : "";
}

// What assistive technology would announce, leniently (accessible name computation, simplified): a false
// "no name" costs more than a missed one, so any label of an icon's parts counts.
function accessibleName(el) {
  const named =
    textById(el.getAttribute("aria-labelledby")) ||
    clean(el.getAttribute("aria-label")) ||
    (el.tagName === "INPUT" ? inputName(el) : clean(el.innerText));
  if (named) return clean(named, 150);
  for (const part of el.querySelectorAll("[aria-label], [title], img[alt], svg title")) {
    if (part.closest("[aria-hidden=true]") && !el.closest("[aria-hidden=true]")) continue;
    const text =
      lower(part.tagName) === "title"
        ? part.textContent
        : part.getAttribute("aria-label") || part.getAttribute("title") || part.getAttribute("alt");
    if (clean(text)) return clean(text, 150);
  }
  const labels = el.labels ? [...el.labels].map((label) => label.innerText).join(" ") : "";
  return clean(labels || el.getAttribute("title"), 150);
}

function looksLikeButton(el) {
  const cs = style(el);
  const padX = parseFloat(cs.paddingLeft) + parseFloat(cs.paddingRight);
  const padY = parseFloat(cs.paddingTop) + parseFloat(cs.paddingBottom);
  const background = parseColor(cs.backgroundColor);
  const surroundings = el.parentElement ? effectiveBackground(el.parentElement) : null;
  const ownBackground =
    background.a > 0.1 && (!surroundings || colorDistance(over(background, surroundings), surroundings) > 24);
  const gradient = /gradient/.test(cs.backgroundImage);
  const border = ["Top", "Right", "Bottom", "Left"].every(
    (side) =>
      parseFloat(cs[`border${side}Width`]) >= 1 &&
      cs[`border${side}Style`] !== "none" &&
      parseColor(cs[`border${side}Color`]).a > 0.1,
  );
  const shaped = ownBackground || gradient || border;
  if (shaped && padX >= 12 && padY >= 4) return true;
  return BUTTON_CLASS.test(classOf(el)) && (shaped || padX >= 12);
}

// A button label is a few words; a descendant holding a card's whole text is not a button face.
const FACE_MAX_CHARS = 40;
const FACE_MAX_WORDS = 6;
const FACE_SCAN = 60;

const shortLabel = (text) =>
  HAS_WORD.test(text) && text.length <= FACE_MAX_CHARS && text.split(" ").length <= FACE_MAX_WORDS;

// Blocks inside (a heading, a price, a paragraph) make a card of it; a button's content runs inline.
const laysOutBlocks = (el) =>
  [...el.children].some((child) => !/^(inline|contents|none)/.test(style(child).display));

// The element a visitor sees as the button: `el` itself when it looks like one and holds a label; else,
// for a card (a tinted or bordered box itself, of blocks or a long text), its one short-text descendant
// that looks like a button and is shown (the outermost, when styled boxes nest); else `el` if it looks like
// a button at all; null when nothing does, or when several descendants do.
function buttonFace(el) {
  const shaped = looksLikeButton(el);
  if (shaped && shortLabel(clean(el.innerText)) && !laysOutBlocks(el)) return el;
  const faces = [];
  let scanned = 0;
  for (const node of el.querySelectorAll("*")) {
    if (faces.length > 1 || (scanned += 1) > FACE_SCAN) break;
    if (faces.some((face) => face.contains(node))) continue;
    // A caption shown on hover is no button: a face is visible.
    if (shortLabel(clean(node.innerText)) && looksLikeButton(node) && isVisible(node, boxOf(node))) faces.push(node);
  }
  if (faces.length === 1) return faces[0];
  return shaped && !faces.length ? el : null;
}

function isImageLink(el) {
  const image = el.querySelector("img, svg, picture, [role=img]");
  if (!image || clean(el.innerText).length > 2) return false;
  const img = image.tagName === "IMG" ? image : image.querySelector("img");
  const words = lower(
    [
      img && img.getAttribute("alt"),
      img && img.getAttribute("src"),
      classOf(image),
      classOf(el),
      el.getAttribute("aria-label"),
      image.getAttribute && image.getAttribute("aria-label"),
      el.getAttribute("title"),
      el.getAttribute("href"),
    ].join(" "),
  );
  if (NOT_CTA_IMAGE_WORDS.test(words)) return false;
  return STORE_WORDS.test(words);
}

// An image button or link that says what it is in its image (a "Buy with PayPal" button, a store badge).
function isImageCta(el) {
  if (el.tagName === "INPUT") return lower(el.type) === "image";
  if (el.tagName === "A") return isImageLink(el);
  return [...el.querySelectorAll("img[alt]")].some((img) => HAS_WORD.test(img.alt));
}

function deadReason(el) {
  const raw = el.getAttribute("href");
  if (raw === null || raw.trim() === "") return "empty_href";
  const href = raw.trim();
  if (/^javascript:/i.test(href)) return "javascript_href";
  if (/^#!?\/?$/.test(href)) return "hash_only";
  let url;
  try {
    url = new URL(href, doc.baseURI);
  } catch (error) {
    // "http://" and "https://" parse as nothing: a web address without a host.
    return /^https?:/i.test(href) ? "no_host" : null;
  }
  if (/^https?:$/.test(url.protocol) && !url.hostname) return "no_host";
  const here = new URL(location.href);
  if (!url.hash || url.origin !== here.origin || url.pathname !== here.pathname || url.search !== here.search) {
    return null;
  }
  let anchor = url.hash.slice(1);
  try {
    anchor = decodeURIComponent(anchor);
  } catch (error) {
    // keep it encoded
  }
  if (lower(anchor) === "top" || doc.getElementById(anchor) || doc.getElementsByName(anchor).length) return null;
  return "missing_anchor";
}

// The element a toggle shows or hides, by aria-controls, data-(bs-)target or an in-page href.
function toggleTarget(el) {
  const ref = el.getAttribute("aria-controls") || el.getAttribute("data-bs-target") || el.getAttribute("data-target");
  const id = ref ? ref.trim().replace(/^#/, "").split(/\s+/)[0] : (el.getAttribute("href") || "").replace(/^#/, "");
  return id ? doc.getElementById(id) : null;
}

function togglesNavigation(el) {
  const target = toggleTarget(el);
  if (!target) return false;
  if (target.matches("nav, [role=navigation]") || target.querySelector("nav, [role=navigation]")) return true;
  return /nav|menu/.test(lower(target.id) + " " + classOf(target));
}

function isSwitchCheckbox(el) {
  if (el.tagName !== "INPUT" || lower(el.type) !== "checkbox") return false;
  if (lower(el.getAttribute("role")) === "switch") return true;
  return !!el.closest(".form-switch, .custom-switch, [class*=switch i], [class*=toggle i]");
}

// The control's kind, or null when it is no control.
function controlKind(el) {
  const cls = classOf(el);
  const role = lower(el.getAttribute("role"));
  const name = lower(accessibleName(el));
  const toggle = lower(el.getAttribute("data-bs-toggle") || el.getAttribute("data-toggle"));
  const href = el.getAttribute("href") || "";
  // A link named "Menu" may lead to a restaurant's menu, one named "X" to a profile on X: by name, only
  // what goes nowhere else is a toggle or a close button.
  const local = el.tagName !== "A" || /^(#.*|javascript:.*|)$/i.test(href.trim());
  if (el.tagName === "A" && SKIP_WORDS.test(name) && /^#./.test(href)) return "skip_link";
  if (el.hasAttribute("data-bs-dismiss") || el.hasAttribute("data-dismiss") || CLOSE_CLASS.test(cls)) return "close";
  if (local && CLOSE_WORDS.test(name)) return "close";
  if (CAROUSEL_CLASS.test(cls) || el.closest(CAROUSEL_PARTS) || CAROUSEL_WORDS.test(name)) return "carousel";
  if (SLIDE_ATTRIBUTES.some((attribute) => el.hasAttribute(attribute))) return "carousel";
  const tablist = role === "tab" ? el.closest("[role=tablist]") : null;
  if (tablist && CAROUSEL_ROLE.test(lower(tablist.getAttribute("aria-roledescription")) + classOf(tablist))) {
    return "carousel";
  }
  if (MENU_CLASS.test(cls) || toggle === "offcanvas" || (local && MENU_WORDS.test(name))) return "menu_toggle";
  if ((el.hasAttribute("aria-expanded") || toggle === "collapse") && togglesNavigation(el)) return "menu_toggle";
  if (role === "switch" || el.hasAttribute("aria-pressed") || el.hasAttribute("aria-checked") || isSwitchCheckbox(el)) {
    return "switch";
  }
  if (el.hasAttribute("aria-expanded") || /collapse|dropdown|tab|pill/.test(toggle)) return "disclosure";
  if (role === "tab" || DISCLOSURE_CLASS.test(cls)) return "disclosure";
  if (SWITCH_CLASS.test(cls)) return "switch";
  if (toggle === "button" || OTHER_WORDS.test(name)) return "other";
  if (!HAS_WORD.test(shownText(el)) && !isImageCta(el)) return "icon_button";
  return null;
}

// The CTA's kind and face, or null when it asks nothing.
function ctaOf(el) {
  const tag = el.tagName;
  if (tag === "INPUT") {
    return { kind: /^(submit|image)$/.test(lower(el.type)) ? "submit" : "button", face: el };
  }
  if (tag === "A") {
    const words = lower([classOf(el), el.getAttribute("aria-label"), el.getAttribute("href")].join(" "));
    if (SOCIAL_WORDS.test(words)) return null;
    const face = buttonFace(el);
    if (face) return { kind: "link_button", face };
    if (isImageLink(el)) return { kind: "image_link", face: el };
    return el.getAttribute("role") === "button" ? { kind: "button", face: el } : null;
  }
  const type = lower(el.getAttribute("type"));
  const submit = tag === "BUTTON" && (type === "submit" || (!type && el.form));
  return { kind: submit ? "submit" : "button", face: buttonFace(el) || el };
}

// A switch checkbox is usually hidden behind its styled label: the label is what a visitor taps.
function controlBox(el) {
  if (el.tagName !== "INPUT" || isVisible(el, boxOf(el))) return el;
  const label = (el.labels && el.labels[0]) || el.closest("label");
  return label || el;
}

function ctaFacts(el, kind, face, index) {
  const id = `cta-${index + 1}`;
  const item = base(face, id);
  if (!ids.has(el)) ids.set(el, id);
  const cs = style(face);
  const bg = effectiveBackground(face);
  // An image link or image button has no text whose colour would mean anything.
  const textless = kind === "image_link" || (el.tagName === "INPUT" && lower(el.type) === "image");
  const fg = textless ? null : parseColor(cs.color);
  const fgOnBg = fg && bg ? over(fg, bg) : null;
  const isLink = el.tagName === "A";
  const weight = parseInt(cs.fontWeight, 10);
  return {
    ...item,
    kind,
    text: face === el ? accessibleText(el) : clean(face.innerText, 150),
    href: isLink && el.hasAttribute("href") ? String(el.href || el.getAttribute("href")).slice(0, 500) : null,
    dead_reason: isLink ? deadReason(el) : null,
    in_nav: !!el.closest("nav, [role=navigation], .navbar"),
    in_form: !!(el.form || el.closest("form")),
    fg_color: fg ? colorText(fg) : null,
    bg_color: bg ? colorText(bg) : null,
    contrast_ratio: fgOnBg ? contrast(fgOnBg, bg) : null,
    font_size_px: fontSize(face),
    font_weight: Number.isFinite(weight) ? weight : null,
  };
}

function controlFacts(el, kind, index) {
  const id = `ctl-${index + 1}`;
  const item = base(controlBox(el), id);
  if (!ids.has(el)) ids.set(el, id);
  return { ...item, kind, name: accessibleName(el) };
}

// Both lists at once, in document order: what is inside an accepted CTA or control is part of it.
function collectCtasAndControls() {
  const candidates = doc.querySelectorAll(
    "a, button, input[type=submit], input[type=button], input[type=image], input[type=checkbox], " +
      "[role=button], [role=switch], [role=tab]",
  );
  const ctas = [];
  const controls = [];
  const accepted = [];
  for (const el of candidates) {
    if (ctas.length >= limit && controls.length >= limit) break;
    if (accepted.some((other) => other.contains(el))) continue;
    if (el.tagName === "INPUT" && lower(el.type) === "checkbox" && !isSwitchCheckbox(el)) continue;
    const kind = controlKind(el);
    if (kind) {
      if (controls.length < limit) controls.push({ el, kind });
      accepted.push(el);
      continue;
    }
    const cta = ctaOf(el);
    if (!cta) continue;
    if (ctas.length < limit) ctas.push({ el, ...cta });
    accepted.push(el);
  }
  return {
    ctas: ctas.map(({ el, kind, face }, index) => ctaFacts(el, kind, face, index)),
    controls: controls.map(({ el, kind }, index) => controlFacts(el, kind, index)),
  };
}
