// The page as a whole: primary navigation, meta tags, visible text statistics, layout size.

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
    site_name: clean(content("meta[property='og:site_name' i]") || content("meta[name=application-name i]"), 100) || null,
  };
}

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
