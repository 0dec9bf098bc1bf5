// Runs the chosen axe-core rules on the top document (axe.min.js injected just before) and names each
// failing node by the facts id of the element, or of its nearest listed ancestor (a span inside a CTA
// is the CTA), when the facts listed one.
async ({ rules, maxIds }) => {
  const state = window[Symbol.for("cro-analyzer.capture")];
  const ids = state ? state.ids : new Map();
  const LEAF = /^(cta|ctl|h|img|field)-/;
  const idFor = (element) => {
    for (let node = element, depth = 0; node && depth < 4; node = node.parentElement, depth += 1) {
      const id = ids.get(node);
      if (id && LEAF.test(id)) return id;
    }
    return null;
  };
  const result = await axe.run(document, {
    runOnly: { type: "rule", values: rules },
    resultTypes: ["violations"],
    elementRef: true,
    iframes: false,
  });
  return result.violations.map((violation) => ({
    rule: violation.id,
    impact: violation.impact || null,
    help: violation.help,
    help_url: violation.helpUrl || null,
    node_count: violation.nodes.length,
    element_ids: [...new Set(violation.nodes.map((node) => idFor(node.element)).filter(Boolean))].slice(0, maxIds),
    selectors: violation.nodes.slice(0, 5).map((node) => String([].concat(node.target).join(" ")).slice(0, 200)),
  }));
}
