"""simple-salesforce (PyPI) against `pushsim serve --tls`, trusted through REQUESTS_CA_BUNDLE as a user would:
query, query_all, query_all_iter, restful, sObject create/update/get, bulk2 query and describe. Each answer is
checked against the served world: GET /pushsim/v1/truth (org count) and SOQL over the REST API."""
import csv
import io
import os
import unittest

from serve_fixture import Serve

ORGS = 2500  # more than one REST page (2000 rows) and several 1000-row Bulk API 2.0 result pages


class SimpleSalesforceTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = Serve(["--set", f"/population/count={ORGS}", "--set", "/platform/faults={}"])
        os.environ["REQUESTS_CA_BUNDLE"] = cls.srv.ca_file
        from simple_salesforce import Salesforce  # after the CA bundle is set, as a user's environment has it
        cls.sf = Salesforce(instance_url=cls.srv.url, session_id=cls.srv.token, version="60.0")
        cls.truth = cls.srv.admin("GET", "truth")
        cls.released = cls.sf.query("SELECT Id FROM MetadataPackageVersion WHERE ReleaseState = 'Released' "
                                    "ORDER BY MajorVersion DESC, MinorVersion DESC, PatchVersion DESC LIMIT 1")[
            "records"][0]["Id"]

    @classmethod
    def tearDownClass(cls):
        os.environ.pop("REQUESTS_CA_BUNDLE", None)
        assert cls.srv.stop() == 0, cls.srv.stderr()

    def test_query_returns_one_page_and_the_total(self):
        res = self.sf.query("SELECT Id, OrgKey FROM PackageSubscriber")
        self.assertEqual(res["totalSize"], self.truth["summary"]["orgs"])
        self.assertFalse(res["done"])
        self.assertEqual(len(res["records"]), 2000)
        self.assertIn("nextRecordsUrl", res)

    def test_query_all_and_query_all_iter_read_every_org_once(self):
        rows = self.sf.query_all("SELECT Id, OrgKey FROM PackageSubscriber")["records"]
        self.assertEqual(len({r["OrgKey"] for r in rows}), self.truth["summary"]["orgs"])
        it = [r["Id"] for r in self.sf.query_all_iter("SELECT Id FROM PackageSubscriber")]
        self.assertEqual(sorted(it), sorted(r["Id"] for r in rows))
        with_deleted = self.sf.query_all("SELECT Id FROM PackageSubscriber", include_deleted=True)
        self.assertEqual(with_deleted["totalSize"], self.truth["summary"]["orgs"])

    def test_restful_limits_counts_calls(self):
        a = self.sf.restful("limits/")["DailyApiRequests"]
        self.sf.query("SELECT Id FROM MetadataPackage")
        b = self.sf.restful("limits/")["DailyApiRequests"]
        self.assertGreater(a["Max"], 0)
        self.assertLess(b["Remaining"], a["Remaining"])

    def test_sobject_create_update_get(self):
        created = self.sf.PackagePushRequest.create({"PackageVersionId": self.released})
        self.assertTrue(created["success"])
        self.assertTrue(created["id"].startswith("0DV"))
        got = self.sf.PackagePushRequest.get(created["id"])
        self.assertEqual(got["Status"], "Created")
        self.assertEqual(got["PackageVersionId"], self.released)
        self.assertEqual(self.sf.PackagePushRequest.update(created["id"], {"Status": "Canceled"}), 204)
        soql = self.sf.query(f"SELECT Status FROM PackagePushRequest WHERE Id = '{created['id']}'")
        self.assertEqual(soql["records"][0]["Status"], "Canceled")

    def test_bulk2_query_pages_every_org(self):
        jobs_left = self.sf.restful("limits/")["DailyBulkV2QueryJobs"]["Remaining"]
        pages = list(self.sf.bulk2.PackageSubscriber.query("SELECT Id, OrgKey, OrgStatus FROM PackageSubscriber",
                                                           max_records=1000))
        self.assertEqual(len(pages), 3)
        # The daily Bulk API 2.0 query job limit counts the job just made.
        self.assertEqual(self.sf.restful("limits/")["DailyBulkV2QueryJobs"]["Remaining"], jobs_left - 1)
        rows = [r for page in pages for r in csv.DictReader(io.StringIO(page))]
        self.assertEqual(len(rows), self.truth["summary"]["orgs"])
        rest = {r["Id"]: r for r in self.sf.query_all("SELECT Id, OrgKey, OrgStatus FROM PackageSubscriber")["records"]}
        for r in rows:
            self.assertEqual(r["OrgKey"], rest[r["Id"]]["OrgKey"])
            self.assertEqual(r["OrgStatus"], rest[r["Id"]]["OrgStatus"])

    def test_describe_and_sobject_describe(self):
        names = {o["name"] for o in self.sf.describe()["sobjects"]}
        for o in ("PackageSubscriber", "MetadataPackageVersion", "PackagePushRequest", "PackagePushJob",
                  "PackagePushError"):
            self.assertIn(o, names)
        d = self.sf.PackagePushJob.describe()
        self.assertEqual(d["keyPrefix"], "0DX")
        fields = {f["name"]: f for f in d["fields"]}
        self.assertEqual(fields["PackagePushRequestId"]["referenceTo"], ["PackagePushRequest"])


if __name__ == "__main__":
    unittest.main()
