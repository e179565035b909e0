import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { MqttClient } from 'mqtt';
import { MAX_MESSAGE_DEPTH, type UpType, upTopic } from '../../../broker/protocol/index.js';
import { startTestCore, type TestCore } from '../../helpers/core.js';
import { describeEachDatabase } from '../../helpers/databases.js';
import {
  type AgentIdentity,
  connectAgent,
  envelope,
  helloMessage,
  listenDown,
  publishUp,
  registerSimAgent,
  scanPackage,
} from '../../helpers/sim-agent.js';
import { until } from '../../helpers/until.js';

// Issue 21 §8: whatever passes the schemas is stored (NUL and lone surrogates become U+FFFD),
// a message nested too deep is rejected, and every spooled message gets its receipt.
const NUL = '\u0000';
const LONE = '\ud800';
const FFFD = '\ufffd';

/** `{ "d": { "d": … 1 … } }`: `levels` objects. */
function nested(levels: number): Record<string, unknown> {
  let value: Record<string, unknown> = { leaf: 1 };
  for (let i = 1; i < levels; i++) value = { d: value };
  return value;
}

describeEachDatabase('intake: what passes the schema is stored', (target) => {
  let core: TestCore;
  let agent: AgentIdentity;
  let client: MqttClient;
  let down: Awaited<ReturnType<typeof listenDown>>;

  before(async function () {
    this.timeout(120000);
    core = await startTestCore(target.name);
    agent = (await registerSimAgent(core.httpUrl, await core.createToken(1))).identity!;
    client = await connectAgent(core.mqttUrl, agent);
    down = await listenDown(client, agent);
  });
  after(async () => {
    client?.end(true);
    await core?.close();
  });

  const publish = (type: UpType, message: unknown) => publishUp(client, agent, type, message);
  const receiptOf = async (id: string) =>
    (await down.waitFor((m) => m.type === 'receipt' && m.payload.ackOf === id, 20000)).payload;
  const rejections = async () =>
    (await core.db.systemEvents.list({ agentId: agent.agentId, limit: 1000 })).filter(
      (e) => e.component === 'intake' && e.subtype === 'message_rejected',
    );

  it('stores a scan with NUL and lone surrogates in a package name and its metadata, U+FFFD in their place', async () => {
    const now = new Date().toISOString();
    const scan = {
      ...envelope(),
      batchId: randomUUID(),
      plugin: 'apt',
      complete: true,
      startedAt: now,
      finishedAt: now,
      packages: [
        scanPackage(`open${NUL}ssl`, {
          source: `bookworm${LONE}`,
          metadata: { [`key${NUL}`]: `value${NUL}`, list: [`a${LONE}b`, { deep: `\udc00x` }] },
        }),
      ],
    };
    await publish('scan', scan);
    assert.equal((await receiptOf(scan.id)).status, 'stored');
    const [stored] = await core.db.packages.listForAgent(agent.agentId);
    assert.equal(stored!.name, `open${FFFD}ssl`);
    assert.equal(stored!.source, `bookworm${FFFD}`);
    assert.deepEqual(stored!.metadata, {
      [`key${FFFD}`]: `value${FFFD}`,
      list: [`a${FFFD}b`, { deep: `${FFFD}x` }],
    });
  });

  it('finishes a command whose output, error and progress lines hold NUL bytes', async () => {
    const { command } = await core.dispatcher.issue({ agentId: agent.agentId, type: 'scan', params: {} });
    await down.waitFor((m) => m.type === 'command' && m.payload.id === command.id);
    const started = new Date().toISOString();
    await publish('progress', {
      ...envelope(),
      commandId: command.id,
      seq: 0,
      stream: 'stdout',
      line: `Reading package lists${NUL}${LONE}`,
    });
    const result = {
      ...envelope(),
      commandId: command.id,
      status: 'failed',
      startedAt: started,
      finishedAt: new Date().toISOString(),
      exitCode: 100,
      error: `apt-get said ${NUL}`,
      output: `E: broken${NUL}\n`,
      data: { [`note${LONE}`]: NUL },
    };
    await publish('result', result);
    assert.equal((await receiptOf(result.id)).status, 'stored');
    const finished = (await core.db.commands.findById(command.id))!;
    assert.equal(finished.status, 'failed');
    assert.equal(finished.error, `apt-get said ${FFFD}`);
    assert.deepEqual(finished.result, {
      exitCode: 100,
      output: `E: broken${FFFD}\n`,
      data: { [`note${FFFD}`]: FFFD },
    });
    const lines = await core.db.commandOutput.list(command.id, -1, 10);
    assert.deepEqual(
      lines.map((l) => l.line),
      [`Reading package lists${FFFD}${FFFD}`],
    );
  });

  it('stores an event, a metrics sample and a hello with NUL and lone surrogates', async () => {
    const event = {
      ...envelope(),
      type: 'plugin.failed',
      severity: 'warning',
      message: `dpkg: ${NUL} and ${LONE}`,
      metadata: { [`${LONE}`]: [`${NUL}`] },
    };
    await publish('event', event);
    assert.equal((await receiptOf(event.id)).status, 'stored');
    const [stored] = (await core.db.systemEvents.list({ agentId: agent.agentId, limit: 1000 })).filter(
      (e) => e.type === 'plugin.failed',
    );
    assert.equal(stored!.message, `dpkg: ${FFFD} and ${FFFD}`);
    assert.deepEqual(stored!.metadata, { [FFFD]: [FFFD], reportedAt: event.ts });

    await publish('metrics', {
      ...envelope(),
      uptimeSec: 10,
      load: [0, 0, 0],
      memory: { totalBytes: 1, availableBytes: 1 },
      disks: [{ mount: `/mnt/${NUL}${LONE}`, totalBytes: 1, freeBytes: 1 }],
    });
    const metrics = await until('the metrics sample', () => core.db.fleet.latestMetrics(agent.agentId));
    assert.deepEqual(metrics.sample.disks, [{ mount: `/mnt/${FFFD}${FFFD}`, totalBytes: 1, freeBytes: 1 }]);

    await publish('hello', { ...helloMessage(), hostname: `host${NUL}`, agentVersion: `1.0${LONE}` });
    const applied = await until('the hello', async () => {
      const a = await core.db.agents.findById(agent.agentId);
      return a?.hostname === `host${FFFD}` && a;
    });
    assert.equal(applied.agentVersion, `1.0${FFFD}`);
  });

  it(`rejects a message nested deeper than ${MAX_MESSAGE_DEPTH} levels with its receipt and an event naming the limit`, async () => {
    // The event object is level 1 and its metadata level 2: metadata may hold MAX - 1 levels.
    const fits = {
      ...envelope(),
      type: 'deep',
      severity: 'info',
      message: 'fits',
      metadata: nested(MAX_MESSAGE_DEPTH - 1),
    };
    await publish('event', fits);
    assert.equal((await receiptOf(fits.id)).status, 'stored');

    const tooDeep = {
      ...envelope(),
      type: 'deep',
      severity: 'info',
      message: 'too deep',
      metadata: nested(MAX_MESSAGE_DEPTH),
    };
    await publish('event', tooDeep);
    const receipt = await receiptOf(tooDeep.id);
    assert.equal(receipt.status, 'rejected');
    assert.match(String(receipt.reason), new RegExp(`deeper than the ${MAX_MESSAGE_DEPTH} levels`));

    // Deep enough to overflow JSON.stringify's stack, in a scan's plugin metadata.
    const now = new Date().toISOString();
    const scan = {
      ...envelope(),
      batchId: randomUUID(),
      plugin: 'apt',
      complete: false,
      startedAt: now,
      finishedAt: now,
      packages: [scanPackage('bash', { metadata: { x: 1 } })],
    };
    const levels = 200_000;
    const text = JSON.stringify(scan).replace('{"x":1}', `{"x":${'['.repeat(levels)}${']'.repeat(levels)}}`);
    await client.publishAsync(upTopic(agent.topicPrefix, agent.agentId, 'scan'), text, { qos: 1 });
    assert.equal((await receiptOf(scan.id)).status, 'rejected');

    const events = await rejections();
    assert.ok(
      events.some(
        (e) =>
          e.message.includes(`deeper than the ${MAX_MESSAGE_DEPTH} levels`) &&
          e.metadata.messageId === scan.id,
      ),
      JSON.stringify(events.map((e) => e.message)),
    );
    assert.equal(
      (await core.db.systemEvents.list({ agentId: agent.agentId, limit: 1000 })).filter(
        (e) => e.type === 'deep',
      ).length,
      1,
    );
  });

  it('answers a valid message the database refuses with a rejected receipt, and records why', async () => {
    // A leap second passes the schema's date-time format, but JavaScript (and so the write) cannot read it.
    const scan = {
      ...envelope(),
      batchId: randomUUID(),
      plugin: 'dnf',
      complete: true,
      startedAt: '2026-06-30T23:59:59Z',
      finishedAt: '2026-06-30T23:59:60Z',
      packages: [scanPackage('kernel', { plugin: 'dnf' })],
    };
    await publish('scan', scan);
    const receipt = await receiptOf(scan.id);
    assert.equal(receipt.status, 'rejected');
    const recorded = (await rejections()).find((e) => e.metadata.messageId === scan.id);
    assert.ok(recorded, 'a system event says why');
    assert.equal(recorded.message, `could not store a scan message: ${String(receipt.reason)}`);
    assert.deepEqual(await core.db.packages.listForAgent(agent.agentId, { plugin: 'dnf' }), []);
  });
});
