"""Starts `pushsim serve` (path in $PUSHSIM) on 127.0.0.1 with --port 0 and --tls for the Python client tests.

Serve(args).url, .token, .admin_token, .ca_file (the generated CA clients must trust), .admin(method, path, body)
(GET/POST /pushsim/v1/<path>, verified against ca_file) and .stop() (SIGTERM, then SIGKILL after 5 s; also at
interpreter exit).
"""
import atexit
import json
import os
import subprocess
import threading

import requests


class Serve:
    def __init__(self, args=(), tls=True, ready_timeout_s=120):
        binary = os.environ.get("PUSHSIM")
        if not binary:
            raise RuntimeError("PUSHSIM (path of the pushsim binary) is not set")
        argv = [binary, "serve", "--port", "0", "--bind", "127.0.0.1", *(["--tls"] if tls else []), *args]
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        atexit.register(self._kill)
        self._stderr = []
        threading.Thread(target=lambda: self._stderr.extend(self.proc.stderr), daemon=True).start()
        line = self._read_ready(ready_timeout_s)
        ready = json.loads(line)
        self.url = ready["url"]
        self.port = ready["port"]
        self.token = ready["token"]
        self.admin_token = ready["admin_token"]
        self.ca_file = ready.get("ca_file")
        self.orgs = ready["orgs"]

    def _read_ready(self, timeout_s):
        box = []
        reader = threading.Thread(target=lambda: box.append(self.proc.stdout.readline()), daemon=True)
        reader.start()
        reader.join(timeout_s)
        if not box or not box[0]:
            self._kill()
            raise RuntimeError("pushsim serve gave no ready line: " + self.stderr())
        return box[0]

    def stderr(self):
        return "".join(self._stderr)

    def admin(self, method, path, body=None):
        r = requests.request(method, f"{self.url}/pushsim/v1/{path}", json=body, verify=self.ca_file or True,
                             headers={"Authorization": f"Bearer {self.admin_token}"}, timeout=60)
        r.raise_for_status()
        return r.json()

    def stop(self):
        if self.proc.poll() is not None:
            return self.proc.returncode
        self.proc.terminate()
        try:
            return self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.wait()

    def _kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
