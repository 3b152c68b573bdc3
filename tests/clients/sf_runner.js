'use strict';
// Runs the Salesforce CLI (@salesforce/cli from node_modules) under this node with HOME and its state directories
// in a fresh temp dir, telemetry and update checks off, so it never touches the user's configuration.
// makeSf(token) -> {home, env, sf(args, {json, env}), cleanup()}; sf resolves to {code, json, stdout, stderr}
// whatever the exit code (json: the parsed stdout when --json was asked).
const { execFile } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const SF_RUN = path.join(__dirname, 'node_modules', '@salesforce', 'cli', 'bin', 'run.js');

function makeSf(token) {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'pushsim-sf-'));
  const env = {
    PATH: `${path.dirname(process.execPath)}:${process.env.PATH}`,
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_DATA_HOME: path.join(home, '.local', 'share'),
    XDG_CACHE_HOME: path.join(home, '.cache'),
    SF_ACCESS_TOKEN: token,
    SF_DISABLE_TELEMETRY: 'true',
    SFDX_DISABLE_TELEMETRY: 'true',
    SF_AUTOUPDATE_DISABLE: 'true',
    SF_SKIP_NEW_VERSION_CHECK: 'true',
    SF_DISABLE_AUTOUPDATE: 'true',
    SF_USE_GENERIC_UNIX_KEYCHAIN: 'true',
    SF_HIDE_RELEASE_NOTES: 'true',
    SF_HIDE_RELEASE_NOTES_FOOTER: 'true',
    SF_LOG_LEVEL: 'warn',
    SF_DISABLE_LOG_FILE: 'true',
    NODE_NO_WARNINGS: '1',
  };
  if (process.env.NODE_EXTRA_CA_CERTS) env.NODE_EXTRA_CA_CERTS = process.env.NODE_EXTRA_CA_CERTS;

  function sf(args, { json = true, timeoutMs = 120000, extraEnv = {} } = {}) {
    const argv = [SF_RUN, ...args, ...(json ? ['--json'] : [])];
    return new Promise((resolve) => {
      execFile(process.execPath, argv, { env: { ...env, ...extraEnv }, cwd: home, timeout: timeoutMs,
        maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
        let parsed;
        if (json) {
          try {
            parsed = JSON.parse(stdout);
          } catch {
            parsed = undefined;
          }
        }
        resolve({ code: error ? error.code : 0, json: parsed, stdout, stderr });
      });
    });
  }

  const cleanup = () => fs.rmSync(home, { recursive: true, force: true });
  return { home, env, sf, cleanup };
}

module.exports = { makeSf };
