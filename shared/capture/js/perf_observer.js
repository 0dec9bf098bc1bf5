// Registered before any page script runs (an init script), in the top frame only: records LCP
// candidates, layout shifts without recent input, and long tasks, for perf_read.js to summarise.
// Kept in a non-enumerable symbol property so the page neither sees nor clobbers it by accident.
(() => {
  const KEY = Symbol.for("cro-analyzer.perf");
  if (window.top !== window || window[KEY]) return;
  const state = { lcp: null, shifts: [], longTasks: [] };
  Object.defineProperty(window, KEY, { value: state, enumerable: false });
  const observe = (type, record) => {
    try {
      new PerformanceObserver((list) => list.getEntries().forEach(record)).observe({ type, buffered: true });
    } catch (error) {
      // entry type not supported by this engine: the metric stays unknown
    }
  };
  observe("largest-contentful-paint", (entry) => {
    state.lcp = entry.startTime;
  });
  observe("layout-shift", (entry) => {
    if (!entry.hadRecentInput) state.shifts.push([entry.startTime, entry.value]);
  });
  observe("longtask", (entry) => {
    state.longTasks.push([entry.startTime, entry.duration]);
  });
})();
