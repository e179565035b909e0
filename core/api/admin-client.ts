import { request } from 'node:http';
import { userInfo } from 'node:os';

/** No core answers on the socket: the caller may open the database itself. */
export class NoRunningCoreError extends Error {
  override name = 'NoRunningCoreError';
}

/** The core answered with an error; `message` is its error message. */
export class AdminRequestError extends Error {
  override name = 'AdminRequestError';
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

export function adminRequest<T>(
  socketPath: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      {
        socketPath,
        method,
        path,
        headers: {
          // Who ran the command, for the event history; the socket's file permission is the authorisation.
          'x-redflag-user': safeUserName(),
          ...(payload
            ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }
            : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown;
          try {
            parsed = text ? JSON.parse(text) : undefined;
          } catch {
            return reject(
              new AdminRequestError(
                `core answered with non-JSON: ${text.slice(0, 200)}`,
                res.statusCode ?? 0,
              ),
            );
          }
          if ((res.statusCode ?? 500) >= 400) {
            const message = (parsed as { error?: { message?: string } })?.error?.message ?? text;
            return reject(new AdminRequestError(message, res.statusCode ?? 500));
          }
          resolve(parsed as T);
        });
      },
    );
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT' || err.code === 'ECONNREFUSED') reject(new NoRunningCoreError(socketPath));
      else reject(err);
    });
    if (payload) req.write(payload);
    req.end();
  });
}

function safeUserName(): string {
  try {
    return userInfo().username;
  } catch {
    return `uid ${process.getuid?.() ?? 'unknown'}`;
  }
}
