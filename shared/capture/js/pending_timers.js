// How many of the page's setTimeout callbacks are due within `horizonMs` (see activity.js); 0 when the
// tracker is missing (a page that replaced setTimeout itself before we could look).
(horizonMs) => {
  const activity = window[Symbol.for("cro-analyzer.activity")];
  return activity ? activity.pending(horizonMs) : 0;
}
