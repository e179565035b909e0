import { request } from 'node:http';

export interface EngineResponse {
  status: number;
  body: Buffer;
}

export interface EngineRequest {
  socketPath: string;
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  body?: unknown;
  /** Beside `host` and the body's type: `X-Registry-Auth` for a pull. */
  headers?: Record<string, string>;
  signal: AbortSignal;
  /** Answers larger than this are refused: an engine listing is never gigabytes. */
  maxBytes: number;
}

/**
 * One HTTP request to the engine's unix socket. node:http rather than undici's Agent: the
 * socket is all it needs, and undici is not a dependency of the project (docs/decisions.md).
 */
export function engineRequest(options: EngineRequest): Promise<EngineResponse> {
  const payload = options.body === undefined ? undefined : Buffer.from(JSON.stringify(options.body));
  return new Promise((resolve, reject) => {
    const req = request(
      {
        socketPath: options.socketPath,
        method: options.method,
        path: options.path,
        signal: options.signal,
        headers: {
          host: 'docker',
          ...options.headers,
          ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > options.maxBytes) {
            res.destroy();
            reject(
              new Error(`the engine's answer to ${options.path} is larger than ${options.maxBytes} bytes`),
            );
            return;
          }
          chunks.push(chunk);
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}
