// Scrolls down one viewport per animation frame, up to `maxHeight`, so lazy images and
// IntersectionObserver-driven content load; then back to the top. `behavior: "instant"` overrides a
// page's `scroll-behavior: smooth`, which would otherwise animate each step.
async ({ maxHeight, maxSteps }) => {
  const frame = () => new Promise((resolve) => requestAnimationFrame(() => resolve()));
  const height = () => Math.max(document.documentElement.scrollHeight, document.body ? document.body.scrollHeight : 0);
  const step = Math.max(1, window.innerHeight);
  let y = 0;
  let steps = 0;
  while (y + step < Math.min(height(), maxHeight) && steps < maxSteps) {
    y += step;
    window.scrollTo({ top: y, left: 0, behavior: "instant" });
    await frame();
    steps += 1;
  }
  window.scrollTo({ top: 0, left: 0, behavior: "instant" });
  await frame();
  return steps;
}
