// Browser tests of the reading pages, in Debian's chromium driven by playwright-core.
// Usage: node tests/browser/pages.mjs <server url> <screenshot dir> <user-data dir>
// Prints one JSON object: {checks: [{name, ok, detail}], requests: [...urls], screenshots: [...]}.
// Never downloads a browser: it launches /usr/bin/chromium (or $CHROMIUM).
import { chromium } from "playwright-core";
import path from "node:path";
import { ARGS, EXECUTABLE, report } from "./report.mjs";

const [server, shots, profile] = process.argv.slice(2);
const origin = new URL(server).origin;
const r = report(shots);
const { check, requests, screenshots, consoleErrors } = r;
const shot = (page, name) => r.shot(page, name);

const context = await chromium.launchPersistentContext(profile, {
  executablePath: EXECUTABLE,
  headless: true,
  args: ARGS,
  viewport: { width: 1280, height: 900 },
});
context.on("request", (r) => requests.push(r.url()));
const page = context.pages()[0] || (await context.newPage());
page.on("console", (m) => { if (m.type() === "error") consoleErrors.push(m.text()); });
page.on("pageerror", (e) => consoleErrors.push("pageerror: " + e.message));
page.setDefaultTimeout(30000);

try {
  // 1. home page: figures, chart, table of states; change perspective and date with the form
  await page.goto(server + "/");
  check("home: title", (await page.title()).includes("kosovo-kg"), await page.title());
  check("home: chart drawn", await page.locator("svg.chart polyline.definitely").count() === 1);
  const rows = await page.locator("table.states tbody tr").count();
  check("home: states table", rows > 150, rows);
  const map = page.locator("figure.map object");
  const mapDrawn = await map.count() === 1 && await page.waitForFunction(() => {
    const doc = document.querySelector("figure.map object").contentDocument;
    return doc && doc.querySelectorAll("path").length > 100;
  }, null, { timeout: 10000 }).then(() => true, () => false);
  check("home: world map drawn", mapDrawn, await map.count());
  if (mapDrawn) {
    await page.locator("figure.map").screenshot({ path: path.join(shots, "home-map.png") });
    screenshots.push(path.join(shots, "home-map.png"));
  }
  await shot(page, "home");
  await page.selectOption("select[name=perspective]", "serbia");
  await page.fill("input[name=date]", "2019-12-31");
  await Promise.all([page.waitForURL(/perspective=serbia/), page.click("form.inline button")]);
  const palau = page.locator("table.states tr", { hasText: "Palau" });
  check("home: Palau withdrawn for Serbia in 2019", (await palau.innerText()).includes("withdrawn"),
    await palau.innerText());
  await page.click("table.states thead a:has-text('Status')");
  check("home: sorted by status", page.url().includes("sort=status"), page.url());
  await page.screenshot({ path: path.join(shots, "home-serbia-2019.png"), fullPage: true });
  screenshots.push(path.join(shots, "home-serbia-2019.png"));

  // 2. keyboard: the first Tab reaches the skip link, Enter moves focus to <main>
  await page.goto(server + "/");
  await page.keyboard.press("Tab");
  const first = await page.evaluate(() => document.activeElement.textContent.trim());
  check("keyboard: skip link first", first === "Skip to content", first);
  await page.keyboard.press("Enter");
  const focused = await page.evaluate(() => document.activeElement.id);
  check("keyboard: skip link moves to main", focused === "main", focused);

  // 3. a state page (linked data, HTML)
  await page.goto(server + "/id/state/PLW");
  const h1 = await page.locator("h1").innerText();
  check("state page: Palau", h1.includes("Palau"), h1);
  check("state page: periods", await page.locator("table.periods tbody tr").count() >= 4);
  check("state page: claims with evidence", await page.locator("article.event ul.evidence li").count() > 0);
  check("state page: wikidata link", (await page.locator("a.wikidata").getAttribute("href") || "").includes("wikidata.org"));
  await shot(page, "state-PLW");

  // 4. ontology and an event page
  await page.goto(server + "/ontology#Recognition");
  check("ontology: term anchor", await page.locator("dt#Recognition").count() === 1);
  await shot(page, "ontology");
  await page.goto(server + "/id/event/PLW-XKX-withdrawal-1");
  check("event page", (await page.locator("h1").innerText()).length > 0);
  await shot(page, "event");

  // 5. a saved query through its form (state picked by name)
  await page.goto(server + "/queries/perspective-status-at/form");
  await page.fill("#f-date", "2019-12-31");
  await page.selectOption("#f-perspective", "serbia");
  await page.fill("#f-state", "Palau");
  await Promise.all([page.waitForURL(/run=1/), page.click("form.query-form button[type=submit]")]);
  const cells = await page.locator("table.results tbody").innerText();
  check("saved-query form: result row", cells.includes("PLW") && cells.includes("Withdrawn"), cells);
  const csv = await page.locator("a[download]:has-text('CSV')").getAttribute("href");
  check("saved-query form: CSV link", csv && csv.includes("format=csv"), csv);
  const reply = await page.request.get(server + csv);
  check("saved-query form: CSV download", reply.ok() && (await reply.text()).includes("PLW"), reply.status());
  await shot(page, "saved-query-form");

  // 5b. the claimed-counts chart: every claim of the table drawn as a coloured point inside the
  // chart, one colour per claimant kind; the filter narrows them; a point leads to its claim
  await page.goto(server + "/claims/chart");
  const claimsDrawn = (sel) => page.evaluate((s) => {
    const box = document.querySelector("figure svg.chart").getBoundingClientRect();
    return [...document.querySelectorAll(s)].filter((el) => {
      const r = el.getBoundingClientRect();
      const fill = getComputedStyle(el).fill;
      return r.width > 0 && r.left >= box.left && r.right <= box.right && r.top >= box.top
        && r.bottom <= box.bottom && fill && fill !== "none" && fill !== "rgb(0, 0, 0)";
    }).length;
  }, sel);
  const claimRows = await page.locator("table.claims tbody tr").count();
  const claimPoints = await claimsDrawn("svg.chart .claim");
  check("claims chart: every claim a point", claimRows > 80 && claimPoints === claimRows,
    `${claimPoints} of ${claimRows}`);
  const colours = await page.evaluate(() => new Set(["government", "wikipedia", "news"].map(
    (k) => getComputedStyle(document.querySelector(`svg.chart .claim.k-${k}`)).fill)).size);
  check("claims chart: one colour per claimant kind", colours === 3, colours);
  await page.locator("figure svg.chart").screenshot({ path: path.join(shots, "claims-chart.png") });
  screenshots.push(path.join(shots, "claims-chart.png"));
  await page.uncheck("input[name=claimants][value=government]");
  await page.uncheck("input[name=claimants][value=news]");
  await Promise.all([page.waitForURL(/claimants=wikipedia/), page.click("form.claim-filter button")]);
  const wikiPoints = await claimsDrawn("svg.chart .claim");
  check("claims chart: filter by kind", wikiPoints > 0 && wikiPoints < claimRows
    && wikiPoints === await claimsDrawn("svg.chart .claim.k-wikipedia"), wikiPoints);
  await shot(page, "claims-chart-wikipedia");
  const claimHref = await page.locator("svg.chart a").first().getAttribute("href");
  await page.goto(server + claimHref);
  check("claims chart: point leads to its claim", claimHref.startsWith("/id/claim/")
    && (await page.locator("main").innerText()).includes("Wikipedia"), claimHref);
  await page.goto(server + "/");
  check("home: claimed counts on the chart", await claimsDrawn("svg.chart .claim") === claimRows);

  // 6. the query editor (YASGUI) runs a query on /sparql and shows results
  await page.goto(server + "/editor");
  const yasgui = await page.locator(".yasgui .yasqe").count();
  check("editor: YASGUI loaded", yasgui > 0, yasgui);
  if (yasgui > 0) {
    await page.locator(".yasqe .yasqe_queryButton").click();
    await page.locator(".yasr table.dataTable tbody tr, .yasr .dataTable tbody tr").first().waitFor();
    const shown = await page.locator(".yasr tbody tr").count();
    check("editor: results shown", shown > 0, shown);
  }
  await shot(page, "editor");
  if (yasgui > 0) {
    // a saved query as an example: the link loads its text into the editor
    await page.click("a.example[data-query='/queries/withdrawals.rq']");
    await page.waitForFunction(() => document.querySelector(".CodeMirror").CodeMirror.getValue()
      .includes("#+ title:"));
    const text = await page.evaluate(() => document.querySelector(".CodeMirror").CodeMirror.getValue());
    check("editor: example loaded", text.includes("Withdrawal"), text.slice(0, 200));
  }
  await page.goto(server + "/forms");
  const forms = await page.locator("dl.terms dt a").count();
  check("forms index: every saved query", forms >= 30, forms);

  // 7. the plain form (no JavaScript needed): post to /sparql, HTML results
  const plain = await context.newPage();
  await plain.goto(server + "/editor?example=recognitions-all");
  await plain.evaluate(() => document.body.classList.remove("js-yasgui"));
  await Promise.all([plain.waitForURL(/\/sparql/), plain.click("#plain-editor button")]);
  check("plain editor form: results", await plain.locator("table tbody tr").count() > 0);
  await shot(plain, "sparql-results");
  await plain.close();
} catch (err) {
  check("no exception", false, err.stack || err.message);
} finally {
  await context.close();
}

// a second, JavaScript-less browser (its own fresh profile)
const plainBrowser = await chromium.launch({
  executablePath: EXECUTABLE,
  headless: true,
  args: ARGS,
});
try {
  const bare = await plainBrowser.newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: 900 } });
  bare.on("request", (r) => requests.push(r.url()));
  const p = await bare.newPage();
  p.setDefaultTimeout(30000);
  await p.goto(server + "/?perspective=kosovo&date=2012-06-30");
  const n = await p.locator("table.states tbody tr").count();
  check("no JS: home table", n > 150, n);
  await p.goto(server + "/id/state/XKX");
  check("no JS: Kosovo page", (await p.locator("h1").innerText()).includes("Kosovo"));
  await p.goto(server + "/queries/withdrawals/form");
  await Promise.all([p.waitForURL(/run=1/), p.click("form.query-form button[type=submit]")]);
  const got = await p.locator("table.results tbody tr").count();
  check("no JS: saved-query form runs", got > 0, got);
  await p.goto(server + "/editor");
  check("no JS: editor is a plain form", await p.locator("#plain-editor textarea").isVisible());
  await p.screenshot({ path: path.join(shots, "editor-nojs.png") });
  screenshots.push(path.join(shots, "editor-nojs.png"));
} catch (err) {
  check("no exception (no JS)", false, err.stack || err.message);
} finally {
  await plainBrowser.close();
}
r.finish(origin);
