'use strict';
// The jsforce 3 calls partners use before a push, against `pushsim serve`, each checked against the served world
// (GET /pushsim/v1/truth for the org count, the REST query endpoint read directly for rows): bulk2.query,
// query().run({autoFetch, maxFetch}), query with scanAll (queryAll), sobject().find().execute(), describe,
// describeGlobal, identity() and limits().
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const jsforce = require('jsforce');
const { startServe } = require('./serve_fixture');

const API = '60.0';
const ORGS = 2500;  // more than one REST page (2000 rows)

describe('jsforce calls against pushsim serve', () => {
  let srv;
  let conn;
  let truth;

  before(async () => {
    srv = await startServe(['--set', `/population/count=${ORGS}`, '--set', '/platform/faults={}']);
    conn = new jsforce.Connection({ instanceUrl: srv.url, accessToken: srv.token, version: API });
    truth = await srv.admin('GET', 'truth');
  });

  after(async () => {
    if (srv) assert.equal(await srv.stop(), 0, `pushsim serve did not stop cleanly: ${srv.stderr()}`);
  });

  // Every row of soql read page by page through the locators, without jsforce's helpers.
  async function pagedRows(soql) {
    let res = await conn.request(`/services/data/v${API}/query?q=${encodeURIComponent(soql)}`);
    const rows = [...res.records];
    while (!res.done) {
      res = await conn.request(res.nextRecordsUrl);
      rows.push(...res.records);
    }
    return rows;
  }

  test('bulk2.query returns every subscriber (truth: org count) with the REST values', async () => {
    const rows = await (await conn.bulk2.query('SELECT Id, OrgKey, OrgStatus, MetadataPackageVersion.Name FROM ' +
      'PackageSubscriber')).toArray();
    assert.equal(rows.length, truth.summary.orgs);
    const rest = new Map((await pagedRows('SELECT Id, OrgKey, OrgStatus, MetadataPackageVersion.Name FROM ' +
      'PackageSubscriber')).map((r) => [r.Id, r]));
    for (const r of rows) {
      const x = rest.get(r.Id);
      assert.ok(x, r.Id);
      assert.equal(r.OrgKey, x.OrgKey);
      assert.equal(r.OrgStatus, x.OrgStatus);
      assert.equal(r['MetadataPackageVersion.Name'], x.MetadataPackageVersion ? x.MetadataPackageVersion.Name : '');
    }
  });

  test('query().run({autoFetch, maxFetch}) stops at maxFetch and reports the full totalSize', async () => {
    const res = await conn.query('SELECT Id FROM PackageSubscriber').run({ autoFetch: true, maxFetch: 2300 });
    assert.equal(res.totalSize, truth.summary.orgs);
    assert.equal(res.records.length, 2300);
    const all = await conn.query('SELECT Id FROM PackageSubscriber').run({ autoFetch: true, maxFetch: 1e6 });
    assert.equal(new Set(all.records.map((r) => r.Id)).size, truth.summary.orgs);
  });

  test('query with scanAll (queryAll) gives the rows query gives', async () => {
    const soql = "SELECT Id FROM PackageSubscriber WHERE OrgStatus = 'Inactive'";
    const all = await conn.query(soql, { scanAll: true }).run({ autoFetch: true, maxFetch: 1e6 });
    const rest = await pagedRows(soql);
    assert.ok(rest.length > 0);
    assert.deepEqual(all.records.map((r) => r.Id).sort(), rest.map((r) => r.Id).sort());
  });

  test('sobject().find(conditions, fields).sort().limit().execute()', async () => {
    const rows = await conn.sobject('PackageSubscriber').find({ OrgStatus: 'Active', OrgType: 'Sandbox' },
      ['Id', 'OrgKey']).sort({ OrgKey: 1 }).limit(7).execute();
    const rest = await pagedRows("SELECT Id, OrgKey FROM PackageSubscriber WHERE OrgStatus = 'Active' AND " +
      "OrgType = 'Sandbox' ORDER BY OrgKey ASC LIMIT 7");
    assert.ok(rest.length > 0);
    assert.deepEqual(rows.map((r) => r.OrgKey), rest.map((r) => r.OrgKey));
  });

  test('describe and describeGlobal name the push objects and their fields', async () => {
    const g = await conn.describeGlobal();
    const names = g.sobjects.map((o) => o.name);
    for (const o of ['PackageSubscriber', 'MetadataPackageVersion', 'PackagePushRequest', 'PackagePushJob',
      'PackagePushError']) {
      assert.ok(names.includes(o), o);
    }
    const d = await conn.describe('PackagePushRequest');
    assert.equal(d.name, 'PackagePushRequest');
    assert.equal(d.keyPrefix, '0DV');
    const status = d.fields.find((f) => f.name === 'Status');
    assert.ok(status, JSON.stringify(d.fields.map((f) => f.name)));
    assert.ok(d.childRelationships.some((c) => c.childSObject === 'PackagePushJob'));
  });

  test('identity() names the partner user and org', async () => {
    const id = await conn.identity();
    assert.equal(id.organization_id, '00D000000000PSHAAA');
    assert.equal(id.username, 'admin@pushsim.example');
    assert.equal(id.user_id, '005000000000PSHAAA');
  });

  test('limits() counts the API requests made', async () => {
    const a = await conn.limits();
    await conn.query('SELECT Id FROM MetadataPackage');
    const b = await conn.limits();
    assert.ok(a.DailyApiRequests.Max > 0);
    assert.ok(b.DailyApiRequests.Remaining < a.DailyApiRequests.Remaining,
      `${b.DailyApiRequests.Remaining} !< ${a.DailyApiRequests.Remaining}`);
  });
});
