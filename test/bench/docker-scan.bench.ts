// Docker image checks (issue 24, benchmark): BENCH_IMAGES (200) images on a local
// docker-registry with token authentication, a quarter of them changed since the host pulled
// them. Measures the wall time of a scan's registry part (cold: no token yet; warm: the next
// scan) and the requests per image counted at the registry and at the token realm. Targets:
// one HEAD per image per scan, at most one token per repository per token lifetime, 200 images
// in under 2 s. The reference: the same number of bare HEADs with fetch at the same
// concurrency, with a token already in hand. The engine's two list calls are not in it.
import { createHash } from 'node:crypto';
import type { EngineInventory } from '../../plugins/docker/engine-inventory.js';
import { MANIFEST_ACCEPT, MEDIA_TYPES } from '../../plugins/docker/media-types.js';
import { checkInventory } from '../../plugins/docker/scan.js';
import { TestRegistry } from '../plugins/docker/helpers/registry.js';
import { testOperation, testSession } from '../plugins/docker/helpers/session.js';
import { TestTokenServer } from '../plugins/docker/helpers/token-server.js';

const IMAGES = Number(process.env.BENCH_IMAGES ?? 200);
const CONCURRENCY = 8;

const sha = (data: Buffer) => `sha256:${createHash('sha256').update(data).digest('hex')}`;

/** Pushes a one-layer OCI image to `repo:latest` through the distribution API; its digest. */
async function pushImage(registry: string, tokens: TestTokenServer, repo: string, serial: string) {
  const answer = await fetch(`${tokens.realm}?service=${tokens.service}&scope=repository:${repo}:pull,push`);
  const { token } = (await answer.json()) as { token: string };
  const auth = { authorization: `Bearer ${token}` };
  const upload = async (blob: Buffer) => {
    const started = await fetch(`http://${registry}/v2/${repo}/blobs/uploads/`, {
      method: 'POST',
      headers: auth,
    });
    const location = new URL(started.headers.get('location')!, `http://${registry}`);
    location.searchParams.set('digest', sha(blob));
    const put = await fetch(location, {
      method: 'PUT',
      headers: { ...auth, 'content-type': 'application/octet-stream' },
      body: blob,
    });
    if (put.status !== 201) throw new Error(`blob upload: ${put.status}`);
    return { mediaType: '', digest: sha(blob), size: blob.length };
  };
  const layer = await upload(Buffer.from(`layer ${repo} ${serial}`));
  const config = await upload(
    Buffer.from(
      JSON.stringify({
        architecture: 'amd64',
        os: 'linux',
        rootfs: { type: 'layers', diff_ids: [layer.digest] },
      }),
    ),
  );
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.ociManifest,
      config: { ...config, mediaType: 'application/vnd.oci.image.config.v1+json' },
      layers: [{ ...layer, mediaType: 'application/vnd.oci.image.layer.v1.tar' }],
    }),
  );
  const put = await fetch(`http://${registry}/v2/${repo}/manifests/latest`, {
    method: 'PUT',
    headers: { ...auth, 'content-type': MEDIA_TYPES.ociManifest },
    body: manifest,
  });
  if (put.status !== 201) throw new Error(`manifest: ${put.status} ${await put.text()}`);
  return sha(manifest);
}

export async function run(): Promise<void> {
  const registry = new TestRegistry();
  const tokens = new TestTokenServer(registry.dir, { expiresInSeconds: 300 });
  await tokens.start();
  await registry.start({ auth: tokens.authSection() });
  try {
    const R = registry.host;
    const inventory: EngineInventory = { containers: [], images: [], platform: 'linux/amd64' };
    for (let i = 0; i < IMAGES; i++) {
      const repo = `bench/img${i}`;
      const digest = await pushImage(R, tokens, repo, 'v1');
      if (i % 4 === 0) await pushImage(R, tokens, repo, 'v2'); // changed since the host pulled
      inventory.images.push({
        id: createHash('sha256').update(repo).digest('hex'),
        repoTags: [`${R}/${repo}:latest`],
        repoDigests: [`${R}/${repo}@${digest}`],
        labels: {},
      });
    }
    const session = testSession({
      socket: '/nonexistent',
      versionHints: false,
      concurrencyPerRegistry: CONCURRENCY,
    });
    const measure = async (label: string) => {
      registry.requests.length = 0;
      const tokensBefore = tokens.requests.length;
      const started = performance.now();
      const { images } = await checkInventory(session, inventory, testOperation(120_000));
      const ms = performance.now() - started;
      // The access log line may trail the answer a little.
      await new Promise((resolve) => setTimeout(resolve, 200));
      const updates = images.filter((i) => i.check.status === 'update').length;
      const failed = images.filter((i) => i.check.status === 'failed').length;
      const heads = registry.requests.filter((r) => r.startsWith('HEAD ')).length;
      console.log(
        `${label}: ${IMAGES} images in ${ms.toFixed(0)} ms (${updates} updates, ${failed} failed); ` +
          `registry requests ${registry.requests.length} (${(registry.requests.length / IMAGES).toFixed(2)}/image, ` +
          `${heads} HEAD), token requests ${tokens.requests.length - tokensBefore}`,
      );
      return ms;
    };
    await measure('docker plugin, cold (no token yet)');
    const warm = await measure('docker plugin, warm (next scan)');

    // Reference: bare HEADs with one token per repository fetched beforehand, same concurrency.
    const heads = await Promise.all(
      inventory.images.map(async (image) => {
        const repo = image.repoTags[0]!.slice(R.length + 1).replace(/:latest$/, '');
        const answer = await fetch(`${tokens.realm}?service=${tokens.service}&scope=repository:${repo}:pull`);
        return { repo, token: ((await answer.json()) as { token: string }).token };
      }),
    );
    const started = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (let i = next++; i < heads.length; i = next++) {
          const response = await fetch(`http://${R}/v2/${heads[i]!.repo}/manifests/latest`, {
            method: 'HEAD',
            headers: { accept: MANIFEST_ACCEPT, authorization: `Bearer ${heads[i]!.token}` },
          });
          await response.body?.cancel();
        }
      }),
    );
    const reference = performance.now() - started;
    console.log(`reference, bare HEADs with fetch: ${reference.toFixed(0)} ms`);
    console.log(
      `ratio warm scan / reference: ${(warm / reference).toFixed(2)} (target: 200 images < 2000 ms)`,
    );
  } finally {
    await registry.stop();
    await tokens.stop();
  }
}
