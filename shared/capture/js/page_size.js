// The size to capture for the full-page screenshot: the layout viewport's width and the document height.
() => ({
  width: document.documentElement.clientWidth || window.innerWidth,
  height: Math.max(document.documentElement.scrollHeight, document.body ? document.body.scrollHeight : 0),
})
