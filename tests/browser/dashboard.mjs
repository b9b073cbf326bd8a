// Drives the dashboard in headless Chromium and prints what it saw as one JSON object on stdout; the calling xunit
// test (DashboardBrowserTests) asserts on it. Exit code 0 when the scenario ran to the end, 1 otherwise.
//   node dashboard.mjs DASHBOARD_URL API_KEY OUTDIR main|server-error|alerts
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";
import { join } from "node:path";

const [url, key, outdir, scenario = "main"] = process.argv.slice(2);
if (!url || !key || !outdir) {
  console.error("usage: node dashboard.mjs DASHBOARD_URL API_KEY OUTDIR [main|server-error|alerts]");
  process.exit(2);
}
mkdirSync(outdir, { recursive: true });

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
});
const result = { scenario, consoleErrors: [] };
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.on("console", (m) => { if (m.type() === "error") result.consoleErrors.push(m.text()); });
  page.on("pageerror", (e) => result.consoleErrors.push(String(e)));
  page.setDefaultTimeout(20000);

  const loads = () => page.evaluate(() => Number(document.body.dataset.loads || 0));
  const reload = async (action) => {
    const before = await loads();
    await action();
    await page.waitForFunction((n) => Number(document.body.dataset.loads || 0) > n, before);
  };
  const text = (selector) => page.locator(selector).innerText();

  await page.goto(url);
  await page.waitForFunction(() => document.body.dataset.state === "needs-key");
  result.needsKey = { keyFormVisible: await page.locator("#key-form").isVisible(), error: await text("#error") };

  if (scenario === "alerts") {
    await reload(async () => { await page.fill("#key", key); await page.click("#key-form button[type=submit]"); });
    result.alerts = await page.evaluate(() => ({
      status: document.getElementById("alerts-status").textContent,
      rows: [...document.getElementById("alerts-table").tBodies[0].rows].map((r) => [...r.cells].map((c) => c.textContent + (c.className ? `[${c.className}]` : ""))),
    }));
    await page.screenshot({ path: join(outdir, "dashboard-alerts.png"), fullPage: true });
  } else if (scenario === "server-error") {
    await reload(async () => { await page.fill("#key", key); await page.click("#key-form button[type=submit]"); });
    result.state = await page.evaluate(() => document.body.dataset.state);
    result.error = await text("#error");
    await page.screenshot({ path: join(outdir, "dashboard-server-error.png"), fullPage: true });
  } else {
    await reload(async () => { await page.fill("#key", "wrong-" + key); await page.click("#key-form button[type=submit]"); });
    result.wrongKey = { state: await page.evaluate(() => document.body.dataset.state), error: await text("#error") };

    // A rejected key brings the key form back by itself.
    await page.locator("#key").waitFor({ state: "visible" });
    await reload(async () => { await page.fill("#key", key); await page.click("#key-form button[type=submit]"); });
    result.loaded = await snapshot(page);
    await page.screenshot({ path: join(outdir, "dashboard.png"), fullPage: true });

    await reload(async () => { await page.fill("#vhost", "api.example.com"); await page.click("#apply"); });
    result.filtered = await snapshot(page);
    result.filteredUrl = page.url();
    await page.screenshot({ path: join(outdir, "dashboard-filtered.png"), fullPage: true });

    // The key survives a reload of the page (localStorage), and the filters come back from the URL.
    await page.reload();
    await page.waitForFunction(() => document.body.dataset.state === "loaded");
    result.afterReload = { vhost: await page.inputValue("#vhost"), requests: await text("#summary-requests") };
  }
  result.completed = true;
} catch (e) {
  result.failure = String(e && e.stack || e);
} finally {
  await browser.close();
}
console.log(JSON.stringify(result));
process.exit(result.completed ? 0 : 1);

async function snapshot(page) {
  return page.evaluate(() => {
    const $ = (id) => document.getElementById(id);
    const firstCells = (id) => [...$(id).tBodies[0].rows].map((r) => r.cells[0].textContent);
    return {
      state: document.body.dataset.state,
      error: $("error").hidden ? "" : $("error").textContent,
      requests: $("summary-requests").textContent,
      visitors: $("summary-visitors").textContent,
      bytes: $("summary-bytes").textContent,
      errors: $("summary-errors").textContent,
      latency: $("summary-latency").textContent,
      bandwidth: $("summary-bandwidth").textContent,
      trafficBars: Number($("traffic-chart").dataset.bars),
      trafficTotal: Number($("traffic-chart").dataset.total),
      trafficRects: $("traffic-chart").querySelectorAll("rect").length,
      statusMix: Object.fromEntries([...$("status-chart").querySelectorAll("rect")].map((r) => [r.dataset.class, Number(r.dataset.count)])),
      latencyLines: $("latency-chart").querySelectorAll("polyline").length,
      latencyPoints: Number($("latency-chart").dataset.points),
      topPaths: firstCells("paths-table"),
      topClients: firstCells("clients-table"),
      statuses: firstCells("statuses-table"),
      alerts: $("alerts-status").textContent,
    };
  });
}
