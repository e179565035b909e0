import { RegistryError } from './registry-errors.js';

/**
 * Reads a body up to `maxBytes`: a manifest is a few KiB, so a proxy's endless answer or a
 * mislabelled blob is refused as soon as it passes the bound, not buffered whole.
 */
export async function readBoundedBody(response: Response, maxBytes: number, what: string): Promise<Buffer> {
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (declared > maxBytes) {
    await response.body?.cancel();
    throw new RegistryError(
      'too-large',
      `${what}: ${declared} bytes, more than the ${maxBytes} a manifest may have`,
    );
  }
  if (!response.body) return Buffer.alloc(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel();
        throw new RegistryError('too-large', `${what}: more than the ${maxBytes} bytes a manifest may have`);
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof RegistryError) throw error;
    // A connection cut before Content-Length was reached (a truncated answer from a proxy).
    throw new RegistryError('bad-answer', `${what}: the answer was cut short (${(error as Error).message})`);
  }
  return Buffer.concat(chunks);
}
