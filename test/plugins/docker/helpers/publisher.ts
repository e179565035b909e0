import type { TestPodman } from './podman.js';

/**
 * Pushes images to a test registry from a podman of its own, so the host under test only ever
 * pulls, as a real host does. Each call makes a new image (new layer, new digest).
 */
export class Publisher {
  private serial = 0;

  constructor(
    private readonly podman: TestPodman,
    /** `--creds user:password` for registries that want them. */
    private readonly creds?: string,
  ) {}

  private pushArgs(): string[] {
    return this.creds ? ['--creds', this.creds] : [];
  }

  /** A single-platform image under `ref` (`127.0.0.1:5000/demo/app:1`), pushed. */
  async single(ref: string, arch?: string): Promise<void> {
    await this.podman.importImage(ref, { serial: String(++this.serial) }, arch ? { arch } : {});
    await this.podman.push(ref, this.pushArgs());
  }

  /**
   * A multi-arch index under `ref` from per-platform images already pushed (`parts`: arch →
   * reference), in OCI (`oci`) or Docker manifest list (`v2s2`) form.
   */
  async index(ref: string, parts: Record<string, string>, format: 'oci' | 'v2s2'): Promise<void> {
    try {
      await this.podman.podman(['manifest', 'rm', ref]);
    } catch {
      // no list of that name yet
    }
    await this.podman.podman(['manifest', 'create', ref]);
    for (const [arch, part] of Object.entries(parts))
      await this.podman.podman([
        'manifest',
        'add',
        '--tls-verify=false',
        ...this.pushArgs(),
        '--arch',
        arch,
        ref,
        `docker://${part}`,
      ]);
    await this.podman.podman([
      'manifest',
      'push',
      '--tls-verify=false',
      ...this.pushArgs(),
      '--all',
      '--format',
      format,
      ref,
      `docker://${ref}`,
    ]);
  }
}
