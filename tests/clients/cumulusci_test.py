"""CumulusCI's push tasks driven as a partner would, against `pushsim serve --tls`: a CumulusCI project (git repo +
cumulusci.yml naming the package's namespace), the org logged in with the Salesforce CLI's access-token login and
imported with `cci org import`, then `cci task run push_list` (start now: CumulusCI polls it to the end),
`push_failure_report` on that request, `push_qa` (push/orgs_qa.txt, the default start 5 minutes ahead), and the
selection tasks that read subscribers through the Bulk API 1.0: `push_sandbox` and `push_all --min_version`.
Everything is checked against SOQL over the API and GET /pushsim/v1/truth.

The world starts at the wall clock (CumulusCI schedules on it) and runs 3600 sim seconds per wall second, so a push
CumulusCI schedules "now" finishes while it polls. No step needs Salesforce's login service: the access token is
given to `sf org login access-token`, which CumulusCI reads back through `sf org display` and
`sf org auth show-access-token`."""
import csv
import datetime
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
import unittest

import requests

from serve_fixture import Serve

HERE = os.path.dirname(os.path.abspath(__file__))
TOKEN = "00D000000000PSHAAA!pushsimClientsCciToken0123456789"
TARGET = "2.4"  # the newest released version of the default scenario's package (namespace rrd)


class CumulusCiPushTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not os.path.exists(os.path.join(HERE, "node_modules", ".bin", "sf")):
            raise unittest.SkipTest("the Salesforce CLI is not installed (scripts/setup.sh)")
        utc_now = datetime.datetime.now(datetime.timezone.utc)
        now = utc_now.strftime("%Y-%m-%dT%H:%M:%SZ")
        # The served world starts now; its plan's deadline must lie after that (the scenario is parsed whole).
        deadline = (utc_now + datetime.timedelta(days=30)).strftime("%Y-%m-%dT%H:%M:%SZ")
        cls.srv = Serve(["--set", "/population/count=300", "--set", "/platform/faults={}", "--set",
                         f'/start="{now}"', "--set", f'/plan/deadline="{deadline}"', "--speed", "3600",
                         "--token", TOKEN])
        cls.tmp = tempfile.mkdtemp(prefix="pushsim-cci-")
        cls.project = os.path.join(cls.tmp, "project")
        cls.env = cls._environment()
        cls._make_project()
        cls._connect_org()

    @classmethod
    def tearDownClass(cls):
        assert cls.srv.stop() == 0, cls.srv.stderr()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    @classmethod
    def _environment(cls):
        home = os.path.join(cls.tmp, "home")
        os.makedirs(os.path.join(home, ".cumulusci"))
        # CumulusCI checks PyPI for a newer version at most once an hour: mark it as just done (no network).
        with open(os.path.join(home, ".cumulusci", "cumulus_timestamp"), "w") as f:
            f.write(str(time.time() + 10 * 365 * 86400))
        path = os.pathsep.join([os.path.join(HERE, "node_modules", ".bin"), os.path.join(HERE, ".venv", "bin"),
                                os.environ.get("PATH", "")])
        return {"PATH": path, "HOME": home, "XDG_CONFIG_HOME": os.path.join(home, ".config"),
                "XDG_DATA_HOME": os.path.join(home, ".local", "share"),
                "XDG_CACHE_HOME": os.path.join(home, ".cache"), "LANG": "C.UTF-8",
                "REQUESTS_CA_BUNDLE": cls.srv.ca_file, "NODE_EXTRA_CA_CERTS": cls.srv.ca_file,
                "SF_ACCESS_TOKEN": TOKEN, "SF_DISABLE_TELEMETRY": "true", "SF_AUTOUPDATE_DISABLE": "true",
                "SF_SKIP_NEW_VERSION_CHECK": "true", "SF_USE_GENERIC_UNIX_KEYCHAIN": "true",
                "SF_HIDE_RELEASE_NOTES": "true", "SF_DISABLE_LOG_FILE": "true", "NODE_NO_WARNINGS": "1",
                "CUMULUSCI_KEY": "pushsim0clients0", "COLUMNS": "200"}

    @classmethod
    def _make_project(cls):
        os.makedirs(os.path.join(cls.project, "push"))
        with open(os.path.join(cls.project, "cumulusci.yml"), "w") as f:
            f.write('project:\n  name: RevenueRollup\n  package:\n    name: Revenue Rollup Dashboard\n'
                    '    namespace: rrd\n    api_version: "60.0"\n')
        git = ["git", "-c", "user.email=ci@pushsim.example", "-c", "user.name=pushsim"]
        for args in (["init", "-q"], ["add", "cumulusci.yml"], ["commit", "-qm", "project"]):
            subprocess.run(git + args, cwd=cls.project, env=cls.env, check=True, timeout=60)

    @classmethod
    def _connect_org(cls):
        sf = subprocess.run(["sf", "org", "login", "access-token", "--instance-url", cls.srv.url, "--no-prompt",
                             "--alias", "pushsim", "--json"], cwd=cls.project, env=cls.env, capture_output=True,
                            text=True, timeout=180)
        assert sf.returncode == 0, sf.stdout + sf.stderr
        cci = cls.cci("org", "import", "pushsim", "packaging")
        assert cci.returncode == 0, cci.stdout + cci.stderr

    @classmethod
    def cci(cls, *args):
        return subprocess.run(["cci", *args], cwd=cls.project, env=cls.env, capture_output=True, text=True,
                              timeout=300)

    def soql(self, q):
        r = requests.get(f"{self.srv.url}/services/data/v60.0/query", params={"q": q}, verify=self.srv.ca_file,
                         headers={"Authorization": f"Bearer {TOKEN}"}, timeout=60)
        r.raise_for_status()
        return r.json()["records"]

    def eligible_orgs(self, n, skip=()):
        """n org keys a probe request accepts as jobs for the target version (then canceled)."""
        version = self.soql("SELECT Id FROM MetadataPackageVersion WHERE MajorVersion = 2 AND MinorVersion = 4")[0]["Id"]
        subs = self.soql("SELECT OrgKey FROM PackageSubscriber WHERE OrgStatus = 'Active' AND InstalledStatus = 'i' "
                         f"AND MetadataPackageVersionId != '{version}' ORDER BY OrgKey")
        keys = [s["OrgKey"] for s in subs if s["OrgKey"] not in skip][:60]
        h = {"Authorization": f"Bearer {TOKEN}"}
        base = f"{self.srv.url}/services/data/v60.0"
        probe = requests.post(f"{base}/sobjects/PackagePushRequest", json={"PackageVersionId": version}, headers=h,
                              verify=self.srv.ca_file, timeout=60).json()["id"]
        recs = [{"attributes": {"type": "PackagePushJob"}, "PackagePushRequestId": probe,
                 "SubscriberOrganizationKey": k} for k in keys]
        res = requests.post(f"{base}/composite/sobjects", json={"allOrNone": False, "records": recs}, headers=h,
                            verify=self.srv.ca_file, timeout=60).json()
        requests.patch(f"{base}/sobjects/PackagePushRequest/{probe}", json={"Status": "Canceled"}, headers=h,
                       verify=self.srv.ca_file, timeout=60).raise_for_status()
        ok = [k for k, r in zip(keys, res) if r["success"]][:n]
        self.assertEqual(len(ok), n)
        return ok

    def newest_request(self):
        return self.soql("SELECT Id, Status, ScheduledStartTime FROM PackagePushRequest ORDER BY CreatedDate DESC, "
                         "Id DESC LIMIT 1")[0]

    def test_1_org_import_names_the_served_org(self):
        r = self.cci("org", "info", "packaging", "--json")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        info = json.loads(r.stdout[r.stdout.index("{"):])
        self.assertEqual(info["org_id"], "00D000000000PSHAAA")
        self.assertEqual(info["instance_url"].rstrip("/"), self.srv.url)
        self.assertEqual(info["username"], "admin@pushsim.example")

    def test_2_push_list_now_runs_to_the_end(self):
        orgs = self.eligible_orgs(20)
        path = os.path.join(self.project, "orgs.txt")
        with open(path, "w") as f:
            f.write("\n".join(orgs) + "\n")
        r = self.cci("task", "run", "push_list", "--orgs", path, "--version", TARGET, "--start_time", "now",
                     "--org", "packaging")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        m = re.search(r"Push complete: (\d+) succeeded, (\d+) failed, (\d+) canceled", r.stdout)
        self.assertIsNotNone(m, r.stdout)
        req = self.newest_request()
        jobs = self.soql(f"SELECT SubscriberOrganizationKey, Status FROM PackagePushJob "
                         f"WHERE PackagePushRequestId = '{req['Id']}'")
        self.assertEqual(sorted(j["SubscriberOrganizationKey"][:15] for j in jobs), sorted(orgs))
        by = {s: sum(1 for j in jobs if j["Status"] == s) for s in ("Succeeded", "Failed", "Canceled")}
        self.assertEqual([int(m.group(i)) for i in (1, 2, 3)], [by["Succeeded"], by["Failed"], by["Canceled"]])
        truth = self.srv.admin("GET", "truth")["summary"]
        self.assertEqual(truth["upgraded"], by["Succeeded"])
        self.assertEqual(truth["failed"], by["Failed"])
        type(self).run_request = req["Id"]

    def test_3_push_failure_report_lists_the_failed_jobs(self):
        request = getattr(type(self), "run_request", None)
        self.assertIsNotNone(request, "test_2 did not run")
        out = os.path.join(self.tmp, "push_fails.csv")
        r = self.cci("task", "run", "push_failure_report", "--request_id", request, "--result_file", out,
                     "--org", "packaging")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        # The task reports every job that did not succeed, with its first error, less the ignored titles/types.
        jobs = self.soql("SELECT SubscriberOrganizationKey, (SELECT ErrorType, ErrorTitle FROM PackagePushErrors) "
                         f"FROM PackagePushJob WHERE PackagePushRequestId = '{request}' AND Status != 'Succeeded'")
        ignored = {"Salesforce Subscription Expired", "Package Uninstalled"}  # the task's default ignore_errors
        expected = []
        for j in jobs:
            first = ((j["PackagePushErrors"] or {}).get("records") or [{"ErrorType": "", "ErrorTitle": ""}])[0]
            if first["ErrorTitle"] not in ignored and first["ErrorType"] not in ignored:
                expected.append((j["SubscriberOrganizationKey"][:15], first["ErrorType"]))
        if not jobs:
            self.assertIn("No errors found.", r.stdout)
            self.assertFalse(os.path.exists(out))
            return
        with open(out, newline="") as f:
            rows = list(csv.DictReader(f))
        self.assertEqual(sorted((row["OrganizationId"][:15], row["ErrorType"]) for row in rows), sorted(expected))
        self.assertTrue(any(row["ErrorType"] for row in rows), rows)

    def test_4_push_qa_schedules_orgs_qa_five_minutes_ahead(self):
        taken = set()
        request = getattr(type(self), "run_request", None)
        if request:
            taken = {j["SubscriberOrganizationKey"][:15] for j in self.soql(
                f"SELECT SubscriberOrganizationKey FROM PackagePushJob WHERE PackagePushRequestId = '{request}'")}
        orgs = self.eligible_orgs(4, skip=taken)
        with open(os.path.join(self.project, "push", "orgs_qa.txt"), "w") as f:
            f.write("\n".join(orgs) + "\n")
        before = datetime.datetime.now(datetime.timezone.utc)
        r = self.cci("task", "run", "push_qa", "--version", TARGET, "--org", "packaging")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("Exiting early since request is in the future", r.stdout)
        req = self.newest_request()
        start = datetime.datetime.strptime(req["ScheduledStartTime"][:19], "%Y-%m-%dT%H:%M:%S").replace(
            tzinfo=datetime.timezone.utc)
        self.assertGreaterEqual(start, before + datetime.timedelta(minutes=4))
        jobs = self.soql(f"SELECT SubscriberOrganizationKey FROM PackagePushJob WHERE PackagePushRequestId = '{req['Id']}'")
        self.assertEqual(sorted(j["SubscriberOrganizationKey"][:15] for j in jobs), sorted(orgs))
        self.wait_finished(req["Id"])  # the sim runs ahead of the wall clock: the next tests see a settled world

    def wait_finished(self, request):
        for _ in range(120):
            status = self.soql(f"SELECT Status FROM PackagePushRequest WHERE Id = '{request}'")[0]["Status"]
            if status in ("Succeeded", "Failed", "Canceled"):
                return status
            time.sleep(0.5)
        self.fail(f"request {request} still {status}")

    def version_ids(self, where):
        return [v["Id"] for v in self.soql(f"SELECT Id FROM MetadataPackageVersion WHERE ReleaseState = 'Released' "
                                           f"AND {where}")]

    def run_selection_task(self, args, subscriber_where):
        """Runs a push_all-style task; checks the orgs it found against SOQL, its jobs against what it kept."""
        expected = {s["OrgKey"][:15] for s in self.soql(
            "SELECT OrgKey FROM PackageSubscriber WHERE OrgStatus != 'Inactive' AND InstalledStatus = 'i' AND "
            + subscriber_where)}
        self.assertTrue(expected)
        r = self.cci("task", "run", *args, "--org", "packaging")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        out = " ".join(r.stdout.split())
        self.assertEqual(int(re.search(r"Found (\d+) orgs", out).group(1)), len(expected))
        skipped = set(re.findall(r"Skipping org (\w+) - The organization \w+ isn't eligible", out))
        req = self.newest_request()
        jobs = {j["SubscriberOrganizationKey"][:15] for j in self.soql(
            f"SELECT SubscriberOrganizationKey FROM PackagePushJob WHERE PackagePushRequestId = '{req['Id']}'")}
        self.assertEqual(jobs, expected - {k[:15] for k in skipped})
        self.wait_finished(req["Id"])

    def test_5_push_sandbox_selects_sandboxes_below_the_target(self):
        target = self.version_ids("MajorVersion = 2 AND MinorVersion = 4")
        self.run_selection_task(["push_sandbox", "--version", TARGET],
                                "OrgType = 'Sandbox' AND MetadataPackageVersionId NOT IN ('" + "','".join(target) + "')")

    def test_6_push_all_with_min_version_selects_the_range(self):
        in_range = self.version_ids("MajorVersion = 2 AND MinorVersion = 3")
        self.run_selection_task(["push_all", "--version", TARGET, "--min_version", "2.3"],
                                "MetadataPackageVersionId IN ('" + "','".join(in_range) + "')")


if __name__ == "__main__":
    unittest.main()
