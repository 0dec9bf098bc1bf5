// Registered before any page script runs (an init script), in the top frame only: keeps the due times of
// the page's pending setTimeout callbacks and the time of its last DOM change, so capture can tell whether
// something is still scheduled or under way (a consent bar shown 1.5 s after load, then slid in) or the page
// has nothing left to do and the watch for late overlays can end early. Timers are wrapped in Proxies: calls
// behave as before and the functions still stringify as native code. `state(horizonMs)` gives the callbacks
// due within that many ms from now and the ms since the DOM last changed.
(() => {
  const KEY = Symbol.for("cro-analyzer.activity");
  const MAX_TRACKED = 10000;
  if (window.top !== window || window[KEY]) return;
  const due = new Map();
  const nativeSetTimeout = window.setTimeout;
  window.setTimeout = new Proxy(nativeSetTimeout, {
    apply(target, thisArg, args) {
      const [handler, delay, ...rest] = args;
      if (typeof handler !== "function" || due.size >= MAX_TRACKED) return Reflect.apply(target, thisArg, args);
      let id = 0;
      const run = function (...callArgs) {
        due.delete(id);
        return Reflect.apply(handler, this, callArgs);
      };
      id = Reflect.apply(target, thisArg, [run, delay, ...rest]);
      due.set(id, performance.now() + Math.max(0, Number(delay) || 0));
      return id;
    },
  });
  window.clearTimeout = new Proxy(window.clearTimeout, {
    apply(target, thisArg, args) {
      due.delete(args[0]);
      return Reflect.apply(target, thisArg, args);
    },
  });
  let lastChange = performance.now();
  new MutationObserver(() => {
    lastChange = performance.now();
  }).observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
  const state = (horizonMs) => {
    const now = performance.now();
    let timers = 0;
    for (const at of due.values()) if (at <= now + horizonMs) timers += 1;
    return { timers, quietMs: now - lastChange };
  };
  Object.defineProperty(window, KEY, { value: { state }, enumerable: false });
})();
