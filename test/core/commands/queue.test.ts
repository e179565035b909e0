import assert from 'node:assert/strict';
import { CommandRequestError } from '../../../core/commands/index.js';
import { startTestCore, type TestCore } from '../../helpers/core.js';
import { describeEachDatabase } from '../../helpers/databases.js';
import {
  type AgentIdentity,
  connectAgent,
  envelope,
  listenDown,
  publishUp,
  registerSimAgent,
} from '../../helpers/sim-agent.js';
import { until } from '../../helpers/until.js';

describeEachDatabase('command queue', (target) => {
  let core: TestCore;
  let agent: AgentIdentity;

  before(async () => {
    core = await startTestCore(target.name);
    agent = (await registerSimAgent(core.httpUrl, await core.createToken(1))).identity!;
  });
  after(() => core.close());

  it('creates exactly one command for 20 simultaneous "scan apt now" requests', async () => {
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, () =>
        core.dispatcher.issue({
          agentId: agent.agentId,
          type: 'scan',
          params: { plugin: 'apt' },
          dedupKey: 'scan:apt',
        }),
      ),
    );
    assert.equal(outcomes.filter((o) => o.created).length, 1);
    assert.equal(new Set(outcomes.map((o) => o.command.id)).size, 1);
    assert.equal((await core.db.commands.listForAgent(agent.agentId, { active: true })).length, 1);
    // Once it is no longer active, the key is free again.
    await core.dispatcher.cancel(outcomes[0]!.command.id, 'test');
    const next = await core.dispatcher.issue({ agentId: agent.agentId, type: 'scan', dedupKey: 'scan:apt' });
    assert.equal(next.created, true);
    await core.dispatcher.cancel(next.command.id, 'test');
  });

  it('returns the same command for the same idempotency key, even after it finished', async () => {
    const first = await core.dispatcher.issue({
      agentId: agent.agentId,
      type: 'reboot',
      idempotencyKey: 'req-42',
    });
    await core.dispatcher.cancel(first.command.id, 'test');
    const again = await core.dispatcher.issue({
      agentId: agent.agentId,
      type: 'reboot',
      idempotencyKey: 'req-42',
    });
    assert.equal(again.created, false);
    assert.equal(again.command.id, first.command.id);
    assert.equal(again.command.status, 'cancelled');
  });

  it('retries a finished command as a new one linked to it, and refuses to retry what still runs', async () => {
    const { command } = await core.dispatcher.issue({
      agentId: agent.agentId,
      type: 'scan',
      params: { plugin: 'dnf' },
    });
    await assert.rejects(
      core.dispatcher.retry(command.id, 'test'),
      (err) => err instanceof CommandRequestError && err.code === 'not_retryable',
    );
    await core.dispatcher.cancel(command.id, 'test');
    const retry = await core.dispatcher.retry(command.id, 'admin');
    assert.equal(retry.retriedFromId, command.id);
    assert.equal(retry.attempt, 2);
    assert.deepEqual(retry.params, { plugin: 'dnf' });
    const third = await core.dispatcher.retry(
      (await core.dispatcher.cancel(retry.id, 'test')).command.id,
      'admin',
    );
    assert.equal(third.attempt, 3);
    await core.dispatcher.cancel(third.id, 'test');
  });

  it("withdraws a sent command by sending the agent a signed cancel; an acknowledged one is the agent's to stop", async () => {
    const client = await connectAgent(core.mqttUrl, agent);
    try {
      const down = await listenDown(client, agent, { autoAck: false });
      const { command } = await core.dispatcher.issue({
        agentId: agent.agentId,
        type: 'install',
        params: { plugin: 'apt' },
      });
      await down.waitFor((m) => m.type === 'command' && m.payload.id === command.id);
      await until('sent', async () => (await core.db.commands.findById(command.id))?.status === 'sent');
      const withdrawn = await core.dispatcher.cancel(command.id, 'admin');
      assert.equal(withdrawn.command.status, 'cancelled');
      assert.equal(withdrawn.cancel, null);
      const withdraw = await down.waitFor((m) => m.type === 'command' && m.payload.type === 'cancel');
      assert.deepEqual(withdraw.payload.params, { commandId: command.id });

      const { command: acked } = await core.dispatcher.issue({ agentId: agent.agentId, type: 'scan' });
      await down.waitFor((m) => m.type === 'command' && m.payload.id === acked.id);
      await publishUp(client, agent, 'ack', { ...envelope(), commandId: acked.id, accepted: true });
      await until(
        'acknowledged',
        async () => (await core.db.commands.findById(acked.id))?.status === 'acknowledged',
      );
      // issue 21 §6: left running, and the agent gets a cancel; its result will say what happened.
      const asked = await core.dispatcher.cancel(acked.id, 'admin');
      assert.equal(asked.command.status, 'acknowledged');
      assert.equal(asked.cancel?.type, 'cancel');
      const stop = await down.waitFor(
        (m) => m.type === 'command' && m.payload.type === 'cancel' && m.payload.id === asked.cancel?.id,
      );
      assert.deepEqual(stop.payload.params, { commandId: acked.id });
      assert.equal((await core.db.commands.findById(acked.id))?.status, 'acknowledged');
      // Asked twice: the same cancel, not a second one.
      assert.equal((await core.dispatcher.cancel(acked.id, 'admin')).cancel?.id, asked.cancel?.id);
      const events = await core.db.systemEvents.list({ type: 'command', agentId: agent.agentId });
      assert.ok(
        events.some((e) => e.subtype === 'cancel_requested' && e.message.includes(acked.id)),
        'the request is in the system events',
      );
    } finally {
      client.end(true);
    }
  });

  it('records every step with its time, stores the result once, and answers a re-sent result as a duplicate', async () => {
    const client = await connectAgent(core.mqttUrl, agent);
    try {
      const down = await listenDown(client, agent, { autoAck: false });
      const { command } = await core.dispatcher.issue({
        agentId: agent.agentId,
        type: 'scan',
        params: { plugin: 'apt' },
      });
      await down.waitFor((m) => m.type === 'command' && m.payload.id === command.id);
      await publishUp(client, agent, 'ack', { ...envelope(), commandId: command.id, accepted: true });
      await publishUp(client, agent, 'progress', {
        ...envelope(),
        commandId: command.id,
        seq: 0,
        stream: 'status',
        line: 'scanning',
      });
      const startedAt = new Date(Date.now() - 2000).toISOString();
      const result = {
        ...envelope(),
        commandId: command.id,
        status: 'succeeded',
        startedAt,
        finishedAt: new Date().toISOString(),
        exitCode: 0,
        output: 'done',
      };
      await publishUp(client, agent, 'result', result);
      const receipt = await down.waitFor((m) => m.type === 'receipt' && m.payload.ackOf === result.id);
      assert.equal(receipt.payload.status, 'stored');
      const stored = (await core.db.commands.findById(command.id))!;
      assert.equal(stored.status, 'succeeded');
      assert.ok(stored.sentAt && stored.acknowledgedAt && stored.runningAt && stored.finishedAt);
      assert.ok(stored.sentAt <= stored.acknowledgedAt! && stored.runningAt! <= stored.finishedAt!);
      assert.deepEqual(stored.result, { exitCode: 0, output: 'done' });

      const resent = { ...result, id: envelope().id };
      await publishUp(client, agent, 'result', resent);
      const second = await down.waitFor((m) => m.type === 'receipt' && m.payload.ackOf === resent.id);
      assert.equal(second.payload.status, 'duplicate');
    } finally {
      client.end(true);
    }
  });

  it('times out commands acknowledged longer ago than their type allows, saying why; a late result still counts', async () => {
    const { command } = await core.dispatcher.issue({ agentId: agent.agentId, type: 'dry_run' });
    // The agent's own timestamp: acknowledged two hours ago (dry runs may take 15 minutes).
    assert.ok(
      await core.db.commands.markAcknowledged(command.id, agent.agentId, new Date(Date.now() - 7200_000)),
    );
    await core.dispatcher.expireOverdue();
    const timedOut = (await core.db.commands.findById(command.id))!;
    assert.equal(timedOut.status, 'timed_out');
    assert.equal(timedOut.error, 'no result within 900 s of its acknowledgement');
    const events = await core.db.systemEvents.list({ type: 'command', agentId: agent.agentId });
    assert.ok(events.some((e) => e.subtype === 'timed_out' && e.metadata.commandId === command.id));

    const late = await core.dispatcher.result(agent.agentId, {
      ...envelope(),
      commandId: command.id,
      status: 'succeeded',
      startedAt: new Date(Date.now() - 7000_000).toISOString(),
      finishedAt: new Date().toISOString(),
    });
    assert.equal(late, 'stored');
    assert.equal((await core.db.commands.findById(command.id))?.status, 'succeeded');
  });

  it('refuses commands for an unknown or revoked agent and stores none', async () => {
    const other = (await registerSimAgent(core.httpUrl, await core.createToken(1))).identity!;
    const before = await core.dispatcher.issue({ agentId: other.agentId, type: 'reboot' });
    await core.dispatcher.cancel(before.command.id, 'test');
    assert.ok(await core.db.agents.revoke(other.agentId));
    await assert.rejects(
      core.dispatcher.retry(before.command.id, 'test'),
      (err: unknown) => err instanceof CommandRequestError && err.code === 'agent_not_active',
    );
    for (const agentId of [other.agentId, '00000000-0000-4000-8000-000000000000', 'not-a-uuid'])
      await assert.rejects(
        core.dispatcher.issue({ agentId, type: 'scan', params: { plugin: 'apt' }, dedupKey: 'scan:apt' }),
        (err: unknown) =>
          err instanceof CommandRequestError &&
          err.code === 'agent_not_active' &&
          err.message === `no active agent with id ${agentId}`,
      );
    assert.deepEqual(
      (await core.db.commands.listForAgent(other.agentId)).map((c) => c.id),
      [before.command.id],
    );
  });
});
