'use strict';
// The Salesforce CLI's data and org commands against `pushsim serve`, each checked against the served world:
// `sf data query` (human, csv and json formats, --all-rows), `sf data export bulk` (Bulk API 2.0 query jobs, csv and
// json, several result pages), `sf data get record`, `sf sobject list | describe`, `sf org list limits`,
// `sf org display`. The truth is GET /pushsim/v1/truth (org count) and the REST query endpoint read directly.
// (`sf data query --bulk` no longer exists in the pinned CLI; `sf data export bulk` is its replacement.)
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const jsforce = require('jsforce');
const { startServe } = require('./serve_fixture');
const { makeSf } = require('./sf_runner');

const TOKEN = '00D000000000PSHAAA!pushsimClientsTestToken0123456789';
const ORGS = 2500;  // more than one REST query page (2000 rows) and several 500-row Bulk results pages

describe('Salesforce CLI data commands against pushsim serve', () => {
  let srv;
  let sf;
  let home;
  let cleanup;
  let conn;
  let truth;

  const show = (r) => `exit ${r.code}\nstdout: ${r.stdout.slice(0, 3000)}\nstderr: ${r.stderr.slice(-2000)}\n` +
    `server stderr: ${srv.stderr()}`;
  // Every subscriber row as the REST query endpoint answers it (jsforce pages through the locators).
  const restRows = async (soql) => (await conn.query(soql).run({ autoFetch: true, maxFetch: 1e6 })).records;

  before(async () => {
    srv = await startServe(['--set', `/population/count=${ORGS}`, '--set', '/platform/faults={}', '--token', TOKEN]);
    ({ home, sf, cleanup } = makeSf(TOKEN));
    conn = new jsforce.Connection({ instanceUrl: srv.url, accessToken: TOKEN, version: '60.0' });
    truth = await srv.admin('GET', 'truth');
    const r = await sf(['org', 'login', 'access-token', '--instance-url', srv.url, '--no-prompt', '--alias', 'ps',
      '--set-default']);
    assert.equal(r.code, 0, show(r));
  });

  after(async () => {
    if (srv) assert.equal(await srv.stop(), 0);
    if (cleanup) cleanup();
  });

  test('sf data query --json pages through every subscriber (truth: org count)', async () => {
    const r = await sf(['data', 'query', '--query', 'SELECT Id, OrgKey, OrgStatus FROM PackageSubscriber', '-o', 'ps']);
    assert.equal(r.code, 0, show(r));
    assert.equal(r.json.result.totalSize, truth.summary.orgs);
    assert.equal(r.json.result.records.length, truth.summary.orgs);
    const keys = new Set(r.json.result.records.map((x) => x.OrgKey));
    assert.equal(keys.size, truth.summary.orgs);
  });

  test('sf data query --all-rows (queryAll) gives the same rows', async () => {
    const q = "SELECT OrgKey FROM PackageSubscriber WHERE OrgStatus = 'Active'";
    const r = await sf(['data', 'query', '--query', q, '--all-rows', '-o', 'ps']);
    assert.equal(r.code, 0, show(r));
    const rest = await restRows(q);
    assert.deepEqual(r.json.result.records.map((x) => x.OrgKey).sort(), rest.map((x) => x.OrgKey).sort());
  });

  test('sf data query, human format, shows the columns (relationship included) and the rows', async () => {
    const q = 'SELECT Id, OrgKey, MetadataPackageVersion.Name FROM PackageSubscriber ORDER BY OrgKey LIMIT 3';
    const r = await sf(['data', 'query', '--query', q, '-o', 'ps'], { json: false });
    assert.equal(r.code, 0, show(r));
    assert.match(r.stdout, /ID\s.*ORGKEY\s.*METADATAPACKAGEVERSION\.NAME/);
    for (const row of await restRows(q)) {
      assert.match(r.stdout, new RegExp(`${row.Id}\\s.*${row.OrgKey}\\s.*${row.MetadataPackageVersion.Name}`));
    }
    assert.match(r.stdout, /Total number of records retrieved: 3\./);
  });

  test('sf data query -r csv: header from the column metadata, aggregates named by alias or function', async () => {
    const r = await sf(['data', 'query', '--query', 'SELECT Id, OrgKey FROM PackageSubscriber ORDER BY OrgKey LIMIT 5',
      '-r', 'csv', '-o', 'ps'], { json: false });
    assert.equal(r.code, 0, show(r));
    const rest = await restRows('SELECT Id, OrgKey FROM PackageSubscriber ORDER BY OrgKey LIMIT 5');
    assert.deepEqual(r.stdout.trim().split('\n'), ['Id,OrgKey', ...rest.map((x) => `${x.Id},${x.OrgKey}`)]);
    for (const [sel, header] of [['COUNT(Id) n', 'n'], ['COUNT(Id)', 'COUNT(Id)']]) {
      const a = await sf(['data', 'query', '--query', `SELECT ${sel}, OrgStatus FROM PackageSubscriber GROUP BY OrgStatus`,
        '-r', 'csv', '-o', 'ps'], { json: false });
      assert.equal(a.code, 0, show(a));
      const lines = a.stdout.trim().split('\n');
      assert.equal(lines[0], `${header},OrgStatus`);
      const total = lines.slice(1).reduce((s, l) => s + Number(l.split(',')[0]), 0);
      assert.equal(total, truth.summary.orgs);
    }
  });

  test('15-character ids match their 18-character form in Id and reference filters', async () => {
    const [row] = await restRows('SELECT Id, MetadataPackageVersionId FROM PackageSubscriber ORDER BY OrgKey LIMIT 1');
    const r = await sf(['data', 'query', '--query', `SELECT Id FROM PackageSubscriber WHERE Id = '${row.Id.slice(0, 15)}'`,
      '-o', 'ps']);
    assert.equal(r.code, 0, show(r));
    assert.deepEqual(r.json.result.records.map((x) => x.Id), [row.Id]);
    const v15 = row.MetadataPackageVersionId.slice(0, 15);
    const byRef = await sf(['data', 'query', '--query',
      `SELECT Id FROM PackageSubscriber WHERE MetadataPackageVersionId = '${v15}'`, '-o', 'ps']);
    const rest = await restRows(`SELECT Id FROM PackageSubscriber WHERE MetadataPackageVersionId = '${row.MetadataPackageVersionId}'`);
    assert.equal(byRef.json.result.totalSize, rest.length);
    assert.ok(rest.length >= 1);
  });

  test('sf data export bulk (csv): Bulk API 2.0 query job, every subscriber once', async () => {
    const out = path.join(home, 'subs.csv');
    const r = await sf(['data', 'export', 'bulk', '--query', 'SELECT Id, OrgKey, OrgName, MetadataPackageVersion.Name ' +
      'FROM PackageSubscriber', '--output-file', out, '--wait', '2', '-o', 'ps']);
    assert.equal(r.code, 0, show(r));
    assert.equal(r.json.result.totalSize, truth.summary.orgs);
    const lines = fs.readFileSync(out, 'utf8').trim().split('\n');
    assert.equal(lines[0], '"Id","OrgKey","OrgName","MetadataPackageVersion.Name"');
    assert.equal(lines.length - 1, truth.summary.orgs);
    const rest = await restRows('SELECT Id, OrgKey FROM PackageSubscriber');
    const ids = new Set(lines.slice(1).map((l) => l.split(',')[0].replace(/"/g, '')));
    assert.deepEqual([...ids].sort(), rest.map((x) => x.Id).sort());
  });

  test('sf data export bulk (json) of push requests matches the REST rows', async () => {
    const v = (await restRows("SELECT Id FROM MetadataPackageVersion WHERE ReleaseState = 'Released' LIMIT 1"))[0];
    for (let i = 0; i < 3; ++i) await conn.sobject('PackagePushRequest').create({ PackageVersionId: v.Id });
    const out = path.join(home, 'reqs.json');
    const q = 'SELECT Id, Status, PackageVersionId FROM PackagePushRequest';
    const r = await sf(['data', 'export', 'bulk', '--query', q, '--output-file', out, '--result-format', 'json',
      '--wait', '2', '-o', 'ps']);
    assert.equal(r.code, 0, show(r));
    const got = JSON.parse(fs.readFileSync(out, 'utf8'));
    const rest = await restRows(q);
    assert.equal(got.length, rest.length);
    assert.deepEqual(got.map((x) => `${x.Id} ${x.Status} ${x.PackageVersionId}`).sort(),
      rest.map((x) => `${x.Id} ${x.Status} ${x.PackageVersionId}`).sort());
  });

  test('Bulk API 2.0 results page by Sforce-Locator with Sforce-NumberOfRecords', async () => {
    const base = `${srv.url}/services/data/v60.0/jobs/query`;
    const headers = { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' };
    const job = await (await fetch(base, { method: 'POST', headers,
      body: JSON.stringify({ operation: 'query', query: 'SELECT Id FROM PackageSubscriber' }) })).json();
    assert.equal(job.state, 'UploadComplete');
    const info = await (await fetch(`${base}/${job.id}`, { headers })).json();
    assert.equal(info.state, 'JobComplete');
    assert.equal(info.numberRecordsProcessed, truth.summary.orgs);
    let locator;
    let rows = 0;
    let pages = 0;
    do {
      const res = await fetch(`${base}/${job.id}/results?maxRecords=500${locator ? `&locator=${locator}` : ''}`, { headers });
      assert.equal(res.status, 200);
      const n = Number(res.headers.get('sforce-numberofrecords'));
      assert.equal((await res.text()).trim().split('\n').length - 1, n);
      rows += n;
      ++pages;
      locator = res.headers.get('sforce-locator');
    } while (locator !== 'null');
    assert.equal(rows, truth.summary.orgs);
    assert.equal(pages, Math.ceil(truth.summary.orgs / 500));
    const del = await fetch(`${base}/${job.id}`, { method: 'DELETE', headers });
    assert.equal(del.status, 204);
  });

  test('sf data get record returns the subscriber the REST API has', async () => {
    const [row] = await restRows('SELECT Id, OrgKey, OrgName, OrgStatus FROM PackageSubscriber ORDER BY OrgKey LIMIT 1');
    const r = await sf(['data', 'get', 'record', '--sobject', 'PackageSubscriber', '--record-id', row.Id, '-o', 'ps']);
    assert.equal(r.code, 0, show(r));
    assert.equal(r.json.result.Id, row.Id);
    assert.equal(r.json.result.OrgKey, row.OrgKey);
    assert.equal(r.json.result.OrgName, row.OrgName);
    assert.equal(r.json.result.OrgStatus, row.OrgStatus);
  });

  test('sf sobject list and describe show the push objects', async () => {
    const l = await sf(['sobject', 'list', '--sobject', 'all', '-o', 'ps']);
    assert.equal(l.code, 0, show(l));
    for (const o of ['PackageSubscriber', 'MetadataPackageVersion', 'PackagePushRequest', 'PackagePushJob',
      'PackagePushError']) {
      assert.ok(l.json.result.includes(o), o);
    }
    const d = await sf(['sobject', 'describe', '--sobject', 'PackagePushJob', '-o', 'ps']);
    assert.equal(d.code, 0, show(d));
    assert.equal(d.json.result.name, 'PackagePushJob');
    assert.equal(d.json.result.keyPrefix, '0DX');
    const f = d.json.result.fields.find((x) => x.name === 'PackagePushRequestId');
    assert.deepEqual(f.referenceTo, ['PackagePushRequest']);
  });

  test('sf org list limits reports the API requests the server counted', async () => {
    const r = await sf(['org', 'list', 'limits', '-o', 'ps']);
    assert.equal(r.code, 0, show(r));
    const api = r.json.result.find((x) => x.name === 'DailyApiRequests');
    assert.ok(api && api.max > 0);
    assert.ok(api.remaining < api.max, JSON.stringify(api));
    await conn.query('SELECT Id FROM PackageSubscriber LIMIT 1');  // one more counted call
    const again = await sf(['org', 'list', 'limits', '-o', 'ps']);
    const api2 = again.json.result.find((x) => x.name === 'DailyApiRequests');
    assert.ok(api2.remaining < api.remaining, `${api2.remaining} !< ${api.remaining}`);
  });

  test('sf org display shows the served org', async () => {
    const r = await sf(['org', 'display', '-o', 'ps']);
    assert.equal(r.code, 0, show(r));
    assert.equal(r.json.result.id, '00D000000000PSHAAA');
    assert.equal(r.json.result.username, 'admin@pushsim.example');
    assert.equal(r.json.result.connectedStatus, 'Connected');
    assert.equal(r.json.result.instanceUrl.replace(/\/$/, ''), srv.url);
  });
});
