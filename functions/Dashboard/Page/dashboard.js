// NginxPulse dashboard: reads the report API with the key kept in localStorage and draws everything with plain SVG.
// Data is only ever written with textContent / attributes, never as HTML.
"use strict";

const KEY_STORAGE = "nginxpulse.apiKey";
const SVG = "http://www.w3.org/2000/svg";
const API = new URL("../", document.baseURI);
const STATUS_CLASSES = [
  ["status2xx", "s2xx", "2xx"], ["status3xx", "s3xx", "3xx"], ["status4xx", "s4xx", "4xx"],
  ["status5xx", "s5xx", "5xx"], ["statusOther", "sother", "other"], ["status1xx", "sother", "1xx"],
];
const PERCENTILES = [["p50Ms", "p50"], ["p95Ms", "p95"], ["p99Ms", "p99"]];
// Whole-hour steps for long presets: the server answers those from its hourly histograms.
const PRESET_STEPS = { "24h": "1h", "7d": "3h" };

const $ = (id) => document.getElementById(id);
let refreshTimer = null;
let resizeTimer = null;
let loads = 0;
let last = null;

class ApiError extends Error {
  constructor(status, message) { super(message); this.status = status; }
}

function apiKey() { return localStorage.getItem(KEY_STORAGE) || ""; }

function filters() {
  const range = $("range").value;
  const query = new URLSearchParams();
  if (range === "custom") {
    if ($("from").value.trim()) query.set("from", $("from").value.trim());
    if ($("to").value.trim()) query.set("to", $("to").value.trim());
  } else {
    query.set("from", "-" + range);
    query.set("to", "now");
  }
  for (const name of ["vhost", "host"]) if ($(name).value.trim()) query.set(name, $(name).value.trim());
  return query;
}

/** GET path under /api/ with the key; the report filters are added unless filtered is false. */
async function getJson(path, extra, filtered = true) {
  const url = new URL(path, API);
  if (filtered) for (const [name, value] of filters()) url.searchParams.set(name, value);
  for (const [name, value] of Object.entries(extra || {})) url.searchParams.set(name, value);
  const response = await fetch(url, { headers: { "x-functions-key": apiKey() }, cache: "no-store" });
  let body = null;
  try { body = await response.json(); } catch { body = null; }
  if (!response.ok) throw new ApiError(response.status, (body && body.error) || response.statusText || "request failed");
  return body;
}

// ---------- formatting ----------
const number = (n) => (n === null || n === undefined ? "–" : Number(n).toLocaleString("en-US"));
function scaled(n, units, base) {
  let i = 0;
  while (Math.abs(n) >= base && i < units.length - 1) { n /= base; i++; }
  return (i === 0 ? String(Math.round(n)) : n.toFixed(n < 10 ? 2 : 1)) + " " + units[i];
}
const bytes = (n) => scaled(n, ["B", "kB", "MB", "GB", "TB"], 1000);
const bits = (n) => scaled(n, ["bit/s", "kbit/s", "Mbit/s", "Gbit/s"], 1000);
const ms = (n) => (n === null || n === undefined ? "–" : String(n));
const shortTime = (iso) => iso.slice(11, 16);

// ---------- SVG drawing ----------
function el(name, attributes, parent) {
  const node = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, String(value));
  if (parent) parent.appendChild(node);
  return node;
}

function frame(svg) {
  svg.replaceChildren();
  const width = svg.clientWidth || 800, height = svg.clientHeight || 200;
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  return { width, height, left: 56, right: 8, top: 8, bottom: 20 };
}

function axes(svg, f, max, rows, format) {
  const plotHeight = f.height - f.top - f.bottom;
  for (const fraction of [0, 0.5, 1]) {
    const y = f.top + plotHeight * (1 - fraction);
    el("line", { x1: f.left, x2: f.width - f.right, y1: y, y2: y, class: "grid" }, svg);
    el("text", { x: f.left - 4, y: y + 4, "text-anchor": "end" }, svg).textContent = format(max * fraction);
  }
  const plotWidth = f.width - f.left - f.right;
  const marks = rows.length > 1 ? [0, Math.floor((rows.length - 1) / 2), rows.length - 1] : [0];
  for (const i of new Set(marks)) {
    const x = f.left + plotWidth * (i + 0.5) / rows.length;
    el("text", { x, y: f.height - 4, "text-anchor": "middle" }, svg).textContent = shortTime(rows[i].time);
  }
}

function emptyChart(svg, f, message) {
  el("text", { x: f.width / 2, y: f.height / 2, "text-anchor": "middle", class: "empty" }, svg).textContent = message;
}

/** Stacked bars per row: series is [[column, cssClass, label]]. */
function stackedBars(svg, rows, series, format) {
  const f = frame(svg);
  const totals = rows.map((row) => series.reduce((sum, [column]) => sum + (row[column] || 0), 0));
  const max = Math.max(0, ...totals);
  svg.dataset.bars = String(rows.length);
  svg.dataset.total = String(totals.reduce((a, b) => a + b, 0));
  if (max === 0) { emptyChart(svg, f, "no traffic in this range"); return; }
  axes(svg, f, max, rows, format);
  const plotWidth = f.width - f.left - f.right, plotHeight = f.height - f.top - f.bottom;
  const barWidth = plotWidth / rows.length;
  rows.forEach((row, i) => {
    let y = f.top + plotHeight;
    const group = el("g", { "data-time": row.time, "data-total": totals[i] }, svg);
    el("title", {}, group).textContent = `${row.time}  ` + series.map(([column, , label]) => `${label}: ${number(row[column] || 0)}`).join("  ");
    for (const [column, css] of series) {
      const value = row[column] || 0;
      if (value === 0) continue;
      const h = plotHeight * value / max;
      y -= h;
      el("rect", { x: f.left + i * barWidth + barWidth * 0.1, y, width: Math.max(1, barWidth * 0.8), height: h, class: css }, group);
    }
  });
}

/** One polyline per series, broken where a value is null (no requests with a time in that step). */
function lines(svg, rows, series) {
  const f = frame(svg);
  const max = Math.max(0, ...rows.flatMap((row) => series.map(([column]) => row[column] || 0)));
  svg.dataset.points = String(rows.filter((row) => row[series[0][0]] !== null).length);
  if (max === 0) { emptyChart(svg, f, "no request times in this range"); return; }
  axes(svg, f, max, rows, (v) => String(Math.round(v)));
  const plotWidth = f.width - f.left - f.right, plotHeight = f.height - f.top - f.bottom;
  for (const [column, css] of series) {
    let points = [];
    const flush = () => {
      if (points.length === 1) points.push(points[0]);
      if (points.length) el("polyline", { points: points.join(" "), class: css }, svg);
      points = [];
    };
    rows.forEach((row, i) => {
      if (row[column] === null || row[column] === undefined) { flush(); return; }
      points.push(`${(f.left + plotWidth * (i + 0.5) / rows.length).toFixed(1)},${(f.top + plotHeight * (1 - row[column] / max)).toFixed(1)}`);
    });
    flush();
  }
}

function statusMix(svg, summary) {
  const f = frame(svg);
  const total = summary.requests;
  svg.dataset.total = String(total);
  if (!total) { emptyChart(svg, f, "no traffic in this range"); return; }
  let x = 0;
  const barHeight = 36, width = f.width;
  for (const [column, css, label] of STATUS_CLASSES) {
    const value = summary[column] || 0;
    if (!value) continue;
    const w = width * value / total;
    const rect = el("rect", { x, y: 10, width: w, height: barHeight, class: css, "data-class": label, "data-count": value }, svg);
    el("title", {}, rect).textContent = `${label}: ${number(value)}`;
    const text = el("text", { x: x + 4, y: barHeight + 28 }, svg);
    text.textContent = `${label} ${(100 * value / total).toFixed(1)}%`;
    x += w;
  }
}

// ---------- tables ----------
function fillTable(id, rows, cells) {
  const body = $(id).tBodies[0];
  body.replaceChildren();
  if (!rows.length) {
    const tr = body.insertRow();
    const td = tr.insertCell();
    td.colSpan = $(id).tHead.rows[0].cells.length;
    td.className = "muted";
    td.textContent = "nothing in this range";
    return;
  }
  for (const row of rows) {
    const tr = body.insertRow();
    for (const cell of cells(row)) {
      const td = tr.insertCell();
      const [text, css] = Array.isArray(cell) ? cell : [cell, ""];
      td.textContent = text === null || text === undefined ? "(none)" : String(text);
      if (css) td.className = css;
      if (td.cellIndex === 0) td.title = td.textContent;
    }
  }
}

const topRow = (row, key) => [row[key], number(row.requests), bytes(row.bytes), number(row.status4xx), number(row.status5xx)];

// ---------- loading ----------
function showError(message) {
  $("error").textContent = message;
  $("error").hidden = !message;
}

async function loadAlerts() {
  try {
    const body = await getJson("alerts/states", {}, false);
    const states = (body && body.states) || [];
    $("alerts-status").textContent = states.length ? "" : "no alert rules";
    fillTable("alerts-table", states, (s) => [s.rule, s.scope, [s.state, "state-" + s.state], s.since, s.value, s.threshold]);
    document.body.dataset.alerts = "available";
  } catch {
    $("alerts-status").textContent = "alerts unavailable";
    $("alerts-table").tBodies[0].replaceChildren();
    document.body.dataset.alerts = "unavailable";
  }
}

function render({ summary, series, bandwidth, statuses, paths, errors, slowest, clients, referrers, agents }) {
  const s = summary.rows[0];
  $("summary-requests").textContent = number(s.requests);
  $("summary-visitors").textContent = number(s.visitors);
  $("summary-bytes").textContent = bytes(s.bytes);
  $("summary-errors").textContent = number(s.status4xx + s.status5xx);
  $("summary-latency").textContent = `${ms(s.p50Ms)} / ${ms(s.p95Ms)} / ${ms(s.p99Ms)} ms`;
  $("summary-bandwidth").textContent = bits(bandwidth.rows[0].p95BitsPerSecond);

  const rows = series.rows;
  const step = rows.length > 1 ? (Date.parse(rows[1].time) - Date.parse(rows[0].time)) / 60000 : 0;
  $("traffic-step").textContent = step ? `(per ${step} min, ${summary.from.slice(0, 16).replace("T", " ")} – ${summary.to.slice(0, 16).replace("T", " ")} UTC)` : "";
  stackedBars($("traffic-chart"), rows, STATUS_CLASSES, (v) => number(Math.round(v)));
  statusMix($("status-chart"), s);
  lines($("latency-chart"), rows, PERCENTILES);
  stackedBars($("bandwidth-chart"), rows, [["bytes", "bytes", "bytes"]], bytes);

  fillTable("statuses-table", statuses.rows, (r) => [r.status, number(r.requests), bytes(r.bytes)]);
  fillTable("paths-table", paths.rows, (r) => topRow(r, "path"));
  fillTable("errors-table", errors.rows, (r) => [r.path, number(r.errors), number(r.status4xx), number(r.status5xx)]);
  fillTable("slowest-table", slowest.rows, (r) => [r.path, number(r.requests), ms(r.p50Ms), ms(r.p95Ms), ms(r.p99Ms)]);
  fillTable("clients-table", clients.rows, (r) => topRow(r, "client"));
  fillTable("referrers-table", referrers.rows, (r) => topRow(r, "referrer"));
  fillTable("useragents-table", agents.rows, (r) => topRow(r, "userAgent"));
}

async function load() {
  if (!apiKey()) {
    $("key-form").hidden = false;
    showError("Enter the API key to see the reports.");
    document.body.dataset.state = "needs-key";
    return;
  }
  $("status").textContent = "loading…";
  const limit = { limit: "10" };
  const step = PRESET_STEPS[$("range").value] ? { step: PRESET_STEPS[$("range").value] } : {};
  try {
    const [summary, series, bandwidth, statuses, paths, errors, slowest, clients, referrers, agents] = await Promise.all([
      getJson("reports/summary"), getJson("reports/timeseries", step), getJson("reports/bandwidth95"), getJson("reports/statuses"),
      getJson("reports/paths", limit), getJson("reports/errors", limit), getJson("reports/slowest", limit),
      getJson("reports/clients", limit), getJson("reports/referrers", limit), getJson("reports/useragents", limit),
    ]);
    last = { summary, series, bandwidth, statuses, paths, errors, slowest, clients, referrers, agents };
    render(last);
    $("key-form").hidden = true;
    showError("");
    $("status").textContent = `updated ${new Date().toISOString().slice(11, 19)} UTC`;
    document.body.dataset.state = "loaded";
  } catch (e) {
    const status = e instanceof ApiError ? e.status : 0;
    if (status === 401 || status === 403) {
      $("key-form").hidden = false;
      showError(`The API key was rejected (${status}): ${e.message}`);
    } else if (status) {
      showError(`The server answered ${status}: ${e.message}`);
    } else {
      showError(`The server could not be reached: ${e.message}`);
    }
    $("status").textContent = "";
    document.body.dataset.state = "error";
  }
  await loadAlerts();
  document.body.dataset.loads = String(++loads);
}

function schedule() {
  clearInterval(refreshTimer);
  const seconds = Number($("refresh").value);
  if (seconds > 0) refreshTimer = setInterval(load, seconds * 1000);
}

/** The form mirrors the page's query string, so a view can be bookmarked or shared. */
function readUrl() {
  const query = new URLSearchParams(location.search);
  if (query.get("from") || query.get("to")) {
    $("range").value = "custom";
    $("from").value = query.get("from") || "";
    $("to").value = query.get("to") || "";
  } else if (query.get("range")) {
    $("range").value = query.get("range");
  }
  for (const name of ["vhost", "host", "refresh"]) if (query.get(name) !== null) $(name).value = query.get(name);
  $("filters").classList.toggle("custom-range", $("range").value === "custom");
}

function writeUrl() {
  const query = new URLSearchParams();
  if ($("range").value === "custom") {
    for (const name of ["from", "to"]) if ($(name).value.trim()) query.set(name, $(name).value.trim());
  } else {
    query.set("range", $("range").value);
  }
  for (const name of ["vhost", "host"]) if ($(name).value.trim()) query.set(name, $(name).value.trim());
  query.set("refresh", $("refresh").value);
  history.replaceState(null, "", location.pathname + "?" + query.toString());
}

document.addEventListener("DOMContentLoaded", () => {
  readUrl();
  $("range").addEventListener("change", () => $("filters").classList.toggle("custom-range", $("range").value === "custom"));
  $("filters").addEventListener("submit", (event) => { event.preventDefault(); writeUrl(); schedule(); load(); });
  $("change-key").addEventListener("click", () => { $("key-form").hidden = !$("key-form").hidden; $("key").focus(); });
  $("key-form").addEventListener("submit", (event) => {
    event.preventDefault();
    localStorage.setItem(KEY_STORAGE, $("key").value.trim());
    $("key").value = "";
    $("key-form").hidden = true;
    load();
  });
  window.addEventListener("resize", () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => { if (last) render(last); }, 200);
  });
  schedule();
  load();
});
