// What the browser scripts share: their report (checks, requests, screenshots, console errors)
// and the launch options of Debian's chromium (never a downloaded browser).
import path from "node:path";

export const ARGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];
export const EXECUTABLE = process.env.CHROMIUM || "/usr/bin/chromium";

export function report(shots) {
  const checks = [];
  const requests = [];
  const screenshots = [];
  const consoleErrors = [];
  return {
    checks, requests, screenshots, consoleErrors,
    check(name, ok, detail = "") {
      checks.push({ name, ok: Boolean(ok), detail: String(detail).slice(0, 500) });
    },
    async shot(page, name) {
      const file = path.join(shots, name + ".png");
      await page.screenshot({ path: file, fullPage: false });
      screenshots.push(file);
    },
    // the last checks (nothing left the server, no console error), then the JSON report
    finish(origin) {
      const outside = requests.filter((u) => !u.startsWith(origin + "/") && !u.startsWith("data:"));
      this.check("no request leaves the server", outside.length === 0, outside.join(" "));
      this.check("no console errors", consoleErrors.length === 0, consoleErrors.join(" | "));
      console.log(JSON.stringify({ checks, requests, screenshots }));
    },
  };
}
