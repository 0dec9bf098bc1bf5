// Resolves true once the page has a first contentful paint (Paint Timing), false when `budgetMs` passes
// first. The timings are read after this: on a busy machine the first frame can come well after the
// network went quiet, and a reading taken before it has neither FCP nor LCP for a page that paints.
(budgetMs) =>
  new Promise((resolve) => {
    const painted = () => performance.getEntriesByName("first-contentful-paint").length > 0;
    if (painted()) {
      resolve(true);
      return;
    }
    const observer = new PerformanceObserver(() => {
      if (painted()) {
        finish(true);
      }
    });
    const timer = setTimeout(() => finish(false), budgetMs);
    function finish(result) {
      observer.disconnect();
      clearTimeout(timer);
      resolve(result);
    }
    observer.observe({ type: "paint", buffered: true });
  })
