'use strict';
// The Salesforce CLI (@salesforce/cli) against `pushsim serve`: login with an access token, then
// `sf package push-upgrade schedule | list | report | abort`, each asserting on the command's --json output.
// The CLI runs through sf_runner.js (its own HOME, telemetry off).
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const jsforce = require('jsforce');
const { startServe } = require('./serve_fixture');
const { makeSf } = require('./sf_runner');

const TOKEN = '00D000000000PSHAAA!pushsimClientsTestToken0123456789';

describe('Salesforce CLI against pushsim serve', () => {
  let srv;
  let home;
  let sf;
  let cleanup;
  let conn;
  let versionId;
  let packageId;
  let orgKeys;
  let pendingRequest;
  let runRequest;

  const show = (r) => `exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr.slice(-2000)}\nserver stderr: ${srv.stderr()}`;

  before(async () => {
    // The default scenario's world without its seeded faults.
    srv = await startServe(['--set', '/population/count=300', '--set', '/platform/faults={}', '--token', TOKEN,
      '--speed', '1']);
    ({ home, sf, cleanup } = makeSf(TOKEN));
    conn = new jsforce.Connection({ instanceUrl: srv.url, accessToken: TOKEN, version: '60.0' });
    const v = await conn.query("SELECT Id, MetadataPackageId FROM MetadataPackageVersion WHERE ReleaseState = 'Released' " +
      'ORDER BY MajorVersion DESC, MinorVersion DESC, PatchVersion DESC LIMIT 1');
    versionId = v.records[0].Id;
    packageId = v.records[0].MetadataPackageId;
    const subs = await conn.query(`SELECT OrgKey FROM PackageSubscriber WHERE OrgStatus = 'Active' AND InstalledStatus = 'i' ` +
      `AND MetadataPackageVersionId != '${versionId}'`);
    // Keep orgs a probe request accepts (push-blocked or otherwise ineligible orgs would fail the bulk upload).
    const probe = await conn.sobject('PackagePushRequest').create({ PackageVersionId: versionId });
    const candidates = subs.records.slice(0, 40).map((r) => r.OrgKey.slice(0, 15));
    const res = await conn.sobject('PackagePushJob').create(
      candidates.map((k) => ({ PackagePushRequestId: probe.id, SubscriberOrganizationKey: k })), { allOrNone: false });
    orgKeys = candidates.filter((_, i) => res[i].success).slice(0, 10);
    await conn.sobject('PackagePushRequest').update({ Id: probe.id, Status: 'Canceled' });
    assert.ok(orgKeys.length >= 4, `only ${orgKeys.length} eligible orgs`);
  });

  after(async () => {
    if (srv) assert.equal(await srv.stop(), 0);
    if (cleanup) cleanup();
  });

  test('sf org login access-token', async () => {
    const r = await sf(['org', 'login', 'access-token', '--instance-url', srv.url, '--no-prompt', '--alias', 'pushsim',
      '--set-default-dev-hub']);
    assert.equal(r.code, 0, show(r));
    assert.equal(r.json.status, 0);
    assert.equal(r.json.result.username, 'admin@pushsim.example');
    assert.equal(r.json.result.orgId, '00D000000000PSHAAA');
    assert.equal(r.json.result.instanceUrl.replace(/\/$/, ''), srv.url);
  });

  test('sf package push-upgrade schedule (--org-file, future start) -> Pending', async () => {
    const csv = path.join(home, 'orgs.csv');
    fs.writeFileSync(csv, orgKeys.slice(0, 2).join('\n') + '\n');
    const start = new Date(Date.parse((await srv.admin('GET', 'time')).sim_time) + 7 * 86400e3).toISOString();
    const r = await sf(['package', 'push-upgrade', 'schedule', '--package', versionId, '--org-file', csv,
      '--start-time', start, '--target-dev-hub', 'pushsim']);
    assert.equal(r.code, 0, show(r));
    assert.match(r.json.result.PushRequestId, /^0DV/);
    assert.equal(r.json.result.Status, 'Pending');
    pendingRequest = r.json.result.PushRequestId;
    const check = await conn.sobject('PackagePushRequest').retrieve(pendingRequest);
    assert.equal(check.Status, 'Pending');
    const jobs = await conn.query(`SELECT SubscriberOrganizationKey FROM PackagePushJob WHERE PackagePushRequestId = '${pendingRequest}'`);
    assert.equal(jobs.totalSize, 2);
  });

  test('sf package push-upgrade list shows the request with its org count', async () => {
    const r = await sf(['package', 'push-upgrade', 'list', '--package', packageId, '--target-dev-hub', 'pushsim']);
    assert.equal(r.code, 0, show(r));
    const row = r.json.result.find((x) => x.Id === pendingRequest);
    assert.ok(row, JSON.stringify(r.json.result));
    assert.equal(row.Status, 'Pending');
    assert.equal(row.PackageVersionId, versionId);
    // The command's JSON is the PackagePushRequest rows (its table adds the org counts).
    assert.ok(row.PackageVersion && row.PackageVersion.Name, JSON.stringify(row));
    assert.equal(typeof row.PackageVersion.MajorVersion, 'number');
    assert.equal(row.IsMigration, false);
  });

  test('sf package push-upgrade abort cancels a Pending request', async () => {
    const r = await sf(['package', 'push-upgrade', 'abort', '--push-request-id', pendingRequest, '--target-dev-hub', 'pushsim']);
    assert.equal(r.code, 0, show(r));
    assert.equal(r.json.result.success, true);
    assert.equal((await conn.sobject('PackagePushRequest').retrieve(pendingRequest)).Status, 'Canceled');
  });

  test('schedule now, advance sim time, report shows the finished request', async () => {
    const csv = path.join(home, 'orgs2.csv');
    fs.writeFileSync(csv, orgKeys.slice(2).join('\r\n') + '\r\n');
    const r = await sf(['package', 'push-upgrade', 'schedule', '--package', versionId, '--org-file', csv,
      '--target-dev-hub', 'pushsim']);
    assert.equal(r.code, 0, show(r));
    runRequest = r.json.result.PushRequestId;
    let status;
    for (let i = 0; i < 30; ++i) {
      await srv.admin('POST', 'time/advance', { seconds: 3600 });
      status = (await conn.sobject('PackagePushRequest').retrieve(runRequest)).Status;
      if (status === 'Succeeded' || status === 'Failed') break;
    }
    assert.ok(status === 'Succeeded' || status === 'Failed', status);
    const rep = await sf(['package', 'push-upgrade', 'report', '--push-request-id', runRequest, '--target-dev-hub', 'pushsim']);
    assert.equal(rep.code, 0, show(rep));
    assert.equal(rep.json.result.Id, runRequest);
    assert.equal(rep.json.result.Status, status);
    assert.equal(rep.json.result.PackageVersionId, versionId);
    assert.ok(rep.json.result.PackageVersion.MetadataPackage.Name);
    assert.ok(rep.json.result.StartTime && rep.json.result.EndTime);
  });

  test('sf package push-upgrade abort refuses a finished request', async () => {
    const r = await sf(['package', 'push-upgrade', 'abort', '--push-request-id', runRequest, '--target-dev-hub', 'pushsim']);
    assert.notEqual(r.code, 0, show(r));
    assert.equal(r.json.status, 1);
    assert.match(r.json.message, /Only push upgrade requests with a status of 'Created' or 'Pending' can be cancelled/);
  });
});
