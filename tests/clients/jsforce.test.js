'use strict';
// jsforce 3 against `pushsim serve`: paged subscriber query, push request + jobs through composite/tree and
// composite/sobjects, PATCH Pending, admin time advance, job statuses with their PackagePushError children (checked
// against the server's ground truth), and the abort rules.
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const jsforce = require('jsforce');
const { startServe } = require('./serve_fixture');

const API = '60.0';
// Salesforce spells an error's code errorCode in REST errors and statusCode in composite/sobjects results.
const codeOf = (e) => e.errorCode ?? e.statusCode;
const ORGS = 6000;

describe('jsforce against pushsim serve', () => {
  let srv;
  let conn;
  let subscribers = [];     // every PackageSubscriber row
  let targetVersion;        // MetadataPackageVersion row we push
  let eligible = [];        // org keys accepted as jobs by a probe request
  let request;              // the request we run to the end

  before(async () => {
    // The default scenario's world without its seeded faults, with the pick-up delay the test relies on.
    srv = await startServe(['--set', `/population/count=${ORGS}`, '--set', '/platform/faults={}',
      '--set', '/platform/pickup_delay_s={"min": 20, "max": 180}', '--speed', '1']);
    // The test drives sim time itself.
    await srv.admin('POST', 'time/freeze');
    conn = new jsforce.Connection({ instanceUrl: srv.url, accessToken: srv.token, version: API });
  });

  after(async () => {
    if (srv) assert.equal(await srv.stop(), 0, `pushsim serve did not stop cleanly: ${srv.stderr()}`);
  });

  test('a wrong token is refused with INVALID_SESSION_ID', async () => {
    const bad = new jsforce.Connection({ instanceUrl: srv.url, accessToken: 'nope', version: API });
    await assert.rejects(bad.query('SELECT Id FROM MetadataPackage'), (err) => err.errorCode === 'INVALID_SESSION_ID');
  });

  test('PackageSubscriber pages through all rows (at most 2000 a page)', async () => {
    let res = await conn.query(
      'SELECT Id, OrgKey, OrgName, OrgType, OrgStatus, InstalledStatus, MetadataPackageVersionId FROM PackageSubscriber');
    assert.equal(res.totalSize, ORGS);
    const pages = [res.records.length];
    subscribers = [...res.records];
    while (!res.done) {
      assert.ok(res.nextRecordsUrl, 'a page that is not done has a nextRecordsUrl');
      res = await conn.queryMore(res.nextRecordsUrl);
      pages.push(res.records.length);
      subscribers.push(...res.records);
    }
    assert.ok(pages.length >= 3, `expected several pages, got ${pages}`);
    for (const n of pages) assert.ok(n <= 2000, `page of ${n} rows`);
    assert.equal(subscribers.length, ORGS);
    assert.equal(new Set(subscribers.map((s) => s.Id)).size, ORGS, 'no row twice');
    for (const s of subscribers.slice(0, 10)) {
      assert.match(s.OrgKey, /^00D[A-Za-z0-9]{12}$/);
      assert.equal(s.attributes.type, 'PackageSubscriber');
    }
    // The same through jsforce's autoFetch.
    const all = await conn.query('SELECT Id FROM PackageSubscriber').run({ autoFetch: true, maxFetch: 10000 });
    assert.equal(all.records.length, ORGS);
  });

  test('the newest released version is found', async () => {
    const res = await conn.query(
      "SELECT Id, Name, MajorVersion, MinorVersion, PatchVersion, ReleaseState FROM MetadataPackageVersion " +
      "WHERE ReleaseState = 'Released' ORDER BY MajorVersion DESC, MinorVersion DESC, PatchVersion DESC LIMIT 1");
    assert.equal(res.records.length, 1);
    targetVersion = res.records[0];
    assert.match(targetVersion.Id, /^04t/);
  });

  test('composite/sobjects with allOrNone=false answers per record; a Created request can be canceled', async () => {
    const probe = await conn.sobject('PackagePushRequest').create({ PackageVersionId: targetVersion.Id });
    assert.ok(probe.success);
    assert.match(probe.id, /^0DV/);
    const candidates = subscribers
      .filter((s) => s.OrgStatus === 'Active' && s.InstalledStatus === 'i' && s.MetadataPackageVersionId !== targetVersion.Id)
      .slice(0, 150)
      .map((s) => s.OrgKey);
    assert.ok(candidates.length >= 100, `only ${candidates.length} candidate orgs`);
    const records = candidates.map((k) => ({ PackagePushRequestId: probe.id, SubscriberOrganizationKey: k }));
    records.push({ PackagePushRequestId: probe.id, SubscriberOrganizationKey: '00Dnotanorg0000' });
    const results = await conn.sobject('PackagePushJob').create(records, { allOrNone: false });
    assert.equal(results.length, records.length);
    results.forEach((r, i) => {
      if (r.success) {
        assert.match(r.id, /^0DX/);
        eligible.push(candidates[i]);
      } else {
        assert.ok(r.errors.length > 0 && codeOf(r.errors[0]), `record ${i}: an error with a code: ${JSON.stringify(r)}`);
      }
    });
    const last = results[results.length - 1];
    assert.equal(last.success, false, 'an unknown org is refused');
    assert.ok(eligible.length >= 30, `only ${eligible.length} orgs accepted`);
    // Cancel the probe while Created.
    const upd = await conn.sobject('PackagePushRequest').update({ Id: probe.id, Status: 'Canceled' });
    assert.ok(upd.success, JSON.stringify(upd));
    const after = await conn.sobject('PackagePushRequest').retrieve(probe.id);
    assert.equal(after.Status, 'Canceled');
  });

  test('composite/tree is all-or-nothing and creates jobs; composite/sobjects adds more; PATCH Pending', async () => {
    const created = await conn.sobject('PackagePushRequest').create({ PackageVersionId: targetVersion.Id });
    assert.ok(created.success);
    request = created.id;
    const treeUrl = `/services/data/v${API}/composite/tree/PackagePushJob`;
    const treeBody = (keys) => JSON.stringify({
      records: keys.map((k, i) => ({
        attributes: { type: 'PackagePushJob', referenceId: `ref${i}` },
        PackagePushRequestId: request, SubscriberOrganizationKey: k,
      })),
    });
    // One bad org: nothing is created.
    let failed;
    try {
      await conn.request({ method: 'POST', url: treeUrl, body: treeBody([eligible[0], '00Dnotanorg0000']),
        headers: { 'Content-Type': 'application/json' } });
    } catch (err) {
      failed = err;
    }
    assert.ok(failed, 'a tree with an unknown org fails');
    let count = await conn.query(`SELECT COUNT(Id) FROM PackagePushJob WHERE PackagePushRequestId = '${request}'`);
    assert.equal(count.records[0].expr0, 0, 'all-or-nothing: no job was created');

    const tree = await conn.request({ method: 'POST', url: treeUrl, body: treeBody(eligible.slice(0, 5)),
      headers: { 'Content-Type': 'application/json' } });
    assert.equal(tree.hasErrors, false, JSON.stringify(tree));
    assert.equal(tree.results.length, 5);
    for (const r of tree.results) assert.match(r.id, /^0DX/);
    assert.deepEqual(tree.results.map((r) => r.referenceId), ['ref0', 'ref1', 'ref2', 'ref3', 'ref4']);

    const rest = eligible.slice(5, 60).map((k) => ({ PackagePushRequestId: request, SubscriberOrganizationKey: k }));
    const results = await conn.sobject('PackagePushJob').create(rest, { allOrNone: true });
    for (const r of results) assert.ok(r.success, JSON.stringify(r));
    // The same org twice in one request: DUPLICATE_VALUE.
    const dup = await conn.sobject('PackagePushJob').create([{ PackagePushRequestId: request, SubscriberOrganizationKey: eligible[0] }],
      { allOrNone: false });
    assert.equal(dup[0].success, false);
    assert.equal(codeOf(dup[0].errors[0]), 'DUPLICATE_VALUE');

    count = await conn.query(`SELECT COUNT(Id) FROM PackagePushJob WHERE PackagePushRequestId = '${request}'`);
    assert.equal(count.records[0].expr0, 5 + rest.length);

    const upd = await conn.sobject('PackagePushRequest').update({ Id: request, Status: 'Pending' });
    assert.ok(upd.success, JSON.stringify(upd));
    const r = await conn.sobject('PackagePushRequest').retrieve(request);
    assert.equal(r.Status, 'Pending');
  });

  test('a Pending request can be canceled and its jobs are Canceled', async () => {
    const later = new Date(Date.parse(srv.simTime) + 30 * 86400e3).toISOString();
    const req = await conn.sobject('PackagePushRequest').create({ PackageVersionId: targetVersion.Id, ScheduledStartTime: later });
    assert.ok(req.success);
    const job = await conn.sobject('PackagePushJob').create({ PackagePushRequestId: req.id, SubscriberOrganizationKey: eligible[eligible.length - 1] });
    assert.ok(job.success);
    assert.ok((await conn.sobject('PackagePushRequest').update({ Id: req.id, Status: 'Pending' })).success);
    const cancel = await conn.sobject('PackagePushRequest').update({ Id: req.id, Status: 'Canceled' });
    assert.ok(cancel.success, JSON.stringify(cancel));
    const res = await conn.query(
      `SELECT Id, Status, (SELECT Id, Status FROM PackagePushJobs) FROM PackagePushRequest WHERE Id = '${req.id}'`);
    assert.equal(res.records[0].Status, 'Canceled');
    const jobs = await conn.query(`SELECT Status FROM PackagePushJob WHERE PackagePushRequestId = '${req.id}'`);
    assert.deepEqual(jobs.records.map((j) => j.Status), ['Canceled']);
  });

  test('InProgress after pick-up (not cancelable); after more sim time the jobs end; failed jobs carry PackagePushError rows matching ground truth', async (t) => {
    // The pick-up delay is at most 180 s: step 2 s at a time until the request leaves Pending. Jobs take tens of
    // seconds, so right after pick-up the request is InProgress, and cannot be canceled.
    let status = 'Pending';
    for (let waited = 0; waited <= 182 && status === 'Pending'; waited += 2) {
      await srv.admin('POST', 'time/advance', { seconds: 2 });
      status = (await conn.sobject('PackagePushRequest').retrieve(request)).Status;
    }
    assert.equal(status, 'InProgress');
    let res;
    try {
      res = await conn.sobject('PackagePushRequest').update({ Id: request, Status: 'Canceled' });
    } catch (err) {
      res = { success: false, errors: [err] };
    }
    assert.equal(res.success, false, 'an InProgress request cannot be canceled');
    assert.equal(codeOf(res.errors[0]), 'INVALID_OPERATION', JSON.stringify(res.errors[0]));
    for (let i = 0; i < 30 && status !== 'Succeeded' && status !== 'Failed'; ++i) {
      await srv.admin('POST', 'time/advance', { seconds: 3600 });
      status = (await conn.sobject('PackagePushRequest').retrieve(request)).Status;
    }
    assert.ok(status === 'Succeeded' || status === 'Failed', `request still ${status} after 30 sim hours`);
    res = await conn.query(
      'SELECT Id, Status, SubscriberOrganizationKey, (SELECT ErrorType, ErrorMessage FROM PackagePushErrors) ' +
      `FROM PackagePushJob WHERE PackagePushRequestId = '${request}'`);
    assert.ok(res.records.length >= 30);
    const truth = await srv.admin('GET', 'truth');
    const byOrg = new Map(truth.orgs.map((o) => [o.org.slice(0, 15), o]));
    let failedJobs = 0;
    for (const j of res.records) {
      assert.ok(j.Status === 'Succeeded' || j.Status === 'Failed', `job ${j.Id} is ${j.Status}`);
      const errs = j.PackagePushErrors ? j.PackagePushErrors.records : [];
      const t = byOrg.get(j.SubscriberOrganizationKey.slice(0, 15));
      assert.ok(t, `ground truth has org ${j.SubscriberOrganizationKey}`);
      if (j.Status === 'Failed') {
        ++failedJobs;
        assert.ok(errs.length >= 1, `failed job ${j.Id} has PackagePushError rows`);
        for (const e of errs) {
          assert.ok(e.ErrorType, 'ErrorType set');
          assert.ok(e.ErrorMessage, 'ErrorMessage set');
        }
        assert.equal(t.state, 'failed');
      } else {
        assert.equal(errs.length, 0, `succeeded job ${j.Id} has no errors`);
        assert.ok(t.state === 'upgraded' || t.state === 'broken', `org of succeeded job is ${t.state}`);
      }
    }
    t.diagnostic(`request ${request}: ${status}, ${res.records.length} jobs, ${failedJobs} failed`);
    assert.equal(status, failedJobs > 0 ? 'Failed' : 'Succeeded');
  });

  test('a finished request cannot be canceled (INVALID_OPERATION) nor set back to Pending', async () => {
    for (const Status of ['Canceled', 'Pending']) {
      let res;
      try {
        res = await conn.sobject('PackagePushRequest').update({ Id: request, Status });
      } catch (err) {
        res = { success: false, errors: [err] };
      }
      assert.equal(res.success, false, `${Status} on a finished request`);
      assert.equal(codeOf(res.errors[0]), 'INVALID_OPERATION', JSON.stringify(res.errors[0]));
    }
  });
});
