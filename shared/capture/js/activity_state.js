// What the page still has under way (see activity.js): setTimeout callbacks due within `horizonMs`, and the
// ms since its DOM last changed; nothing pending when the tracker is missing (a page that replaced
// setTimeout itself before we could look).
(horizonMs) => {
  const activity = window[Symbol.for("cro-analyzer.activity")];
  return activity ? activity.state(horizonMs) : { timers: 0, quietMs: Infinity };
}
