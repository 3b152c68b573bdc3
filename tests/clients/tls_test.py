"""`pushsim serve --tls` trusted the ordinary ways: requests with REQUESTS_CA_BUNDLE, node (jsforce) with
NODE_EXTRA_CA_CERTS, `pushsim push` with SSL_CERT_FILE (it keeps verifying: without the CA it refuses); and
--tls-cert/--tls-key serving a given pair. Each answer is checked against the served world's truth."""
import json
import os
import shutil
import subprocess
import tempfile
import unittest

import requests

from serve_fixture import Serve

HERE = os.path.dirname(os.path.abspath(__file__))
NODE = os.path.join(HERE, "node_modules", ".bin", "node")
TOKEN = "00D000000000PSHAAA!pushsimClientsTlsToken0123456789"


class TlsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = Serve(["--set", "/population/count=400", "--set", "/platform/faults={}", "--token", TOKEN])
        cls.truth = cls.srv.admin("GET", "truth")
        cls.tmp = tempfile.mkdtemp(prefix="pushsim-tls-test-")

    @classmethod
    def tearDownClass(cls):
        assert cls.srv.stop() == 0, cls.srv.stderr()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def count(self, **kwargs):
        r = requests.get(f"{self.srv.url}/services/data/v60.0/query",
                         params={"q": "SELECT COUNT() FROM PackageSubscriber"},
                         headers={"Authorization": f"Bearer {TOKEN}"}, timeout=60, **kwargs)
        r.raise_for_status()
        return r.json()["totalSize"]

    def test_ready_line_names_https_and_the_ca(self):
        self.assertTrue(self.srv.url.startswith("https://127.0.0.1:"), self.srv.url)
        self.assertTrue(os.path.isfile(self.srv.ca_file))

    def test_requests_trusts_it_through_requests_ca_bundle_only(self):
        saved = os.environ.get("REQUESTS_CA_BUNDLE")
        os.environ["REQUESTS_CA_BUNDLE"] = self.srv.ca_file
        try:
            self.assertEqual(self.count(), self.truth["summary"]["orgs"])
        finally:
            if saved is None:
                del os.environ["REQUESTS_CA_BUNDLE"]
            else:
                os.environ["REQUESTS_CA_BUNDLE"] = saved

    def test_default_trust_store_refuses_it(self):
        env = {k: v for k, v in os.environ.items() if k not in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE")}
        code = ("import requests,sys\ntry:\n requests.get(sys.argv[1], timeout=30)\nexcept requests.exceptions.SSLError:"
                "\n sys.exit(3)\n")
        p = subprocess.run([os.path.join(HERE, ".venv", "bin", "python"), "-c", code, self.srv.url + "/services/data"],
                           env=env, timeout=60)
        self.assertEqual(p.returncode, 3)

    @unittest.skipUnless(os.path.exists(NODE), "node clients not installed")
    def test_jsforce_trusts_it_through_node_extra_ca_certs(self):
        script = ("const jsforce=require('jsforce');const c=new jsforce.Connection({instanceUrl:process.argv[1],"
                  "accessToken:process.argv[2],version:'60.0'});c.query('SELECT Id FROM PackageSubscriber')"
                  ".run({autoFetch:true,maxFetch:1e6}).then(r=>console.log(r.records.length))"
                  ".catch(e=>{console.error(e.message);process.exit(1)});")
        env = dict(os.environ, NODE_EXTRA_CA_CERTS=self.srv.ca_file)
        p = subprocess.run([NODE, "-e", script, self.srv.url, TOKEN], env=env, cwd=HERE, capture_output=True,
                           text=True, timeout=120)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(int(p.stdout.strip()), self.truth["summary"]["orgs"])
        env.pop("NODE_EXTRA_CA_CERTS")
        p = subprocess.run([NODE, "-e", script, self.srv.url, TOKEN], env=env, cwd=HERE, capture_output=True,
                           text=True, timeout=120)
        self.assertNotEqual(p.returncode, 0)

    def test_pushsim_push_verifies_against_it(self):
        plan = os.path.join(self.tmp, "plan.json")
        with open(plan, "w") as f:
            json.dump({"name": "tls", "target": {"version": "2.3.2"}, "start": self.truth["sim_time"][:17] + "00Z",
                       "seed": 1, "waves": [{"name": "everyone"}]}, f)
        argv = [os.environ["PUSHSIM"], "push", "--instance-url", self.srv.url, "--token", TOKEN, "--plan", plan,
                "--dry-run", "--journal", os.path.join(self.tmp, "j"), "--report-json",
                os.path.join(self.tmp, "planned.json")]
        env = {k: v for k, v in os.environ.items() if k not in ("SSL_CERT_FILE", "SSL_CERT_DIR")}
        refused = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=120)
        self.assertNotEqual(refused.returncode, 0)
        self.assertIn("certificate verify failed", refused.stdout + refused.stderr)
        trusted = subprocess.run(argv, env=dict(env, SSL_CERT_FILE=self.srv.ca_file), capture_output=True, text=True,
                                 timeout=120)
        self.assertEqual(trusted.returncode, 0, trusted.stdout + trusted.stderr)
        with open(os.path.join(self.tmp, "planned.json")) as f:
            planned = json.load(f)
        self.assertTrue(planned, "empty dry-run report")

    def test_a_given_certificate_and_key_are_served(self):
        d = os.path.dirname(self.srv.ca_file)
        for name in ("ca.pem", "cert.pem", "key.pem"):
            shutil.copy(os.path.join(d, name), os.path.join(self.tmp, name))
        other = Serve(["--set", "/population/count=30", "--tls-cert", os.path.join(self.tmp, "cert.pem"),
                       "--tls-key", os.path.join(self.tmp, "key.pem")], tls=False)
        try:
            self.assertTrue(other.url.startswith("https://"))
            self.assertIsNone(other.ca_file)
            r = requests.get(other.url + "/services/data", verify=os.path.join(self.tmp, "ca.pem"), timeout=30)
            self.assertEqual(r.status_code, 200)
            self.assertIn("60.0", [v["version"] for v in r.json()])
        finally:
            self.assertEqual(other.stop(), 0)


if __name__ == "__main__":
    unittest.main()
