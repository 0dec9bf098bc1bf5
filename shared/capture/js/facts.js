// What a page shows a visitor, measured in one pass. Evaluated as a function of `options`:
//   { deviceWidth, deviceHeight, maxElements, excerptChars }
// Returns plain JSON shaped like shared/models/facts.py (snake_case keys).
//
// Order matters: overlays covering the first viewport are measured first, then hidden with inline
// `display: none !important` (no attribute or node is added anywhere else), and everything else is
// measured beneath them. Ids (`<kind>-<n>`) number the elements of a kind in document order, so the same
// DOM gives the same ids. The element -> id map stays in a non-enumerable symbol property of `window`, for
// the axe step to name its nodes and for a later re-read of images; nothing in the DOM marks them.
//
// Heuristics (documented here, where they live):
// - CTA: <button>, submit/button/image inputs, role=button, and links that look like buttons by their
//   computed style (a background or a full border distinct from their surroundings, with padding, or a
//   btn/button/cta class with some of that), or image links such as app-store badges (an image and no
//   text, whose alt/src/class/label/href says store, badge, download, buy, sign up, ...). Menu toggles,
//   close buttons and carousel arrows are controls, and social-profile/share links are not asks: all
//   are left out.
// - Trust: testimonial = blockquote, a testimonial/quote class, or a short text wholly in quotation
//   marks; rating = a row of 3+ star icons (their parent), rating classes, "4.8 out of 5", runs of ★;
//   review = review markup or "123 reviews"; client_logos = a container of 3+ logo-like images (logo,
//   client, partner, brand in src/alt/class/label) or of 3+ images under a "trusted by / clients /
//   partners / as seen in" heading; guarantee = money-back, guarantee, risk-free, free returns, cancel
//   anytime, warranty; security_badge = secure/SSL/PCI/Norton/McAfee/Trustpilot/verified images or
//   "secure checkout", "256-bit", "encrypted"; contact = tel:/mailto: links and <address>.
// - Overlay: a fixed element (also sticky when its words say cookie/newsletter/dialog, or a large
//   absolute one with such words and some text) intersecting the first viewport, not the site header or
//   navigation; without telling words it must cover 25% of the viewport and sit above the page
//   (z-index > 0). Kind by words in id/class/role/label/text: cookie_banner, chat, newsletter, modal,
//   else other.
(options) => {
  "use strict";
  const STATE = Symbol.for("cro-analyzer.capture");
  const doc = document;
  const body = doc.body || doc.documentElement;
  const foldHeight = window.innerHeight;
  const viewWidth = window.innerWidth;
  const scrollX = window.scrollX;
  const scrollY = window.scrollY;
  const limit = options.maxElements;
  const ids = new Map();

  // ---------------------------------------------------------------------------------------------- utils
  const round = (value) => Math.round(value * 10) / 10;
  const clean = (text, max) => {
    const collapsed = String(text || "").replace(/\s+/g, " ").trim();
    return max && collapsed.length > max ? collapsed.slice(0, max - 1) + "…" : collapsed;
  };
  const lower = (value) => String(value || "").toLowerCase();
  const classOf = (el) => lower(typeof el.className === "string" ? el.className : el.getAttribute("class"));
  const styleCache = new Map();
  const style = (el) => {
    let cs = styleCache.get(el);
    if (!cs) {
      cs = getComputedStyle(el);
      styleCache.set(el, cs);
    }
    return cs;
  };
  const byDocumentOrder = (a, b) => {
    if (a === b) return 0;
    return a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1;
  };
  const uniqueInOrder = (elements) => [...new Set(elements)].sort(byDocumentOrder);

  function boxOf(el) {
    const r = el.getBoundingClientRect();
    return { x: round(r.left + scrollX), y: round(r.top + scrollY), w: round(r.width), h: round(r.height) };
  }

  function isVisible(el, box) {
    if (box.w * box.h <= 4) return false;
    if (box.x + box.w <= 0 || box.y + box.h <= 0) return false;
    return el.checkVisibility({ opacityProperty: true, visibilityProperty: true });
  }

  function base(el, id) {
    const box = boxOf(el);
    const visible = isVisible(el, box);
    // An element can be a CTA and a trust signal (a tel: button): it keeps its first id.
    if (!ids.has(el)) ids.set(el, id);
    return { id, box, visible, above_fold: visible && box.y < foldHeight && box.y + box.h > 0 };
  }

  function fontSize(el) {
    const size = parseFloat(style(el).fontSize);
    return Number.isFinite(size) ? round(size) : null;
  }

  function textById(idrefs) {
    return clean(
      String(idrefs || "")
        .split(/\s+/)
        .map((ref) => ref && doc.getElementById(ref))
        .filter(Boolean)
        .map((node) => node.innerText || node.textContent)
        .join(" "),
    );
  }

  // ---------------------------------------------------------------------------------------------- colours
  const canvasContext = (() => {
    const canvas = doc.createElement("canvas");
    canvas.width = canvas.height = 1;
    return canvas.getContext("2d", { willReadFrequently: true });
  })();

  function parseColor(value) {
    const text = String(value || "").trim();
    const match = text.match(/^rgba?\(\s*([\d.]+)[,\s]+([\d.]+)[,\s]+([\d.]+)(?:\s*[,/]\s*([\d.]+%?))?\s*\)$/);
    if (match) {
      let alpha = match[4] === undefined ? 1 : parseFloat(match[4]);
      if (match[4] && match[4].endsWith("%")) alpha /= 100;
      return { r: +match[1], g: +match[2], b: +match[3], a: alpha };
    }
    if (!text || text === "transparent") return { r: 0, g: 0, b: 0, a: 0 };
    // Other notations (oklch, color(), hsl) are converted by painting one pixel.
    canvasContext.clearRect(0, 0, 1, 1);
    canvasContext.fillStyle = "#000";
    canvasContext.fillStyle = text;
    canvasContext.fillRect(0, 0, 1, 1);
    const [r, g, b, a] = canvasContext.getImageData(0, 0, 1, 1).data;
    return { r, g, b, a: a / 255 };
  }

  const over = (top, bottom) => {
    const a = top.a + bottom.a * (1 - top.a);
    if (a === 0) return { r: 0, g: 0, b: 0, a: 0 };
    const mix = (t, b) => (t * top.a + b * bottom.a * (1 - top.a)) / a;
    return { r: mix(top.r, bottom.r), g: mix(top.g, bottom.g), b: mix(top.b, bottom.b), a };
  };
  const colorText = (c) =>
    c.a >= 1
      ? `rgb(${Math.round(c.r)}, ${Math.round(c.g)}, ${Math.round(c.b)})`
      : `rgba(${Math.round(c.r)}, ${Math.round(c.g)}, ${Math.round(c.b)}, ${Math.round(c.a * 1000) / 1000})`;

  // The colour behind an element: its own and its ancestors' backgrounds composited down to the first
  // opaque one (the white canvas if none); null when an image or gradient is in the way.
  function effectiveBackground(el) {
    const layers = [];
    for (let node = el; node && node.nodeType === 1; node = node.parentElement) {
      const cs = style(node);
      if (cs.backgroundImage && cs.backgroundImage !== "none") return null;
      const color = parseColor(cs.backgroundColor);
      if (color.a > 0) {
        layers.push(color);
        if (color.a >= 1) break;
      }
    }
    let result = { r: 255, g: 255, b: 255, a: 1 };
    for (let i = layers.length - 1; i >= 0; i -= 1) result = over(layers[i], result);
    return result;
  }

  const luminance = (c) => {
    const channel = (v) => {
      const s = v / 255;
      return s <= 0.04045 ? s / 12.92 : Math.pow((s + 0.055) / 1.055, 2.4);
    };
    return 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
  };
  const contrast = (fg, bg) => {
    const [hi, lo] = [luminance(fg), luminance(bg)].sort((a, b) => b - a);
    return Math.round(((hi + 0.05) / (lo + 0.05)) * 100) / 100;
  };
  const colorDistance = (a, b) => Math.abs(a.r - b.r) + Math.abs(a.g - b.g) + Math.abs(a.b - b.b);

  // ---------------------------------------------------------------------------------------------- overlays
  const HEADERISH = "header, nav, [role=banner], [role=navigation], .navbar";
  const OVERLAY_KINDS = [
    ["cookie_banner", /cookie|consent|gdpr|ccpa|privacy (settings|choices|preferences)/],
    ["chat", /\bchat|intercom|drift|zendesk|livechat|crisp|tawk|hubspot-messages|messenger/],
    ["newsletter", /newsletter|subscribe|sign ?up for|mailing list|discount|coupon|\d+ ?% off/],
    // Not "overlay": themes use it for the tint over a hero image, which is page design, not a popup.
    ["modal", /modal|popup|pop-up|lightbox|dialog|interstitial|backdrop/],
  ];

  function overlayKind(el) {
    const words = lower(
      [el.id, classOf(el), el.getAttribute("role"), el.getAttribute("aria-label"), (el.innerText || "").slice(0, 400)].join(" "),
    );
    for (const [kind, pattern] of OVERLAY_KINDS) if (pattern.test(words)) return kind;
    if (el.matches("dialog, [role=dialog], [role=alertdialog], [aria-modal=true]")) return "modal";
    return "other";
  }

  function findOverlays() {
    const found = [];
    const viewportArea = viewWidth * foldHeight;
    for (const el of body.querySelectorAll("*")) {
      const cs = style(el);
      const position = cs.position;
      if (position !== "fixed" && position !== "sticky" && position !== "absolute") continue;
      if (found.some((overlay) => overlay.el.contains(el))) continue;
      const r = el.getBoundingClientRect();
      const w = Math.min(r.right, viewWidth) - Math.max(r.left, 0);
      const h = Math.min(r.bottom, foldHeight) - Math.max(r.top, 0);
      if (w <= 0 || h <= 0) continue;
      if (!el.checkVisibility({ opacityProperty: true, visibilityProperty: true })) continue;
      if (cs.pointerEvents === "none" && !el.innerText) continue;
      const coverage = Math.min(1, (w * h) / viewportArea);
      const kind = overlayKind(el);
      const headerish =
        el.matches(HEADERISH) || (!!el.querySelector("nav, [role=navigation]") && r.top <= 1 && coverage < 0.25);
      if (headerish && kind !== "cookie_banner") continue;
      const zIndex = parseInt(cs.zIndex, 10) || 0;
      let accepted;
      if (position === "fixed") accepted = kind !== "other" || (coverage >= 0.25 && zIndex > 0);
      else if (position === "sticky") accepted = kind === "cookie_banner" || kind === "newsletter" || kind === "modal";
      else accepted = kind !== "other" && coverage >= 0.5 && zIndex > 0 && !!clean(el.innerText);
      if (accepted) found.push({ el, kind, coverage });
    }
    found.sort((a, b) => byDocumentOrder(a.el, b.el));
    return found.slice(0, limit).map((overlay, index) => ({
      ...base(overlay.el, `overlay-${index + 1}`),
      kind: overlay.kind,
      coverage: Math.round(overlay.coverage * 1000) / 1000,
      text: clean(overlay.el.innerText, 300),
      el: overlay.el,
    }));
  }

  function hideOverlays(overlays) {
    for (const overlay of overlays) overlay.el.style.setProperty("display", "none", "important");
    if (!overlays.length) return;
    // Consent walls and modals lock scrolling on <html>/<body>; unlock it so the page beneath can be
    // scrolled for lazy content and captured whole.
    for (const root of [doc.documentElement, doc.body]) {
      if (root && /hidden|clip/.test(style(root).overflowY)) root.style.setProperty("overflow", "visible", "important");
    }
    styleCache.clear();
  }

  // ---------------------------------------------------------------------------------------------- headings
  function collectHeadings() {
    const elements = [...doc.querySelectorAll("h1, h2, h3, h4, h5, h6, [role=heading]")].slice(0, limit);
    return elements.map((el, index) => {
      const tagLevel = /^H([1-6])$/.exec(el.tagName);
      const ariaLevel = parseInt(el.getAttribute("aria-level"), 10);
      const level = tagLevel ? +tagLevel[1] : ariaLevel >= 1 && ariaLevel <= 6 ? ariaLevel : 2;
      return { ...base(el, `h-${index + 1}`), level, text: clean(el.innerText || el.textContent, 300), font_size_px: fontSize(el) };
    });
  }

  // ---------------------------------------------------------------------------------------------- CTAs
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

  // ---------------------------------------------------------------------------------------------- forms
  const NOT_FILLED = /^(hidden|submit|button|image|reset)$/;

  function fieldLabel(el) {
    const byIds = textById(el.getAttribute("aria-labelledby"));
    if (byIds) return clean(byIds, 200);
    const aria = clean(el.getAttribute("aria-label"), 200);
    if (aria) return aria;
    const labels = el.labels ? [...el.labels] : [];
    const fromLabels = clean(labels.map((label) => label.innerText || label.textContent).join(" "), 200);
    if (fromLabels) return fromLabels;
    return clean(el.getAttribute("title"), 200) || null;
  }

  function submitText(form) {
    const submit = [...form.elements].find(
      (el) =>
        (el.tagName === "BUTTON" && (!el.getAttribute("type") || lower(el.getAttribute("type")) === "submit")) ||
        (el.tagName === "INPUT" && /^(submit|image)$/.test(lower(el.type))),
    );
    return submit ? accessibleText(submit) || null : null;
  }

  function collectForms() {
    return [...doc.forms].slice(0, limit).map((form, formIndex) => {
      const item = base(form, `form-${formIndex + 1}`);
      const fields = [...form.elements]
        .filter((el) => /^(INPUT|SELECT|TEXTAREA)$/.test(el.tagName) && !NOT_FILLED.test(lower(el.type)))
        .slice(0, limit)
        .map((el, fieldIndex) => {
          const tag = lower(el.tagName);
          return {
            ...base(el, `field-${formIndex + 1}-${fieldIndex + 1}`),
            tag,
            type: tag === "input" ? lower(el.getAttribute("type")) || "text" : tag,
            name: el.getAttribute("name") || el.id || null,
            label: fieldLabel(el),
            placeholder: el.getAttribute("placeholder") || null,
            required: el.required || lower(el.getAttribute("aria-required")) === "true",
            autocomplete: lower(el.getAttribute("autocomplete")) || null,
          };
        });
      const dialog = form.closest("dialog, [role=dialog], [role=alertdialog], [aria-modal=true], .modal");
      return {
        ...item,
        fields,
        submit_text: submitText(form),
        in_modal: !!dialog && !isVisible(dialog, boxOf(dialog)),
      };
    });
  }

  // ---------------------------------------------------------------------------------------------- images
  function collectImages() {
    return [...doc.images].slice(0, limit).map((img, index) => {
      const item = base(img, `img-${index + 1}`);
      const src = img.currentSrc || img.getAttribute("src") || "";
      const role = lower(img.getAttribute("role"));
      return {
        ...item,
        src: src.startsWith("data:") ? src.slice(0, 64) : src.slice(0, 500),
        alt: img.getAttribute("alt"),
        decorative: role === "presentation" || role === "none" || !!img.closest("[aria-hidden=true]"),
        natural_w: img.naturalWidth,
        natural_h: img.naturalHeight,
        loaded: img.complete && img.naturalWidth > 0,
      };
    });
  }

  // ---------------------------------------------------------------------------------------------- trust
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

    const testimonials = [
      ...doc.querySelectorAll("blockquote, q, [class*=testimonial i], [id*=testimonial i]"),
    ];
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

  // ---------------------------------------------------------------------------------------------- navigation, meta
  function collectNavigation() {
    const navs = [...doc.querySelectorAll("nav, [role=navigation]")].filter((nav) => !nav.parentElement.closest("nav, [role=navigation]"));
    if (!navs.length) {
      const header = doc.querySelector("header, [role=banner]");
      return { link_count: header ? header.querySelectorAll("a[href]").length : 0, id: null };
    }
    const top = navs.find((nav) => boxOf(nav).y < foldHeight);
    const primary = top || navs.reduce((best, nav) => (nav.querySelectorAll("a[href]").length > best.querySelectorAll("a[href]").length ? nav : best));
    ids.set(primary, "nav-1");
    return { link_count: primary.querySelectorAll("a[href]").length, id: "nav-1" };
  }

  function collectMeta() {
    const content = (selector) => {
      const el = doc.querySelector(selector);
      return el ? clean(el.getAttribute("content"), 500) : null;
    };
    const canonical = doc.querySelector("link[rel~=canonical i]");
    return {
      title: clean(doc.title, 300) || null,
      description: content("meta[name=description i]"),
      viewport: content("meta[name=viewport i]"),
      lang: clean(doc.documentElement.getAttribute("lang"), 40) || null,
      canonical: canonical && canonical.href ? String(canonical.href).slice(0, 500) : null,
    };
  }

  // ---------------------------------------------------------------------------------------------- text
  function collectText() {
    const parents = new Map();
    const parentInfo = (el) => {
      let info = parents.get(el);
      if (!info) {
        const box = boxOf(el);
        info = { visible: isVisible(el, box), top: box.y, size: parseFloat(style(el).fontSize) || 0 };
        parents.set(el, info);
      }
      return info;
    };
    let words = 0;
    let aboveFoldWords = 0;
    let chars = 0;
    let smallChars = 0;
    const sizes = [];
    const walker = doc.createTreeWalker(body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (!parent || /^(SCRIPT|STYLE|NOSCRIPT|TEMPLATE|OPTION)$/.test(parent.tagName)) continue;
      const text = clean(node.data);
      if (!text) continue;
      const info = parentInfo(parent);
      if (!info.visible) continue;
      const count = text.split(" ").length;
      words += count;
      chars += text.length;
      if (info.top < foldHeight) aboveFoldWords += count;
      if (info.size && info.size < 12) smallChars += text.length;
      if (info.size) sizes.push([info.size, text.length]);
    }
    sizes.sort((a, b) => a[0] - b[0]);
    let median = null;
    let seen = 0;
    for (const [size, length] of sizes) {
      seen += length;
      if (seen * 2 >= chars) {
        median = round(size);
        break;
      }
    }
    const excerpt = String(body.innerText || "")
      .split("\n")
      .map((line) => clean(line))
      .filter(Boolean)
      .join("\n");
    return {
      word_count: words,
      above_fold_word_count: aboveFoldWords,
      text_chars: chars,
      small_text_chars: smallChars,
      median_font_px: median,
      excerpt: excerpt.length > options.excerptChars ? excerpt.slice(0, options.excerptChars) : excerpt,
    };
  }

  function collectLayout() {
    const root = doc.documentElement;
    const width = Math.max(root.scrollWidth, doc.body ? doc.body.scrollWidth : 0);
    const height = Math.max(root.scrollHeight, doc.body ? doc.body.scrollHeight : 0);
    return {
      viewport_w: options.deviceWidth,
      viewport_h: options.deviceHeight,
      document_w: width,
      document_h: height,
      horizontal_overflow_px: Math.max(0, width - options.deviceWidth),
    };
  }

  // ---------------------------------------------------------------------------------------------- run
  const overlays = findOverlays();
  hideOverlays(overlays);
  const facts = {
    overlays: overlays.map(({ el, ...overlay }) => overlay),
    headings: collectHeadings(),
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
  const images = [...doc.images].slice(0, limit).map((img, index) => [`img-${index + 1}`, img]);
  Object.defineProperty(window, STATE, { value: { ids, images }, configurable: true, enumerable: false });
  return facts;
}
