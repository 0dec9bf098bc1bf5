// Is the view settled? Whether a loading screen still covers the first view, and how many finite
// animations (CSS transitions and animations, Web Animations) still run on elements in it, or anywhere in
// the document with `options.wholePage`. Infinite ones (spinners, marquees) never end and are not waited for.
const loading = findOverlays().some((overlay) => overlay.kind === "preloader");
let animations = 0;
for (const animation of doc.getAnimations()) {
  if (animation.playState !== "running" && animation.playState !== "pending") continue;
  const effect = animation.effect;
  const timing = effect && effect.getComputedTiming();
  if (!timing || !Number.isFinite(timing.endTime) || !effect.target || !effect.target.isConnected) continue;
  if (!options.wholePage) {
    const r = effect.target.getBoundingClientRect();
    if (r.bottom <= 0 || r.top >= foldHeight || r.right <= 0 || r.left >= viewWidth) continue;
  }
  animations += 1;
}
return { loading, animations };
