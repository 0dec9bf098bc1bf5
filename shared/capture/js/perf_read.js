// Summarises what perf_observer.js recorded, plus Navigation and Paint Timing, as web-vitals and
// Lighthouse define them:
// - TTFB: responseStart of the navigation (redirects, DNS, connect and server time included);
// - CLS: the largest session window (shifts less than 1 s apart, window at most 5 s long);
// - TBT: for each long task, its part after FCP beyond 50 ms (all tasks when nothing painted).
() => {
  const state = window[Symbol.for("cro-analyzer.perf")] || { lcp: null, shifts: [], longTasks: [] };
  const navigation = performance.getEntriesByType("navigation")[0];
  const paint = performance.getEntriesByName("first-contentful-paint")[0];
  const fcp = paint ? paint.startTime : null;
  let cls = 0;
  let current = 0;
  let first = 0;
  let last = 0;
  for (const [time, value] of state.shifts) {
    if (current && time - last < 1000 && time - first < 5000) {
      current += value;
    } else {
      current = value;
      first = time;
    }
    last = time;
    cls = Math.max(cls, current);
  }
  let tbt = 0;
  for (const [start, duration] of state.longTasks) {
    const from = fcp === null ? start : Math.max(start, fcp);
    tbt += Math.max(0, start + duration - from - 50);
  }
  const ms = (value) => (value === null || value === undefined ? null : Math.round(value * 10) / 10);
  return {
    ttfb_ms: navigation ? ms(navigation.responseStart) : null,
    fcp_ms: ms(fcp),
    lcp_ms: ms(state.lcp),
    cls: Math.round(cls * 10000) / 10000,
    tbt_ms: ms(tbt),
    document_bytes: navigation ? navigation.decodedBodySize : 0,
  };
}
