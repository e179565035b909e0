import assert from 'node:assert/strict';
import type { InspectedContainer } from '../../../plugins/docker/container-ops.js';
import { affectedContainers, dependencyGraph, updateOrder } from '../../../plugins/docker/update-order.js';
import { isPluginError } from '../../../plugins/sdk/index.js';

/** A container as inspect shows it, with what ordering reads: name, network mode, compose labels. */
function container(
  name: string,
  options: { networkMode?: string; service?: string; dependsOn?: string } = {},
): InspectedContainer {
  const labels: Record<string, string> = {};
  if (options.service) {
    labels['com.docker.compose.project'] = 'site';
    labels['com.docker.compose.service'] = options.service;
  }
  if (options.dependsOn) labels['com.docker.compose.depends_on'] = options.dependsOn;
  return {
    Id: `${name.padEnd(12, '0')}${'f'.repeat(52)}`,
    Name: `/${name}`,
    Image: 'sha256:1',
    Config: { Labels: labels },
    HostConfig: { NetworkMode: options.networkMode ?? 'bridge' },
    State: { Running: true },
  };
}

describe('docker plugin: update order', () => {
  const db = container('db', { service: 'db' });
  const app = container('app', {
    service: 'app',
    dependsOn: 'db:service_healthy:true,cache:service_started:false',
  });
  const vpn = container('vpn');
  // Docker writes the provider's id into the network mode.
  const client = container('aclient', { networkMode: `container:${vpn.Id}` });
  const all = [app, client, db, vpn];
  const graph = dependencyGraph(all);
  const names = new Map(all.map((c) => [c.Id, c.Name.slice(1)]));
  const nameOf = (id: string) => names.get(id)!;

  it('reads network_mode container:<id> and compose depends_on (services of the same project)', () => {
    assert.deepEqual(graph.get(client.Id), [{ id: vpn.Id, kind: 'network' }]);
    assert.deepEqual(graph.get(app.Id), [{ id: db.Id, kind: 'depends_on' }]);
    assert.deepEqual(graph.get(db.Id), []);
  });

  it('touches the dependents of what it recreates: a network dependent is recreated, a depends_on one restarted', () => {
    assert.deepEqual(
      [...affectedContainers(new Set([vpn.Id, db.Id]), graph)].map(([id, why]) => [nameOf(id), why]),
      [
        ['vpn', 'image'],
        ['db', 'image'],
        ['app', 'depends_on'],
        ['aclient', 'network'],
      ],
    );
  });

  it('orders every container after those it depends on, whatever their names', () => {
    assert.deepEqual(updateOrder([app.Id, client.Id, db.Id, vpn.Id], graph, nameOf).map(nameOf), [
      'db',
      'vpn',
      'aclient',
      'app',
    ]);
  });

  it('reports a cycle as an error naming its containers, without hanging', () => {
    const a = container('a', { networkMode: 'container:b' });
    const b = container('b', { service: 'b', dependsOn: 'c:service_started:false' });
    const c = container('c', { service: 'c', networkMode: 'container:a' });
    const cyclic = dependencyGraph([a, b, c]);
    const nameOfCyclic = (id: string) => [a, b, c].find((x) => x.Id === id)!.Name.slice(1);
    assert.throws(
      () => updateOrder([a.Id, b.Id, c.Id], cyclic, nameOfCyclic),
      (error: unknown) =>
        isPluginError(error) &&
        error.code === 'dependency-cycle' &&
        /in a cycle: a, b, c$/.test(error.message),
    );
  });
});
