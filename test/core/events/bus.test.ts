import assert from 'node:assert/strict';
import { createLiveBus, createPresenceEvents, type LiveEvent } from '../../../core/events/index.js';

const note = (bus: ReturnType<typeof createLiveBus>, count: number) =>
  bus.emit('packages.changed', null, { reason: 'test', count });

describe('core/events live bus', () => {
  it('numbers events 1, 2, 3… and hands each to every listener as it is emitted', () => {
    const bus = createLiveBus({ bufferSize: 100 });
    const a: LiveEvent[] = [];
    const b: LiveEvent[] = [];
    bus.subscribe((e) => a.push(e));
    const unsubscribe = bus.subscribe((e) => b.push(e));
    note(bus, 1);
    unsubscribe();
    note(bus, 2);
    assert.deepEqual(
      a.map((e) => e.id),
      [1, 2],
    );
    assert.deepEqual(
      b.map((e) => e.id),
      [1],
    );
    assert.equal(bus.lastId, 2);
  });

  it('keeps emitting to the others when a listener throws, and reports the error', () => {
    const errors: unknown[] = [];
    const bus = createLiveBus({ bufferSize: 100, onError: (err) => errors.push(err) });
    const seen: number[] = [];
    bus.subscribe(() => {
      throw new Error('broken listener');
    });
    bus.subscribe((e) => seen.push(e.id));
    note(bus, 1);
    assert.deepEqual(seen, [1]);
    assert.equal((errors[0] as Error).message, 'broken listener');
  });

  it('replays exactly the events after an id while they are in the ring buffer', () => {
    const bus = createLiveBus({ bufferSize: 10 });
    for (let i = 1; i <= 25; i++) note(bus, i);
    const replay = bus.since(17);
    assert.ok(replay.ok);
    assert.deepEqual(
      replay.events.map((e) => e.id),
      [18, 19, 20, 21, 22, 23, 24, 25],
    );
    // The oldest kept event is 16: a client that saw 15 can still continue, one that saw 14 cannot.
    const edge = bus.since(15);
    assert.ok(edge.ok);
    assert.equal(edge.events[0]!.id, 16);
    assert.equal(edge.events.length, 10);
    assert.deepEqual(bus.since(14), { ok: false, reason: 'too_old', oldestId: 16, lastId: 25 });
    assert.deepEqual(bus.since(25), { ok: true, events: [] });
  });

  it('refuses ids of another stream and ids it never gave', () => {
    const bus = createLiveBus({ bufferSize: 10 });
    note(bus, 1);
    assert.equal(bus.since(0, bus.stream).ok, true);
    assert.deepEqual(bus.since(0, 'another'), { ok: false, reason: 'other_stream', oldestId: 1, lastId: 1 });
    assert.deepEqual(bus.since(7), { ok: false, reason: 'ahead', oldestId: 1, lastId: 1 });
    assert.notEqual(createLiveBus({ bufferSize: 10 }).stream, bus.stream);
  });

  it('says online and offline once per change, however many sources report it', () => {
    const bus = createLiveBus({ bufferSize: 10 });
    const presence = createPresenceEvents(bus);
    const seen: string[] = [];
    bus.subscribe((e) => seen.push(`${e.kind} ${e.agentId}`));
    presence.online('a');
    presence.offline('a'); // the disconnect
    presence.offline('a'); // its last will, a moment later
    presence.online('a');
    assert.deepEqual(seen, ['agent.online a', 'agent.offline a', 'agent.online a']);
  });

  it("publish: the kind's handlers run one after the other and are done when it resolves (issue 22 §3)", async () => {
    const errors: unknown[] = [];
    const bus = createLiveBus({ bufferSize: 100, onError: (err) => errors.push(err) });
    const steps: string[] = [];
    bus.handle('packages.changed', async (event) => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      steps.push(`first saw ${event.data.count}`);
    });
    bus.handle('packages.changed', async () => {
      throw new Error('broken handler');
    });
    const off = bus.handle('packages.changed', async () => {
      steps.push('third');
    });
    bus.handle('agent.online', async () => {
      steps.push('another kind');
    });
    const heard: number[] = [];
    bus.subscribe((e) => heard.push(e.id));

    const event = await bus.publish('packages.changed', null, { reason: 'test', count: 7 });
    assert.deepEqual(steps, ['first saw 7', 'third'], 'both handlers of the kind were done, in order');
    assert.deepEqual(heard, [event.id], 'listeners hear it as an emit');
    assert.equal((errors[0] as Error).message, 'broken handler');

    off();
    await bus.publish('packages.changed', null, { reason: 'test', count: 8 });
    assert.deepEqual(steps, ['first saw 7', 'third', 'first saw 8']);
  });

  it('stop: no listener or handler hears anything after the bus stopped', async () => {
    const bus = createLiveBus({ bufferSize: 100 });
    const heard: string[] = [];
    bus.subscribe(() => heard.push('listener'));
    bus.handle('packages.changed', async () => {
      heard.push('handler');
    });
    await bus.publish('packages.changed', null, { reason: 'test', count: 1 });
    await bus.stop();
    await bus.publish('packages.changed', null, { reason: 'test', count: 2 });
    assert.deepEqual(heard, ['listener', 'handler']);
  });
});
