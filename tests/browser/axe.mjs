// axe-core (npm devDependency, injected from node_modules: nothing from the network) on every kind
// of HTML page the site has, in Debian's chromium via playwright-core, at desktop (1366x900) and
// phone (390x844) sizes with JavaScript on (the pages' scripts and YASGUI have run), and at phone
// size as without JavaScript: the pages' own scripts blocked (axe needs JavaScript to run, so it
// cannot be switched off whole).
// Usage: node tests/browser/axe.mjs <server url> <artifact dir> <user-data dir>
// Writes <artifact dir>/axe-report.json (each page's violations with their elements) and prints
// the usual JSON report: {checks: [{name, ok, detail}], requests: [...urls], screenshots: []}.
import { chromium } from "playwright-core";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ARGS, EXECUTABLE, report } from "./report.mjs";

const AXE = fileURLToPath(new URL("../../node_modules/axe-core/axe.min.js", import.meta.url));
const [server, artifacts] = process.argv.slice(2);
const origin = new URL(server).origin;
const r = report(artifacts);
const { check, requests, consoleErrors } = r;
const SESSIONS = [
  ["desktop", { width: 1366, height: 900 }, true],
  ["phone", { width: 390, height: 844 }, true],
  ["phone-nojs", { width: 390, height: 844 }, false],
];
const FORM = "/queries/perspective-status-at/form";
const QUERY = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 20";

// every kind of page; the linked-data pages of each family are found from a state page
const PAGES = [
  "/", "/?perspective=serbia&date=2019&sort=status", "/sparql",
  "/sparql?query=" + encodeURIComponent(QUERY), "/editor", "/editor?example=perspective-status-at",
  "/editor?run=1&query=" + encodeURIComponent(QUERY),
  "/editor?run=1&view=response&query=" + encodeURIComponent(QUERY), "/queries", "/forms", FORM,
  FORM + "?run=1&date=2019&perspective=serbia&state=PLW", FORM + "?run=1&date=20x9",
  "/claims/chart", "/claims/chart?claimants=wikipedia", "/id/state/SUR", "/id/state/XKX",
  "/id/state/XKX?incoming=300", "/id/state/ZZZ", "/search?q=dacic", "/search?q=",
  "/.well-known/void", "/ontology",
];
// pages that answer an error status on purpose (the browser logs it as a console error)
const ERROR_PAGES = new Set([FORM + "?run=1&date=20x9", "/id/state/ZZZ"]);
const FAMILIES = ["claim", "doc", "ref", "agent", "person", "period", "perspective", "event"];

const browser = await chromium.launch({ executablePath: EXECUTABLE, headless: true, args: ARGS });
const found = {};

async function discover(page) {
  await page.goto(server + "/id/state/SUR");
  const hrefs = await page.locator("main a[href^='/id/']").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
  for (const family of FAMILIES) {
    const href = hrefs.find((h) => h.startsWith(`/id/${family}/`));
    check(`a ${family} page linked from a state page`, href, family);
    if (href) found[href] = family;
  }
  await page.goto(server + "/ontology");
  const graph = await page.locator("a[href^='/graph/']").first().getAttribute("href").catch(() => null);
  await page.goto(server + "/.well-known/void");
  const g = graph || await page.locator("a[href^='/graph/']").first().getAttribute("href").catch(() => null);
  check("a named graph page linked from VoID", g, g);
  if (g) found[g] = "graph";
}

// what a page must have finished drawing before axe looks at it
async function settle(page, p, js) {
  if (js && p.startsWith("/editor")) {
    await page.locator(".yasgui .yasqe .CodeMirror").waitFor();
    if (p.includes("run=1")) {
      await page.locator(p.includes("view=response") ? ".yasr .CodeMirror" : ".yasr tbody tr").first().waitFor();
    }
  }
  if (p === "/" || p.startsWith("/?")) {
    await page.waitForFunction(() => {
      const doc = document.querySelector("figure.map object")?.contentDocument;
      return doc && doc.querySelectorAll("path").length > 100;
    }, null, { timeout: 10000 }).catch(() => {});
  }
}

const findings = {};
for (const [size, viewport, js] of SESSIONS) {
  // the test injects axe's script into pages whose policy allows only their own scripts
  const context = await browser.newContext({ viewport, bypassCSP: true });
  context.on("request", (q) => requests.push(q.url()));
  if (!js) await context.route(/\.js(\?|$)/, (route) => route.abort());
  const page = await context.newPage();
  let current = "";
  page.on("console", (m) => {
    if (m.type() !== "error") return;
    if (ERROR_PAGES.has(current) && m.text().startsWith("Failed to load resource: the server responded with a status of 4")) return;
    if (!js && m.text().includes("net::ERR_FAILED")) return;  // a script this session blocks
    consoleErrors.push(`${size} ${current}: ${m.text()}`);
  });
  page.on("pageerror", (e) => consoleErrors.push(`${size}: pageerror: ${e.message}`));
  page.setDefaultTimeout(30000);
  try {
    if (!Object.keys(found).length) await discover(page);
    const only = process.env.AXE_PAGES ? process.env.AXE_PAGES.split(",") : null;  // to rerun a few
    for (const p of [...PAGES, ...Object.keys(found)].filter((x) => !only || only.includes(x))) {
      current = p;
      await page.goto(server + p);
      await settle(page, p, js);
      await page.addScriptTag({ path: AXE });
      const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
      const violations = result.violations.map((v) => ({
        id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.map((n) => ({ target: n.target.join(" "), summary: n.failureSummary })),
      }));
      findings[`${size} ${p}`] = violations;
      check(`${size}: axe clean on ${p}`, violations.length === 0,
        violations.map((v) => `${v.id} (${v.nodes.length}): ${v.nodes[0].target}`).join("; "));
    }
  } catch (err) {
    check(`${size}: no exception`, false, err.stack || err.message);
  } finally {
    await context.close();
  }
}
await browser.close();
writeFileSync(path.join(artifacts, "axe-report.json"), JSON.stringify(findings, null, 1));
r.finish(origin);
