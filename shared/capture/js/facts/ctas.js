// Calls to action: <button>, submit/button/image inputs, role=button, and links that look like buttons by
// their computed style (a background or a full border distinct from their surroundings, with padding, or a
// btn/button/cta class with some of that), or image links such as app-store badges (an image and no text,
// whose alt/src/class/label/href says store, badge, download, buy, sign up, ...). Menu toggles, close
// buttons and carousel arrows are controls, and social-profile/share links are not asks: all are left out.

const BUTTON_CLASS = /(^|[\s_-])(btn|button|cta)([\s_-]|$)/;
const CONTROL_WORDS = /^(close|dismiss|menu|toggle( navigation)?|open menu|previous|next|prev|search|×|✕|x)$/;
const STORE_WORDS =
  /app[-_ ]?store|google[-_ ]?play|play\.google|apps\.apple|badge|download|get[-_ ]?it|install|buy|order|shop|sign[-_ ]?up|register|subscribe|book|start|trial|try|demo|quote|cta|button/;
const SOCIAL_WORDS =
  /(^|[^a-z])(twitter|facebook|linkedin|instagram|youtube|tiktok|pinterest|github|social|share)([^a-z]|$)/;
const NOT_CTA_IMAGE_WORDS =
  /logo|brand|avatar|thumbnail|portfolio|gallery|facebook|twitter|instagram|linkedin|youtube|tiktok|pinterest/;

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

function isControl(el) {
  if (el.hasAttribute("aria-expanded")) return true;
  const toggle = lower(el.getAttribute("data-bs-toggle") || el.getAttribute("data-toggle"));
  if (/collapse|dropdown|tab|pill|offcanvas|button/.test(toggle)) return true;
  if (/navbar-toggler|btn-close|carousel-control|slick-(prev|next|arrow)|swiper-button/.test(classOf(el))) return true;
  if (el.getAttribute("data-bs-dismiss") || el.getAttribute("data-dismiss")) return true;
  return CONTROL_WORDS.test(lower(accessibleText(el)));
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
    return null;
  }
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

function ctaKind(el) {
  const tag = el.tagName;
  if (tag === "INPUT") return /^(submit|image)$/.test(lower(el.type)) ? "submit" : "button";
  if (tag === "BUTTON") {
    const type = lower(el.getAttribute("type"));
    return type === "submit" || (!type && el.form) ? "submit" : "button";
  }
  if (tag === "A") {
    const words = lower([classOf(el), el.getAttribute("aria-label"), el.getAttribute("href")].join(" "));
    if (SOCIAL_WORDS.test(words)) return null;
    if (looksLikeButton(el)) return "link_button";
    if (isImageLink(el)) return "image_link";
    return el.getAttribute("role") === "button" ? "button" : null;
  }
  return "button";
}

function collectCtas() {
  const candidates = doc.querySelectorAll(
    "button, input[type=submit], input[type=button], input[type=image], [role=button], a",
  );
  const accepted = [];
  for (const el of candidates) {
    if (accepted.length >= limit) break;
    if (accepted.some((other) => other.el.contains(el))) continue;
    const kind = ctaKind(el);
    if (!kind || isControl(el)) continue;
    accepted.push({ el, kind });
  }
  return accepted.map(({ el, kind }, index) => {
    const item = base(el, `cta-${index + 1}`);
    const cs = style(el);
    const bg = effectiveBackground(el);
    // An image link or image button has no text whose colour would mean anything.
    const textless = kind === "image_link" || (el.tagName === "INPUT" && lower(el.type) === "image");
    const fg = textless ? null : parseColor(cs.color);
    const fgOnBg = fg && bg ? over(fg, bg) : null;
    const isLink = el.tagName === "A";
    const weight = parseInt(cs.fontWeight, 10);
    return {
      ...item,
      kind,
      text: accessibleText(el),
      href: isLink && el.hasAttribute("href") ? String(el.href || el.getAttribute("href")).slice(0, 500) : null,
      dead_reason: isLink ? deadReason(el) : null,
      in_nav: !!el.closest("nav, [role=navigation], .navbar"),
      in_form: !!(el.form || el.closest("form")),
      fg_color: fg ? colorText(fg) : null,
      bg_color: bg ? colorText(bg) : null,
      contrast_ratio: fgOnBg ? contrast(fgOnBg, bg) : null,
      font_size_px: fontSize(el),
      font_weight: Number.isFinite(weight) ? weight : null,
    };
  });
}
