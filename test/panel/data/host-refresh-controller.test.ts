import assert from 'node:assert/strict';
import type { ReactiveController } from 'lit';
import type { RfContext } from '../../../panel/src/data/context.js';
import { HostRefreshController, type HostView } from '../../../panel/src/data/host-refresh-controller.js';
import type { LiveEvent, LiveListener } from '../../../panel/src/data/live-client.js';
import { until } from '../../helpers/until.js';

/** A live stream the test feeds, and a host view that only records its controller. */
function hostView(agentId: string) {
  const listeners = new Set<LiveListener>();
  const live = {
    subscribe: (l: LiveListener) => (listeners.add(l), () => listeners.delete(l)),
    onReset: () => () => {},
  };
  let controller: ReactiveController | undefined;
  const view: HostView = {
    ctx: { live } as unknown as RfContext,
    agentId,
    addController: (c) => (controller = c),
    removeController: () => {},
    requestUpdate: () => {},
    updateComplete: Promise.resolve(true),
  };
  const emit = (e: Partial<LiveEvent>) => {
    for (const l of listeners) l({ id: 1, ts: '2026-12-01T10:00:00.000Z', data: {}, ...e } as LiveEvent);
  };
  return { view, listeners, emit, controller: () => controller! };
}

describe('panel data: a host view read again when its host changes or a live event says so', () => {
  it('reads on the first update and after each change of host, not on other updates', () => {
    const { view, controller } = hostView('a1');
    const loads: string[] = [];
    new HostRefreshController(
      view,
      () => false,
      () => loads.push(view.agentId),
    );
    controller().hostConnected!();
    controller().hostUpdate!();
    controller().hostUpdate!();
    assert.deepEqual(loads, ['a1']);
    view.agentId = 'a2';
    controller().hostUpdate!();
    controller().hostUpdate!();
    assert.deepEqual(loads, ['a1', 'a2']);
  });

  it('reads again on a live event the view calls stale for the host it shows; stops listening when disconnected', async () => {
    const { view, listeners, emit, controller } = hostView('a1');
    const stale: Array<[LiveEvent['agentId'], string]> = [];
    let loads = 0;
    new HostRefreshController(
      view,
      (e, agentId) => (stale.push([e.agentId, agentId]), e.agentId === agentId),
      () => loads++,
    );
    controller().hostConnected!();
    controller().hostUpdate!();
    emit({ kind: 'containers.changed', agentId: 'a1' });
    await until('the read after the live event', () => loads === 2);
    assert.deepEqual(stale, [['a1', 'a1']]);
    controller().hostDisconnected!();
    assert.equal(listeners.size, 0);
  });
});
