// Browser tests of the researcher's daily path (issue 17), in Debian's chromium via playwright-core:
// at desktop (1366x900), phone (390x844) and narrow (360x740) sizes, with JavaScript on and off.
// Usage: node tests/browser/workbench.mjs <server url> <screenshot dir> <user-data dir>
// Prints one JSON object: {checks: [{name, ok, detail}], requests: [...urls], screenshots: [...]}.
import { chromium } from "playwright-core";
import { ARGS, EXECUTABLE, report } from "./report.mjs";

const [server, shots] = process.argv.slice(2);
const origin = new URL(server).origin;
const r = report(shots);
const { check, requests, consoleErrors } = r;
const shot = (page, name) => r.shot(page, name);

const browser = await chromium.launch({
  executablePath: EXECUTABLE,
  headless: true,
  args: ARGS,
});

const SIZES = {
  desktop: { width: 1366, height: 900 },
  phone: { width: 390, height: 844 },
  narrow: { width: 360, height: 740 },
};

async function session(size, js) {
  const tag = `${size}${js ? "" : "-nojs"}`;
  const context = await browser.newContext({ viewport: SIZES[size], javaScriptEnabled: js });
  context.on("request", (r) => requests.push(r.url()));
  const page = await context.newPage();
  page.on("console", (m) => { if (m.type() === "error") consoleErrors.push(`${tag}: ${m.text()}`); });
  page.on("pageerror", (e) => consoleErrors.push(`${tag}: pageerror: ${e.message}`));
  page.setDefaultTimeout(30000);
  try {
    // item 8: Kosovo is not a state toward itself; why perspectives differ, linked to the audit
    await page.goto(server + "/?date=2019-12-31");
    const kosovoRows = await page.locator("table.states a[href='/id/state/XKX']").count();
    check(`${tag}: home lists no Kosovo row`, kosovoRows === 0, kosovoRows);
    await page.locator("details.why summary").click();
    const audit = page.locator("details.why a[href^='/queries/audit-contradictions/form']");
    check(`${tag}: why perspectives differ, linked to the audit`, await audit.isVisible());
    await shot(page, `home-why-${tag}`);
    await Promise.all([page.waitForURL(/audit-contradictions/), audit.click()]);
    const auditRows = await page.locator("table.results tbody tr").count();
    check(`${tag}: the audit link runs the contradictions query`, auditRows > 0, auditRows);

    // item 6: a state page opens with a summary; its claims are titled by what they say
    await page.goto(server + "/id/state/SUR");
    const summary = await page.locator("section.summary").innerText();
    check(`${tag}: state summary`, /according to serbia/.test(summary) && /claims? by/.test(summary), summary);
    const points = await page.locator("svg.timeline a circle").count();
    check(`${tag}: state timeline per claimant`, points > 5, points);
    await shot(page, `state-SUR-${tag}`);
    const claimLink = page.locator("article.event a[href^='/id/claim/']").first();
    await Promise.all([page.waitForURL(/\/id\/claim\//), claimLink.click()]);
    const h1 = await page.locator("h1").innerText();
    const title = await page.title();
    check(`${tag}: claim page titled by what it says`,
      /(affirms|denies) /.test(h1) && !/id\/claim/.test(h1) && title.startsWith(h1), `${h1} | ${title}`);
    check(`${tag}: claim page shows its document`, await page.locator("section.claim figure.evidence").count() > 0);
    await shot(page, `claim-${tag}`);
    await page.goto(server + "/id/state/XKX");
    const pager = await page.locator("p.pager").innerText();
    check(`${tag}: Kosovo's incoming links are paged`, /Links 1–300 of \d+/.test(pager), pager);
    await Promise.all([page.waitForURL(/incoming=300/), page.locator("p.pager a[rel=next]").click()]);
    check(`${tag}: next page of links`, /Links 301–/.test(await page.locator("p.pager").innerText()));

    // item 9: one template (site menu) on every page; VoID as a page; the favicon
    for (const p of ["/queries", "/sparql", "/.well-known/void", "/forms", "/editor"]) {
      await page.goto(server + p);
      const nav = await page.locator("nav[aria-label=Site]").count();
      check(`${tag}: ${p} has the site menu`, nav === 1, nav);
    }
    await page.goto(server + "/.well-known/void");
    check(`${tag}: VoID is a page`, (await page.locator("h1").innerText()).includes("Dataset"));
    await shot(page, `void-${tag}`);
    const icon = await page.request.get(server + "/favicon.ico");
    check(`${tag}: favicon`, icon.status() === 200, icon.status());

    // item 4: no page scrolls sideways (wide tables, the chart and the map scroll in their box);
    // chart labels stay readable
    for (const p of ["/?date=2019-12-31", "/id/state/SUR", "/id/state/XKX", "/search?q=serbia",
      "/queries/perspective-status-at/form?run=1&date=2019&perspective=serbia&state=PLW",
      "/sparql", "/.well-known/void", "/queries", "/forms", "/ontology", "/claims/chart",
      "/editor?example=withdrawals&run=1"]) {
      await page.goto(server + p);
      if (js && p.startsWith("/editor")) await page.locator(".yasr tbody tr").first().waitFor();
      const wide = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
      check(`${tag}: ${p} fits the screen`, wide[0] <= wide[1], wide);
    }
    await page.goto(server + "/");
    const tick = await page.locator("svg.chart text.tick").first().boundingBox();
    check(`${tag}: chart labels readable`, tick && tick.height >= 9, JSON.stringify(tick));

    // item 8: the map's countries are links, by mouse and by keyboard (JS off: no <object>
    // frames to script, the table below has the same links)
    if (js) {
      await page.goto(server + "/?perspective=serbia&date=2019-12-31");
      await page.waitForFunction(() => {
        const doc = document.querySelector("figure.map object").contentDocument;
        return doc && doc.querySelector("a[href='/id/state/BRA']");
      }, null, { timeout: 10000 });
      await page.locator("figure.map").scrollIntoViewIfNeeded();
      const frame = page.frames().find((f) => f.url().includes("/map.svg"));
      const box = await frame.locator("a[href='/id/state/BRA'] path").first().boundingBox();
      await Promise.all([page.waitForURL(/\/id\/state\/BRA$/),
        page.mouse.click(box.x + box.width / 2, box.y + box.height / 2)]);
      check(`${tag}: map country clicked opens its page`, page.url().endsWith("/id/state/BRA"), page.url());
      await page.goBack();
      const again = page.frames().find((f) => f.url().includes("/map.svg"));
      await again.locator("a[href='/id/state/FRA']").first().waitFor({ state: "attached" });
      await again.locator("a[href='/id/state/FRA']").first().focus();
      await Promise.all([page.waitForURL(/\/id\/state\/FRA$/), page.keyboard.press("Enter")]);
      check(`${tag}: map country reached by keyboard`, page.url().endsWith("/id/state/FRA"), page.url());
    }
    await page.goto(server + "/");
    const legend = await page.locator("figure.map figcaption").innerText();
    check(`${tag}: map legend complete`, legend.includes("not in the graph"), legend);

    // item 3: dates as a year or a month, with the range they cover shown
    await page.goto(server + "/");
    await page.fill("input[name=date]", "2019");
    await Promise.all([page.waitForURL(/date=2019/), page.click("form.inline button")]);
    const figuresH = await page.locator("#figures-h").innerText();
    const range = await page.locator("#date-range").innerText();
    check(`${tag}: home takes a year`, figuresH.includes("2019-12-31") && range.includes("2019-01-01 – 2019-12-31"),
      `${figuresH} | ${range}`);
    await page.goto(server + "/queries/perspective-status-at/form");
    await page.fill("#f-date", "2019-06");
    await page.selectOption("#f-perspective", "serbia");
    await page.fill("#f-state", "PLW");
    await Promise.all([page.waitForURL(/run=1/), page.click("form.query-form button[type=submit]")]);
    const formRange = await page.locator("#r-date").innerText();
    const cells = await page.locator("table.results tbody").innerText();
    check(`${tag}: form takes a month`, formRange.includes("2019-06-01 – 2019-06-30") && cells.includes("PLW"),
      `${formRange} | ${cells.slice(0, 100)}`);

    // item 1: a saved query loaded in the editor carries its parameters' values (and the
    // address keeps them: item 2); its rows are those of /queries/<name> with the same values
    await page.goto(server + "/editor?example=withdrawals");
    const wanted = await (await page.request.get(server + "/queries/withdrawals?" +
      new URLSearchParams(Object.fromEntries(await page.locator("#editor-params input[id^=f-], #editor-params select")
        .evaluateAll((els) => els.filter((e) => e.value).map((e) => [e.name, e.value])))) + "&format=json")).json();
    const expected = wanted.results.bindings.length;
    if (js && await page.locator(".yasgui .yasqe").count() > 0) {
      const text = await page.evaluate(() => document.querySelector(".CodeMirror").CodeMirror.getValue());
      check(`${tag}: editor example has its values`, text.includes("VALUES"), text.slice(0, 80));
      const labelCalls = () => requests.filter((u) => u === server + "/editor/labels").length;
      const callsBefore = labelCalls();
      await page.locator(".yasqe .yasqe_queryButton").click();
      await page.locator(".yasr tbody tr").first().waitFor();
      const info = await page.locator(".yasr .yasr_response_chip, .yasr_header").first().innerText().catch(() => "");
      const links = await page.locator(".yasr tbody a").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
      check(`${tag}: editor results link to local pages`,
        links.some((h) => h.startsWith("/id/")) && !links.some((h) => h.startsWith("https://w3id.org/kosovo-kg/id/")),
        links.slice(0, 3));
      // item 5 in YASGUI's own table: a label beside each of our IRIs (the IRI still shown, to
      // copy), datatypes compact, the labels in one request for the result set
      await page.waitForSelector("#yasgui[data-labelled]");
      const cell = page.locator(".yasr tbody a[href^='/id/state/']").first();
      const stateIri = await cell.locator("xpath=following-sibling::code[1]").innerText();
      const stateLabel = await cell.innerText();
      const ownPage = await page.request.get(server + await cell.getAttribute("href"), { headers: { Accept: "text/html" } });
      const ownTitle = (/<h1[^>]*>([^<]*)/.exec(await ownPage.text()) || [])[1] || "";
      const labelRequests = labelCalls() - callsBefore;
      check(`${tag}: editor results show labels beside IRIs`,
        stateIri.startsWith("https://w3id.org/kosovo-kg/id/state/") && stateLabel && !stateLabel.includes("/")
          && ownTitle.includes(stateLabel) && labelRequests === 1,
        `${stateLabel} | ${stateIri} | ${ownTitle} | ${labelRequests} label requests`);
      await page.locator(".yasr tbody tr").first().scrollIntoViewIfNeeded();
      await shot(page, `editor-results-${tag}`);
      const tableText = await page.locator(".yasr tbody").innerText();
      check(`${tag}: editor datatypes compact`,
        tableText.includes("xsd:integer") && !tableText.includes("http://www.w3.org/2001/XMLSchema#"),
        tableText.slice(0, 200));
      check(`${tag}: editor example runs like the saved query`, new RegExp(`(^|\\D)${expected} results?\\b`).test(info), `${info} vs ${expected}`);
    } else {
      const text = await page.locator("#plain-editor textarea").inputValue();
      check(`${tag}: editor example has its values`, text.includes("VALUES"), text.slice(0, 80));
      await Promise.all([page.waitForURL(/\/sparql/), page.click("#plain-editor button")]);
      const got = await page.locator("table.results tbody tr").count();
      check(`${tag}: editor example runs like the saved query`, got === expected, `${got} vs ${expected}`);
    }

    // item 2: the editor's address follows the typed text; a reload (or another browser) shows
    // it again, and run=1 runs it on opening
    if (js && await page.goto(server + "/editor").then(() => page.locator(".yasgui .yasqe").count()) > 0) {
      const typed = "SELECT ?w WHERE { ?w a <https://w3id.org/kosovo-kg/ontology#Withdrawal> } LIMIT 7";
      await page.evaluate((q) => document.querySelector(".CodeMirror").CodeMirror.setValue(q), typed);
      await page.waitForURL(/query=/);
      const shared = page.url();
      await page.reload();
      const again = await page.evaluate(() => document.querySelector(".CodeMirror").CodeMirror.getValue());
      check(`${tag}: editor reload keeps the typed query`, again === typed, again.slice(0, 80));
      const other = await browser.newContext({ viewport: SIZES[size] });
      const elsewhere = await other.newPage();
      elsewhere.on("request", (r) => requests.push(r.url()));
      await elsewhere.goto(shared + "&run=1");
      await elsewhere.locator(".yasr tbody tr").first().waitFor();
      const shown = await elsewhere.locator(".yasr tbody tr").count();
      const text = await elsewhere.evaluate(() => document.querySelector(".CodeMirror").CodeMirror.getValue());
      check(`${tag}: shared editor link shows and runs the query`, text === typed && shown === 7, `${shown} rows`);
      // the result view is part of the address too: the raw answer stays chosen after a reload
      await elsewhere.locator(".yasr .select_response").click();
      await elsewhere.waitForURL(/view=response/);
      await elsewhere.reload();
      await elsewhere.locator(".yasr .select_response.selected").waitFor();
      const raw = await elsewhere.locator(".yasr .yasr_results").innerText();
      check(`${tag}: editor result view kept in the address`, raw.includes('"bindings"') && elsewhere.url().includes("view=response"),
        raw.slice(0, 80));
      await other.close();
    }
    await page.goto(server + "/queries/perspective-status-at/form?run=1&date=2019&perspective=serbia&state=Palau");
    await Promise.all([page.waitForURL(/\/editor\?/), page.click("a.to-editor")]);
    const dateField = await page.locator("#f-date").inputValue();
    check(`${tag}: form to editor keeps the values`, dateField === "2019" && page.url().includes("state=PLW"), page.url());

    // item 7: the search box on every page; suggestions as you type (JS); a plain result page
    await page.goto(server + "/id/state/PLW");
    await page.locator("#site-q").fill("dacic");
    if (js) {
      await page.waitForFunction(() => document.querySelectorAll("#site-q-suggestions option").length > 0,
        null, { timeout: 10000 }).catch(() => {});
      const options = await page.locator("#site-q-suggestions option").count();
      check(`${tag}: search suggestions as you type`, options > 0, options);
    }
    await Promise.all([page.waitForURL(/\/search\?q=dacic/), page.locator("#site-q").press("Enter")]);
    const found = await page.locator("ul.search-results li a").allInnerTexts();
    check(`${tag}: search "dacic" finds Dačić`, found.some((t) => t.includes("Dačić")), found.slice(0, 3));
    await shot(page, `search-${tag}`);
    await page.locator("ul.search-results li a").first().click();
    check(`${tag}: a search result opens its page`, /\/id\/(agent|person)\//.test(page.url()), page.url());
  } catch (err) {
    check(`${tag}: no exception`, false, err.stack || err.message);
  } finally {
    await context.close();
  }
}

for (const size of Object.keys(SIZES)) {
  for (const js of size === "narrow" ? [true] : [true, false]) {
    await session(size, js);
  }
}
await browser.close();
r.finish(origin);
