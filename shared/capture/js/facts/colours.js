// Colours: computed colours parsed, backgrounds composited, WCAG contrast.

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

// What is painted under the centre of `el` outside `layer` (a fixed or absolute box it sits in), when that
// point is on screen.
function paintedBeneath(el, layer) {
  const r = el.getBoundingClientRect();
  if (!r.width || !r.height) return null;
  const x = r.left + r.width / 2;
  const y = r.top + r.height / 2;
  if (x < 0 || y < 0 || x >= viewWidth || y >= foldHeight) return null;
  return doc.elementsFromPoint(x, y).find((other) => !layer.contains(other) && !other.contains(layer)) || null;
}

// The colour behind an element: its own and its ancestors' backgrounds composited down to the first
// opaque one (the white canvas if none); null when an image or gradient is in the way. A fixed or absolute
// ancestor without an opaque background (a transparent header over the hero) floats over what is painted
// beneath it, not over its DOM ancestors: the walk goes on there, once, when the element is on screen.
function effectiveBackground(el) {
  const layers = [];
  let jumped = false;
  for (let node = el; node && node.nodeType === 1; ) {
    const cs = style(node);
    if (cs.backgroundImage && cs.backgroundImage !== "none") return null;
    const color = parseColor(cs.backgroundColor);
    if (color.a > 0) {
      layers.push(color);
      if (color.a >= 1) break;
    }
    const floating = cs.position === "fixed" || cs.position === "absolute";
    const beneath = floating && !jumped ? paintedBeneath(el, node) : null;
    jumped = jumped || !!beneath;
    node = beneath || node.parentElement;
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
