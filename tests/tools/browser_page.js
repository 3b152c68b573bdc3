'use strict';
// browser_page.js: opens a self-contained report in headless Chromium (Debian's /usr/bin/chromium, or $CHROMIUM)
// through playwright-core, for the report browser tests. Any request that is not for the report file itself is
// refused and recorded in `external`. Needs NODE_PATH to reach playwright-core (tests/clients/node_modules).
const path = require('node:path');
const { pathToFileURL } = require('node:url');

// Returns { context, page, external, problems }; the caller closes `context`. Page errors land in `problems`.
async function openReport(htmlPath, outDir) {
  const { chromium } = require('playwright-core');
  const context = await chromium.launchPersistentContext(path.join(outDir, 'profile'), {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    timeout: 30000,
    viewport: { width: 1100, height: 900 },
    deviceScaleFactor: 1,
    // Root in a container: no sandbox. No GPU, no /dev/shm, and nothing that phones home; any host name fails to
    // resolve and any proxied request goes to a closed port.
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--no-default-browser-check',
      '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-default-apps',
      '--disable-domain-reliability', '--disable-breakpad', '--host-resolver-rules=MAP * ~NOTFOUND',
      '--proxy-server=127.0.0.1:9'],
  });
  const external = [];
  const problems = [];
  const reportUrl = pathToFileURL(path.resolve(htmlPath)).href;
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url === reportUrl || url.startsWith('data:')) return route.continue();
    external.push(url);
    return route.abort();
  });
  const page = context.pages()[0] ?? await context.newPage();
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  await page.goto(reportUrl, { waitUntil: 'load', timeout: 20000 });
  return { context, page, external, problems };
}

module.exports = { openReport };
