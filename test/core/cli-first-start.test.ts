import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { hostname, networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { cleanEnv, freePort, REDFLAG_BIN, tempDir } from '../helpers/cli.js';

/** The address another machine of the LAN would use: this host's first LAN IPv4 address. */
function lanAddress(): string {
  for (const addresses of Object.values(networkInterfaces()))
    for (const a of addresses ?? [])
      if (a.family === 'IPv4' && !a.internal && !a.address.startsWith('169.254.')) return a.address;
  return hostname();
}

const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function isJson(line: string): boolean {
  try {
    JSON.parse(line);
    return true;
  } catch {
    return false;
  }
}

describe('redflag serve: a first start a person can read (issue 21 §2)', function () {
  this.timeout(120_000);
  const dir = tempDir();
  let child: ChildProcess;
  let stdout = '';
  let port: number;
  let mqttPort: number;

  before(async () => {
    port = await freePort();
    mqttPort = await freePort();
    // stdout is a pipe here, so log.format: auto would write JSON: pretty is asked for.
    child = spawn(process.execPath, [REDFLAG_BIN, 'serve'], {
      cwd: dir.path,
      env: cleanEnv({
        REDFLAG_DATA_DIR: join(dir.path, 'data'),
        REDFLAG_HTTP_PORT: String(port),
        REDFLAG_BROKER_PORT: String(mqttPort),
        REDFLAG_LOG_FORMAT: 'pretty',
      }),
    });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d));
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (d: Buffer) => {
        stdout += d;
        if (/RedFlag core ready.*\n/.test(stdout)) resolve();
      });
      child.once('exit', (code) => reject(new Error(`exited with ${code}:\n${stdout}\n${stderr}`)));
    });
  });
  after(async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    dir.remove();
  });

  it('writes readable lines, not JSON', () => {
    const lines = stdout.split('\n').filter(Boolean);
    assert.ok(lines.length >= 4, stdout);
    assert.deepEqual(lines.filter(isJson), [], stdout);
    assert.ok(
      lines.some((l) => /^\[\d\d:\d\d:\d\d\] INFO: \[core\] database opened /.test(l)),
      stdout,
    );
  });

  it('sets the setup link apart, with an address another machine of the LAN can open', async () => {
    const base = `http://${lanAddress()}:${port}`;
    const lines = stdout.split('\n');
    const at = lines.findIndex((l) => /WARN: \[core\] No users yet: open this link within 24 h/.test(l));
    assert.ok(at > 0, stdout);
    assert.equal(lines[at - 1], '');
    assert.match(lines[at + 1]!, new RegExp(`^    ${escaped(base)}/#/setup\\?token=rfsetup_\\S+$`));
    assert.equal(lines[at + 2], '');
    // The core answers on that address (it listens on 0.0.0.0).
    assert.equal((await fetch(`${base}/healthz`)).status, 200);
  });

  it('says in one line where the panel and the API docs are and which MQTT port agents use', async () => {
    const base = `http://${lanAddress()}:${port}`;
    const ready = stdout.split('\n').find((l) => l.includes('RedFlag core ready'));
    assert.match(
      ready ?? '',
      new RegExp(
        `^\\[\\d\\d:\\d\\d:\\d\\d\\] INFO: \\[core\\] RedFlag core ready \\(.+\\): ` +
          `panel ${escaped(base)}/, API docs ${escaped(base)}/api/docs, agents connect to MQTT port ${mqttPort}$`,
      ),
    );
    assert.equal((await fetch(`${base}/api/docs`)).status, 200);
  });
});
