// The console: every value from the API goes into the page as text (textContent, never HTML), so a page
// title, URL or label with markup in it stays text. The API key lives in sessionStorage (this tab only)
// and goes out as X-API-Key; event streams are read with fetch, since EventSource cannot send headers.
const KEY_NAME = "cro-analyzer.api-key";
const RECENT_LIMIT = 20;
const FINAL = new Set(["succeeded", "failed", "canceled"]);

const $ = (selector) => document.querySelector(selector);
let following = null;

function apiKey() {
  return sessionStorage.getItem(KEY_NAME) || "";
}

function withKey(headers = {}) {
  const key = apiKey();
  return key ? { ...headers, "X-API-Key": key } : headers;
}

async function api(path, options = {}) {
  const response = await fetch(path, { ...options, headers: withKey(options.headers) });
  const text = await response.text();
  let body = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  if (!response.ok) {
    const error = body && body.error;
    throw new Error(error ? `${error.code}: ${error.message}` : `HTTP ${response.status}`);
  }
  return body;
}

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === "onclick") node.addEventListener("click", value);
    else node.setAttribute(name, value);
  }
  for (const child of children) node.append(child instanceof Node ? child : String(child ?? ""));
  return node;
}

function say(text) {
  const message = $("#message");
  message.textContent = text;
  message.hidden = !text;
}

function guard(action) {
  return async (event) => {
    event?.preventDefault();
    try {
      say("");
      await action(event);
    } catch (error) {
      say(error.message);
    }
  };
}

function labelOf(job) {
  const label = job.metadata && typeof job.metadata.label === "string" ? job.metadata.label : "";
  return label || job.url;
}

async function openReport(job) {
  if (job.links.share_report_html) {
    window.open(job.links.share_report_html, "_blank", "noopener");
    return;
  }
  const response = await fetch(job.links.report_html, { headers: withKey() });
  if (!response.ok) throw new Error(`the report answered HTTP ${response.status}`);
  window.open(URL.createObjectURL(await response.blob()), "_blank", "noopener");
}

async function copyShareLink(job) {
  const link = new URL(job.links.share_report_html, location.href).href;
  $("#share-link-note").textContent = link;
  await navigator.clipboard.writeText(link);
  say("");
  $("#share-link-note").textContent = `Share link copied: ${link}`;
}

async function cancel(job) {
  const canceled = await api(`/v1/analyses/${encodeURIComponent(job.id)}`, { method: "DELETE" });
  if (following && following.id === job.id) showCurrent(canceled);
  await refreshRecent();
}

function actionsFor(job) {
  const actions = el("div", { class: "row" });
  if (job.status === "succeeded") {
    actions.append(el("button", { type: "button", class: "secondary open-report", onclick: guard(() => openReport(job)) }, "Open report"));
    if (job.links.share_report_html) {
      actions.append(el("button", { type: "button", class: "secondary copy-share", onclick: guard(() => copyShareLink(job)) }, "Copy share link"));
    }
  }
  if (!FINAL.has(job.status)) {
    actions.append(el("button", { type: "button", class: "secondary cancel", onclick: guard(() => cancel(job)) }, "Cancel"));
  }
  return actions;
}

function showCurrent(job) {
  $("#current").hidden = false;
  $("#current").dataset.jobId = job.id;
  $("#current-url").textContent = labelOf(job);
  $("#current-status").textContent = job.status;
  $("#current-status").className = `status-${job.status}`;
  $("#current-stage").textContent = FINAL.has(job.status) ? "" : `(${job.progress.stage})`;
  $("#current-progress").value = job.progress.percent;
  $("#current-percent").textContent = `${job.progress.percent}%`;
  $("#current-error").textContent = job.error ? `${job.error.code}: ${job.error.message}` : "";
  $("#current-actions").replaceChildren(actionsFor(job));
}

function handleEvent(block) {
  let name = "message";
  const data = [];
  for (const line of block.split("\n")) {
    if (line.startsWith("event:")) name = line.slice(6).trim();
    else if (line.startsWith("data:")) data.push(line.slice(5).trimStart());
  }
  if (!data.length) return false;
  const job = JSON.parse(data.join("\n"));
  if (following && following.id === job.id) showCurrent(job);
  return name === "done";
}

async function follow(job) {
  if (following) following.controller.abort();
  const controller = new AbortController();
  following = { id: job.id, controller };
  showCurrent(job);
  while (!controller.signal.aborted) {
    const response = await fetch(`/v1/analyses/${encodeURIComponent(job.id)}/events`, {
      headers: withKey(),
      signal: controller.signal,
    });
    if (!response.ok) throw new Error(`the event stream answered HTTP ${response.status}`);
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    let done = false;
    while (!done) {
      const chunk = await reader.read();
      if (chunk.done) break;
      buffer += chunk.value;
      let end;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        done = handleEvent(buffer.slice(0, end)) || done;
        buffer = buffer.slice(end + 2);
      }
    }
    if (done) break; // else the stream reached its time limit: open it again
  }
  await refreshRecent();
}

async function refreshRecent() {
  const page = await api(`/v1/analyses?limit=${RECENT_LIMIT}`);
  const rows = page.items.map((job) =>
    el(
      "tr",
      { "data-job-id": job.id },
      el("td", { "data-label": "Page", class: "url" }, labelOf(job)),
      el("td", { "data-label": "Status", class: `status status-${job.status}` }, job.status),
      el("td", { "data-label": "Score", class: "score" }, job.score ?? "–"),
      el("td", { "data-label": "Error" }, job.error ? job.error.code : ""),
      el("td", { "data-label": "Actions" }, actionsFor(job)),
    ),
  );
  $("#recent tbody").replaceChildren(...rows);
}

async function submit() {
  const devices = [...document.querySelectorAll("input[name=device]:checked")].map((box) => box.value);
  if (!devices.length) throw new Error("choose at least one device");
  const label = $("#label").value.trim();
  const body = { url: $("#url").value.trim(), devices, llm: $("#llm").checked };
  if (label) body.metadata = { label };
  const job = await api("/v1/analyses", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  await refreshRecent();
  await follow(job);
}

function cells(...values) {
  return el("tr", {}, ...values.map((value) => el("td", {}, value ?? "–")));
}

async function refreshOperations() {
  const stats = await api("/v1/stats");
  $("#ops-queue").replaceChildren(
    ...["depth", "pending", "delayed"].flatMap((name) => [el("dt", {}, name), el("dd", {}, stats.queue[name] ?? "n/a")]),
  );
  $("#ops-workers tbody").replaceChildren(
    ...stats.workers.map((worker) => cells(worker.name, new Date(worker.last_seen).toLocaleTimeString(), worker.running)),
  );
  const codes = (counts) =>
    Object.entries(counts.by_error_code)
      .map(([code, count]) => `${code} ${count}`)
      .join(", ");
  $("#ops-jobs tbody").replaceChildren(
    ...[["last hour", stats.jobs.last_hour], ["last day", stats.jobs.last_day]].map(([name, counts]) =>
      cells(name, counts.succeeded, counts.failed, counts.canceled, codes(counts)),
    ),
  );
  const durations = stats.durations_ms;
  $("#ops-durations tbody").replaceChildren(
    cells("whole analysis", durations.p50, durations.p95),
    ...Object.entries(durations.by_stage).map(([stage, figures]) => cells(stage, figures.p50, figures.p95)),
  );
}

function showTab(name) {
  for (const tab of ["analyses", "operations"]) {
    $(`#${tab}`).hidden = tab !== name;
    $(`#tab-${tab}`).setAttribute("aria-pressed", String(tab === name));
  }
}

function showKeyState() {
  $("#key-state").textContent = apiKey() ? "A key is set for this tab." : "No key set: fine when the service has no API keys.";
}

$("#key-form").addEventListener(
  "submit",
  guard(async () => {
    sessionStorage.setItem(KEY_NAME, $("#api-key").value.trim());
    $("#api-key").value = "";
    showKeyState();
    await refreshRecent();
  }),
);
$("#forget-key").addEventListener("click", () => {
  sessionStorage.removeItem(KEY_NAME);
  showKeyState();
});
$("#submit-form").addEventListener("submit", guard(submit));
$("#refresh-recent").addEventListener("click", guard(refreshRecent));
$("#refresh-operations").addEventListener("click", guard(refreshOperations));
$("#tab-analyses").addEventListener("click", () => showTab("analyses"));
$("#tab-operations").addEventListener("click", guard(async () => {
  showTab("operations");
  await refreshOperations();
}));
showKeyState();
guard(refreshRecent)();
