import { requireOrSkip } from '../../apt/helpers/requirements.js';
import { TestPodman } from './podman.js';
import { Publisher } from './publisher.js';
import { TestRegistry } from './registry.js';
import { TestTokenServer } from './token-server.js';

const CREDS = 'alice:secret';

/**
 * The real parts of the docker detection tests (issue 24 "Tests"): Debian's docker-registry
 * with token authentication from a token server of the test's own (user alice, the only one
 * who may read `private/app`), a podman that publishes to it, and the host's podman, whose
 * Docker API the plugin reads and which pulls with `pullCreds`.
 */
export class TokenAuthHost {
  readonly registry = new TestRegistry();
  readonly tokens = new TestTokenServer(this.registry.dir, {
    users: { alice: 'secret' },
    privateRepositories: { 'private/app': ['alice'] },
  });
  readonly publisherPodman = new TestPodman();
  readonly host = new TestPodman();
  readonly publish = new Publisher(this.publisherPodman, CREDS);
  readonly pullCreds = ['--creds', CREDS];

  /** Skips the suite where the tools are missing; a start that fails stops what it started. */
  static async start(context: Mocha.Context): Promise<TokenAuthHost> {
    requireOrSkip(
      context,
      { commands: ['podman', 'runc', 'busybox', 'docker-registry', 'openssl'], root: true },
      'install podman, runc, busybox-static, docker-registry and openssl (.ci/run)',
    );
    const setup = new TokenAuthHost();
    try {
      await setup.tokens.start();
      await setup.registry.start({ auth: setup.tokens.authSection() });
      await setup.host.startService();
    } catch (err) {
      await setup.stop();
      throw err;
    }
    return setup;
  }

  /** `127.0.0.1:<port>`, the registry's host part of an image reference. */
  get R(): string {
    return this.registry.host;
  }

  async stop(): Promise<void> {
    await this.host.stop();
    await this.publisherPodman.stop();
    await this.registry.stop();
    await this.tokens.stop();
  }
}
