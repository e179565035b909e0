import { type OperationContext, PluginError } from '../sdk/index.js';
import type { ContainerOps } from './container-ops.js';
import { parseImageReference, repositoryName } from './image-reference.js';
import type { DockerSession } from './session.js';

/**
 * Pulls `reference` through the engine (`POST /images/create`), with the registry's
 * credentials (the agent's config, then the Docker CLI's) as `X-Registry-Auth`. The engine
 * answers 200 and then reports a failure inside its progress stream, so the stream is read.
 * Returns the image id the tag names afterwards.
 */
export async function pullImage(
  session: DockerSession,
  ops: ContainerOps,
  reference: string,
  op: OperationContext,
): Promise<string> {
  const ref = parseImageReference(reference);
  const credentials = await session.credentials.forRegistry(ref.domain, op);
  // Base64url with its padding, as the Docker CLI writes it (podman refuses it unpadded).
  const auth: Record<string, string> = credentials
    ? {
        'X-Registry-Auth': Buffer.from(
          JSON.stringify({
            username: credentials.username,
            password: credentials.password,
            serveraddress: ref.domain,
          }),
        )
          .toString('base64')
          .replace(/\+/g, '-')
          .replace(/\//g, '_'),
      }
    : {};
  const query = `fromImage=${encodeURIComponent(repositoryName(ref))}&tag=${encodeURIComponent(ref.tag ?? 'latest')}`;
  const stream = await ops.engine.postText(`/images/create?${query}`, auth, op.signal);
  const failure = streamError(stream);
  if (failure) throw new PluginError(`pull ${reference}: ${failure}`, { code: 'pull-failed' });
  const image = await ops.inspectImage(reference, op.signal);
  if (!image)
    throw new PluginError(`pull ${reference}: the engine has no such image afterwards`, {
      code: 'pull-failed',
    });
  return image.Id;
}

/** The first `error` of a progress stream of JSON lines. */
function streamError(stream: string): string | null {
  for (const line of stream.split('\n')) {
    if (!line.trim()) continue;
    try {
      const entry = JSON.parse(line) as { error?: unknown; errorDetail?: { message?: unknown } };
      if (typeof entry.error === 'string') return entry.error;
      if (typeof entry.errorDetail?.message === 'string') return entry.errorDetail.message;
    } catch {
      // podman writes several objects on one line at times; an unreadable line is progress.
      const match = /"error":\s*"([^"]+)"/.exec(line);
      if (match) return match[1]!;
    }
  }
  return null;
}
