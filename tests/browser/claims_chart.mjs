// The claimed-counts chart in Debian's chromium driven by playwright-core.
// Usage: node tests/browser/claims_chart.mjs <server url> <screenshot dir> <user-data dir>
// Prints one JSON object: {checks: [{name, ok, detail}], requests: [...urls], screenshots: [...]}.
// Never downloads a browser: it launches /usr/bin/chromium (or $CHROMIUM).
import { chromium } from "playwright-core";
import path from "node:path";

const [server, shots, profile] = process.argv.slice(2);
const origin = new URL(server).origin;
const checks = [];
const requests = [];
const screenshots = [];
const consoleErrors = [];

function check(name, ok, detail = "") {
  checks.push({ name, ok: Boolean(ok), detail: String(detail).slice(0, 500) });
}

const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
  ],
  viewport: { width: 1280, height: 1000 },
});
context.on("request", (r) => requests.push(r.url()));
const page = context.pages()[0] || (await context.newPage());
page.on("console", (m) => { if (m.type() === "error") consoleErrors.push(m.text()); });
page.on("pageerror", (e) => consoleErrors.push("pageerror: " + e.message));
page.setDefaultTimeout(30000);

async function shot(name) {
  const file = path.join(shots, name + ".png");
  await page.locator("figure svg.chart").screenshot({ path: file });
  screenshots.push(file);
}

async function visible(selector) {
  // points drawn inside the chart's box, with a fill colour from the stylesheet
  return page.evaluate((sel) => {
    const svg = document.querySelector("figure svg.chart").getBoundingClientRect();
    return [...document.querySelectorAll(sel)].filter((el) => {
      const r = el.getBoundingClientRect();
      const fill = getComputedStyle(el).fill;
      return r.width > 0 && r.left >= svg.left && r.right <= svg.right
        && r.top >= svg.top && r.bottom <= svg.bottom && fill && fill !== "none"
        && fill !== "rgb(0, 0, 0)";
    }).length;
  }, selector);
}

try {
  await page.goto(server + "/claims/chart");
  const rows = await page.locator("table.claims tbody tr").count();
  check("chart: band drawn", await page.locator("svg.chart polygon.band").count() === 1);
  const drawn = await visible("svg.chart .claim");
  check("chart: every claim drawn as a coloured point", rows > 80 && drawn === rows, `${drawn} of ${rows}`);
  for (const kind of ["government", "wikipedia", "news"]) {
    check(`chart: ${kind} points`, await visible(`svg.chart .claim.k-${kind}`) > 0);
  }
  const colours = await page.evaluate(() => new Set(["government", "wikipedia", "news"].map(
    (k) => getComputedStyle(document.querySelector(`svg.chart .claim.k-${k}`)).fill)).size);
  check("chart: one colour per claimant kind", colours === 3, colours);
  await shot("claims-chart");

  // filter: Wikipedia editions only
  await page.uncheck("input[name=claimants][value=government]");
  await page.uncheck("input[name=claimants][value=news]");
  await Promise.all([page.waitForURL(/claimants=wikipedia/), page.click("form.claim-filter button")]);
  const wiki = await visible("svg.chart .claim");
  const wikiOnly = await visible("svg.chart .claim.k-wikipedia");
  check("filter: Wikipedia only", wiki > 0 && wiki === wikiOnly && wiki < rows, `${wikiOnly}/${wiki}`);
  await shot("claims-chart-wikipedia");

  // a point leads to its claim page
  const href = await page.locator("svg.chart a").first().getAttribute("href");
  await page.goto(server + href);
  const claimPage = await page.locator("main").innerText();
  check("point: claim page", href.startsWith("/id/claim/") && claimPage.includes("Wikipedia"), href);

  // the home page carries the points too
  await page.goto(server + "/");
  const home = await visible("svg.chart .claim");
  check("home: claimed counts on the chart", home === rows, `${home} of ${rows}`);
} catch (err) {
  check("no exception", false, err.stack || err.message);
} finally {
  await context.close();
}
const outside = requests.filter((u) => !u.startsWith(origin + "/") && !u.startsWith("data:"));
check("no request leaves the server", outside.length === 0, outside.join(" "));
check("no console errors", consoleErrors.length === 0, consoleErrors.join(" | "));
console.log(JSON.stringify({ checks, requests, screenshots }));
