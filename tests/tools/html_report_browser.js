'use strict';
// html_report_browser.js REPORT.html REPORT.json OUT_DIR: renders a `pushsim run --html` report in headless
// Chromium (Debian's /usr/bin/chromium, or $CHROMIUM) through playwright-core and checks, against the run's JSON
// report, that the charts are really drawn: the timeline with its series, one marker per started wave and the
// halt marker inside the plot, one bar per cause and per customization feature, one table row per wave, each
// with a non-zero rendered size. Writes page.png (full page) and timeline.png, by_cause.png,
// by_customization.png (element shots) into OUT_DIR for png_check.py. Exit 0 when every check holds, 1 with the
// list of what is missing, 2 on a usage or browser error. The page must be self-contained: any request that is
// not for the report file itself is refused and counted as a failure. Needs NODE_PATH to reach playwright-core
// (tests/clients/node_modules, installed by scripts/setup.sh).
const fs = require('node:fs');
const path = require('node:path');
const { openReport } = require('./browser_page.js');

async function main() {
  const [htmlPath, jsonPath, outDir] = process.argv.slice(2);
  if (!htmlPath || !jsonPath || !outDir) {
    console.error('usage: html_report_browser.js REPORT.html REPORT.json OUT_DIR');
    return 2;
  }
  const truth = JSON.parse(fs.readFileSync(jsonPath, 'utf8'));
  fs.mkdirSync(outDir, { recursive: true });

  const { context, page, external, problems } = await openReport(htmlPath, outDir);
  try {
    // Everything measured in the page: counts, rendered boxes, labels.
    const seen = await page.evaluate(() => {
      const box = (el) => {
        const r = el.getBoundingClientRect();
        const st = getComputedStyle(el);
        return { x: r.left, y: r.top, w: r.width, h: r.height, right: r.right, bottom: r.bottom,
          visible: st.display !== 'none' && st.visibility !== 'hidden' && Number(st.opacity) > 0 };
      };
      const all = (root, sel) => (root ? [...root.querySelectorAll(sel)] : []);
      const chart = (id) => {
        const svg = document.getElementById(id);
        return svg && {
          box: box(svg),
          bars: all(svg, 'rect').map(box),
          labels: all(svg, 'text').map((t) => ({ text: t.textContent, ...box(t) })),
        };
      };
      const tl = document.getElementById('timeline');
      const table = document.getElementById('waves');
      return {
        title: document.title,
        timeline: tl && {
          box: box(tl),
          upgrades: all(tl, 'rect.upgrades').map(box),
          failures: all(tl, 'rect.failures').map(box),
          signals: all(tl, 'circle.signals').map(box),
          waves: all(tl, 'line.wave').map(box),
          waveLabels: all(tl, 'text.wave-label').map((t) => ({ text: t.textContent, ...box(t) })),
          halts: all(tl, 'line.halt').map(box),
          deadlines: all(tl, 'line.deadline').map(box),
        },
        byCause: chart('blast-by-cause'),
        byCustomization: chart('blast-by-customization'),
        waveRows: table && all(table, 'tbody tr').filter((tr) => tr.querySelector('td'))
          .map((tr) => ({ first: tr.querySelector('td').textContent, ...box(tr) })),
        table: table && box(table),
      };
    });

    // An area is drawn when it has both sizes; a line (an SVG line's box has no stroke width) when it has one.
    const drawn = (b) => b.visible && b.w > 0 && b.h > 0;
    const shown = (b) => b.visible && (b.w > 0 || b.h > 0);
    const inside = (b, outer) => b.x >= outer.x - 1 && b.right <= outer.right + 1 && b.y >= outer.y - 1 &&
      b.bottom <= outer.bottom + 1;
    const check = (ok, what) => { if (!ok) problems.push(what); };

    if (!seen.title.startsWith('pushsim: ')) problems.push(`title is '${seen.title}'`);
    const buckets = truth.timeline;
    const tl = seen.timeline;
    if (!tl) {
      problems.push('no timeline chart (svg#timeline)');
    } else {
      check(drawn(tl.box) && tl.box.w >= 600 && tl.box.h >= 200,
        `timeline rendered ${tl.box.w}x${tl.box.h}, expected at least 600x200`);
      check(tl.upgrades.length === buckets.length,
        `timeline has ${tl.upgrades.length} upgrade bars for ${buckets.length} hours`);
      const withUpgrades = buckets.filter((b) => b.upgrades > 0).length;
      check(withUpgrades > 0 && tl.upgrades.filter(drawn).length === withUpgrades,
        `${tl.upgrades.filter(drawn).length} upgrade bars drawn, ${withUpgrades} hours had upgrades`);
      const withFailures = buckets.filter((b) => b.failures > 0).length;
      check(tl.failures.filter(drawn).length === withFailures,
        `${tl.failures.filter(drawn).length} failure bars drawn, ${withFailures} hours had failures`);
      const withSignals = buckets.filter((b) => b.breakage_signals > 0).length;
      check(withSignals > 0 && tl.signals.filter(drawn).length === withSignals,
        `${tl.signals.filter(drawn).length} breakage-signal markers drawn, ${withSignals} hours had signals`);
      for (const [name, list] of [['upgrade bar', tl.upgrades], ['failure bar', tl.failures],
        ['signal marker', tl.signals], ['wave marker', tl.waves], ['wave label', tl.waveLabels],
        ['halt marker', tl.halts]]) {
        const outside = list.filter((b) => shown(b) && !inside(b, tl.box)).length;
        check(outside === 0, `${outside} ${name}(s) drawn outside the timeline`);
      }
      const started = truth.waves.filter((w) => w.first_start !== null);
      check(started.length >= 2 && tl.waves.length === started.length,
        `${tl.waves.length} wave markers for ${started.length} started waves (need at least 2)`);
      check(tl.waves.every((b) => b.visible && b.h >= tl.box.h / 2),
        'a wave marker is hidden or shorter than half the timeline');
      for (const w of started) {
        check(tl.waveLabels.some((t) => t.text === `wave ${w.wave}` && drawn(t)), `no label 'wave ${w.wave}'`);
      }
      // The deadline is marked inside the plot, and the rollout keeps readable bars however late the deadline or
      // the last signals are (they go on a compressed tail).
      check(tl.deadlines.length === (truth.deadline ? 1 : 0) && tl.deadlines.every((b) => shown(b) && inside(b, tl.box)),
        `${tl.deadlines.length} deadline markers drawn for deadline ${JSON.stringify(truth.deadline)}`);
      const widest = Math.max(0, ...tl.upgrades.filter(drawn).map((b) => b.w));
      check(widest >= 4, `the widest upgrade bar is ${widest.toFixed(1)} px: the rollout is squeezed`);
      check(truth.metrics.halted === true, 'the scenario did not halt: pick one that does');
      check(tl.halts.length === (truth.metrics.halted ? 1 : 0) &&
        tl.halts.every((b) => b.visible && b.h >= tl.box.h / 2),
        `${tl.halts.length} halt markers drawn for halted=${truth.metrics.halted}`);
    }
    for (const [id, key, chart] of [['blast-by-cause', 'blast_radius_by_cause', seen.byCause],
      ['blast-by-customization', 'blast_radius_by_customization', seen.byCustomization]]) {
      const names = Object.keys(truth[key]);
      if (!chart) { problems.push(`no bar chart svg#${id}`); continue; }
      check(names.length > 0, `${key} is empty: pick a scenario with harm`);
      check(drawn(chart.box), `svg#${id} rendered ${chart.box.w}x${chart.box.h}`);
      check(chart.bars.length === names.length && chart.bars.every((b) => drawn(b) && inside(b, chart.box)),
        `svg#${id}: ${chart.bars.filter(drawn).length} bars drawn inside the chart for ${names.length} entries`);
      for (const n of names) {
        const label = chart.labels.find((t) => t.text === n);
        check(label && drawn(label) && inside(label, chart.box), `svg#${id}: label '${n}' missing or clipped`);
        const value = chart.labels.find((t) => t.text === String(truth[key][n]));
        check(value && drawn(value) && inside(value, chart.box),
          `svg#${id}: value ${truth[key][n]} missing or clipped`);
      }
    }
    if (!seen.waveRows) {
      problems.push('no per-wave table (table#waves)');
    } else {
      check(drawn(seen.table), 'the per-wave table is not drawn');
      check(seen.waveRows.length === truth.waves.length,
        `per-wave table has ${seen.waveRows.length} rows for ${truth.waves.length} waves`);
      seen.waveRows.forEach((r, i) => {
        const w = truth.waves[i];
        check(w && drawn(r) && r.first.trim().split(' ')[0] === String(w.wave),
          `wave table row ${i + 1}: '${r.first}'`);
      });
    }
    check(external.length === 0, `the page asked for ${external.length} outside resource(s): ${external.slice(0, 3)}`);

    await page.screenshot({ path: path.join(outDir, 'page.png'), fullPage: true });
    for (const [id, file] of [['timeline', 'timeline.png'], ['blast-by-cause', 'by_cause.png'],
      ['blast-by-customization', 'by_customization.png']]) {
      const el = page.locator(`[id="${id}"]`);
      if (await el.count()) await el.screenshot({ path: path.join(outDir, file), timeout: 10000 });
    }
  } finally {
    await context.close();
  }
  if (problems.length) {
    console.error(`html_report_browser: ${htmlPath}: ${problems.length} problem(s):\n  ${problems.join('\n  ')}`);
    return 1;
  }
  console.log(`html_report_browser: ${htmlPath}: timeline, wave and halt markers, both bar charts and the wave table ` +
    'are drawn');
  return 0;
}

main().then((code) => { process.exitCode = code; }, (e) => {
  console.error(`html_report_browser: ${e.stack || e}`);
  process.exitCode = 2;
});
