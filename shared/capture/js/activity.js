// Registered before any page script runs (an init script), in the top frame only: keeps the due times of
// the page's pending setTimeout callbacks, so capture can tell whether something is still scheduled to
// happen (a consent bar shown 1.5 s after load) or the page has nothing left to do and the watch for late
// overlays can end early. Timers are wrapped in Proxies: calls behave as before and the functions still
// stringify as native code. `pending(horizonMs)` counts the callbacks due within that many ms from now.
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
  const pending = (horizonMs) => {
    const until = performance.now() + horizonMs;
    let count = 0;
    for (const at of due.values()) if (at <= until) count += 1;
    return count;
  };
  Object.defineProperty(window, KEY, { value: { pending }, enumerable: false });
})();
