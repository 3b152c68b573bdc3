'use strict';
// Starts `pushsim serve` (path in $PUSHSIM) on 127.0.0.1 with --port 0, waits for its ready line and returns
// {url, port, token, adminToken, admin(method, path, body), stop()}. The server is killed by stop() (SIGTERM,
// then SIGKILL after 5 s) and on process exit.
const { spawn } = require('node:child_process');
const readline = require('node:readline');

async function startServe(extraArgs = [], { readyTimeoutMs = 120000 } = {}) {
  const bin = process.env.PUSHSIM;
  if (!bin) throw new Error('PUSHSIM (path of the pushsim binary) is not set');
  const args = ['serve', '--port', '0', '--bind', '127.0.0.1', ...extraArgs];
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d.toString(); });
  const killOnExit = () => { try { child.kill('SIGKILL'); } catch { /* gone */ } };
  process.on('exit', killOnExit);

  const ready = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ready line within ${readyTimeoutMs} ms; stderr: ${stderr}`)),
      readyTimeoutMs);
    const rl = readline.createInterface({ input: child.stdout });
    rl.once('line', (line) => { clearTimeout(timer); rl.close(); resolve(JSON.parse(line)); });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`pushsim serve exited ${code}: ${stderr}`)); });
  });

  async function admin(method, path, body) {
    const res = await fetch(`${ready.url}/pushsim/v1/${path}`, {
      method,
      headers: { Authorization: `Bearer ${ready.admin_token}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await res.json();
    if (!res.ok) throw new Error(`admin ${method} ${path}: HTTP ${res.status} ${JSON.stringify(json)}`);
    return json;
  }

  async function stop() {
    if (child.exitCode !== null) return child.exitCode;
    const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    const code = await exited;
    clearTimeout(timer);
    process.off('exit', killOnExit);
    return code;
  }

  return { url: ready.url, port: ready.port, token: ready.token, adminToken: ready.admin_token, orgs: ready.orgs,
    simTime: ready.sim_time, admin, stop, stderr: () => stderr };
}

module.exports = { startServe };
