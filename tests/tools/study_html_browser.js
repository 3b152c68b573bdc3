'use strict';
// study_html_browser.js REPORT.html REPORT.json OUT_DIR: renders a `pushsim study --html` report in headless
// Chromium (browser_page.js) and checks it against the study's JSON: for every sweep point, plan and numeric
// metric with values, a histogram (svg#hist-<point>-<metric>-<plan>) with at least one drawn bar and its mean line
// inside the chart; one comparison table row per JSON comparison; with a sweep, a tornado bar per sensitivity row
// with a swing (at most 12). Writes page.png and tornado.png into OUT_DIR for png_check.py. Exit 0 when every
// check holds, 1 with the list of what is missing, 2 on a usage or browser error.
const fs = require('node:fs');
const path = require('node:path');
const { openReport } = require('./browser_page.js');

async function main() {
  const [htmlPath, jsonPath, outDir] = process.argv.slice(2);
  if (!htmlPath || !jsonPath || !outDir) {
    console.error('usage: study_html_browser.js REPORT.html REPORT.json OUT_DIR');
    return 2;
  }
  const truth = JSON.parse(fs.readFileSync(jsonPath, 'utf8'));
  fs.mkdirSync(outDir, { recursive: true });
  const points = truth.sweep || [{ plans: truth.plans, comparisons: truth.comparisons }];
  const { context, page, external, problems } = await openReport(htmlPath, outDir);
  try {
    const seen = await page.evaluate(() => {
      const box = (el) => {
        const r = el.getBoundingClientRect();
        const st = getComputedStyle(el);
        return { x: r.left, y: r.top, w: r.width, h: r.height, right: r.right, bottom: r.bottom,
          visible: st.display !== 'none' && st.visibility !== 'hidden' && Number(st.opacity) > 0 };
      };
      const hists = {};
      for (const svg of document.querySelectorAll('svg.hist')) {
        hists[svg.id] = { box: box(svg), bars: [...svg.querySelectorAll('rect.bar')].map(box),
          means: [...svg.querySelectorAll('line.mean')].map(box) };
      }
      const tables = {};
      for (const t of document.querySelectorAll('table.comparisons')) {
        tables[t.id] = [...t.querySelectorAll('tr')].filter((tr) => tr.querySelector('td')).map(box);
      }
      const tornado = document.getElementById('tornado');
      return { title: document.title, hists, tables,
        tornado: tornado && { box: box(tornado), bars: [...tornado.querySelectorAll('rect.swing')].map(box) } };
    });
    const drawn = (b) => b.visible && b.w > 0 && b.h > 0;
    const inside = (b, o) => b.x >= o.x - 1 && b.right <= o.right + 1 && b.y >= o.y - 1 && b.bottom <= o.bottom + 1;
    const check = (ok, what) => { if (!ok) problems.push(what); };

    check(seen.title.startsWith('pushsim study: '), `title is '${seen.title}'`);
    let histograms = 0;
    points.forEach((point, i) => {
      point.plans.forEach((plan, p) => {
        for (const [metric, s] of Object.entries(plan.metrics)) {
          if (!('mean' in s) || s.n === 0) continue;
          const id = `hist-${i}-${metric}-${p}`;
          const h = seen.hists[id];
          if (!h) { problems.push(`no histogram svg#${id}`); continue; }
          check(drawn(h.box), `svg#${id} rendered ${h.box.w}x${h.box.h}`);
          check(h.bars.some(drawn) && h.bars.every((b) => inside(b, h.box)), `svg#${id}: no bar drawn inside`);
          check(h.means.length === 1 && h.means[0].visible && inside(h.means[0], h.box), `svg#${id}: no mean line`);
          histograms += 1;
        }
      });
      if (point.comparisons.length) {
        const rows = seen.tables[`comparisons-${i}`];
        check(rows && rows.length === point.comparisons.length && rows.every(drawn),
          `comparisons-${i}: ${rows ? rows.length : 0} rows for ${point.comparisons.length} comparisons`);
      }
    });
    check(histograms > 0, 'the study has no numeric metric with values');
    if (truth.sensitivity) {
      const swings = Math.min(12, truth.sensitivity.filter((r) => r.swing !== 0).length);
      if (!seen.tornado) {
        problems.push('no tornado chart (svg#tornado)');
      } else {
        check(swings > 0 && seen.tornado.bars.length === swings &&
          seen.tornado.bars.every((b) => drawn(b) && inside(b, seen.tornado.box)),
        `tornado: ${seen.tornado.bars.filter(drawn).length} bars drawn for ${swings} swings`);
      }
    }
    check(external.length === 0, `the page asked for ${external.length} outside resource(s): ${external.slice(0, 3)}`);
    await page.screenshot({ path: path.join(outDir, 'page.png'), fullPage: true });
    const tornado = page.locator('[id="tornado"]');
    if (await tornado.count()) await tornado.screenshot({ path: path.join(outDir, 'tornado.png'), timeout: 10000 });
  } finally {
    await context.close();
  }
  if (problems.length) {
    console.error(`study_html_browser: ${htmlPath}: ${problems.length} problem(s):\n  ${problems.join('\n  ')}`);
    return 1;
  }
  console.log(`study_html_browser: ${htmlPath}: histograms, comparison tables and the tornado chart are drawn`);
  return 0;
}

main().then((code) => { process.exitCode = code; }, (e) => {
  console.error(`study_html_browser: ${e.stack || e}`);
  process.exitCode = 2;
});
