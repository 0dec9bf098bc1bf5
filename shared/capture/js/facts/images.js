// Images: alt, rendered box, natural size, whether they loaded.

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
