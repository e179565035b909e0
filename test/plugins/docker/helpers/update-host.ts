import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import type { DockerConfig } from '../../../../plugins/docker/config.js';
import type { InspectedContainer } from '../../../../plugins/docker/container-ops.js';
import { ContainerOps } from '../../../../plugins/docker/container-ops.js';
import type { DockerSession } from '../../../../plugins/docker/session.js';
import { requireOrSkip } from '../../apt/helpers/requirements.js';
import { TestPodman } from './podman.js';
import { TestRegistry } from './registry.js';
import { testOperation, testSession } from './session.js';

/**
 * A host to update containers on: a registry of the test's own, a podman that builds and pushes
 * images (the publisher), and the host's podman with its API socket, which pulls from it.
 */
export class UpdateHost {
  readonly registry = new TestRegistry();
  readonly publisher = new TestPodman();
  readonly host = new TestPodman();
  private serial = 0;

  static async start(context: Mocha.Context, commands: string[] = []): Promise<UpdateHost> {
    requireOrSkip(
      context,
      { commands: ['podman', 'runc', 'busybox', 'docker-registry', ...commands], root: true },
      `install podman, runc, busybox-static, docker-registry ${commands.join(' ')} (.ci/run)`,
    );
    const setup = new UpdateHost();
    await setup.registry.start();
    setup.host.trustInsecure([setup.registry.host]);
    await setup.host.startService();
    return setup;
  }

  /** `127.0.0.1:<port>/demo/<name>:1`. */
  ref(name: string, tag = '1'): string {
    return `${this.registry.host}/demo/${name}:${tag}`;
  }

  /** A new image under `ref` in the registry (a new layer: a new digest); `cmd` its CMD. */
  async publish(ref: string, cmd?: string[]): Promise<void> {
    await this.publisher.importImage(ref, { serial: String(++this.serial) }, cmd ? { cmd } : {});
    await this.publisher.push(ref);
  }

  /** The image published and pulled onto the host. */
  async publishAndPull(ref: string): Promise<void> {
    await this.publish(ref);
    await this.host.pull(ref);
  }

  session(overrides: Partial<DockerConfig> = {}): DockerSession {
    return testSession({
      socket: this.host.socketPath,
      startupGraceSeconds: 1,
      healthTimeoutSeconds: 60,
      stopTimeoutSeconds: 1,
      ...overrides,
    });
  }

  inspect(name: string): Promise<InspectedContainer> {
    return this.ops().then((ops) => ops.inspect(name, AbortSignal.timeout(10_000)));
  }

  async imageId(ref: string): Promise<string> {
    const ops = await this.ops();
    return (await ops.inspectImage(ref, AbortSignal.timeout(10_000)))!.Id;
  }

  async containerNames(): Promise<string[]> {
    return (await this.host.podman(['ps', '-a', '--format', '{{.Names}}']))
      .split('\n')
      .filter(Boolean)
      .sort();
  }

  tempDir(): string {
    return mkdtempSync(join(this.host.dir, 'files-'));
  }

  private async ops(): Promise<ContainerOps> {
    return new ContainerOps(await this.session().engine(testOperation()), 1);
  }

  async stop(): Promise<void> {
    // Containers sharing a namespace are removed in any order only once all are stopped.
    for (const args of [
      ['stop', '-a', '-t', '0'],
      ['rm', '-af', '-t', '0'],
    ])
      await this.host.podman(args).catch(() => undefined);
    await this.host.stop();
    await this.publisher.stop();
    await this.registry.stop();
  }
}
