import assert from 'node:assert/strict';
import { type Service, startServices } from '../../../core/lifecycle/index.js';

/** Issue 22 §3: services start in dependency order and stop in reverse. */
describe('lifecycle: startServices', () => {
  const journal: string[] = [];
  const service = (name: string, failAt?: 'start' | 'stop'): Service => ({
    name,
    async start() {
      if (failAt === 'start') throw new Error(`${name} cannot start`);
      journal.push(`start ${name}`);
    },
    async stop() {
      journal.push(`stop ${name}`);
      if (failAt === 'stop') throw new Error(`${name} cannot stop`);
    },
  });
  beforeEach(() => {
    journal.length = 0;
  });

  it('starts in the order given and stops in reverse', async () => {
    const running = await startServices([service('db'), service('jobs'), service('plugins')], () => {});
    assert.deepEqual(running.started, ['db', 'jobs', 'plugins']);
    await running.stop();
    assert.deepEqual(journal, [
      'start db',
      'start jobs',
      'start plugins',
      'stop plugins',
      'stop jobs',
      'stop db',
    ]);
  });

  it('stops what already started, in reverse, when one fails to start, and throws its error', async () => {
    await assert.rejects(
      startServices([service('db'), service('jobs'), service('plugins', 'start'), service('http')], () => {}),
      /plugins cannot start/,
    );
    assert.deepEqual(journal, ['start db', 'start jobs', 'stop jobs', 'stop db']);
  });

  it('keeps stopping the others when one fails to stop, and reports it', async () => {
    const failures: string[] = [];
    const running = await startServices(
      [service('db'), service('jobs', 'stop'), service('plugins')],
      (name) => failures.push(name),
    );
    await running.stop();
    assert.deepEqual(journal.slice(3), ['stop plugins', 'stop jobs', 'stop db']);
    assert.deepEqual(failures, ['jobs']);
  });
});
