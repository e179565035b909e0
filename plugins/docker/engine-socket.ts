import { statSync } from 'node:fs';

/** Where an engine's socket is looked for when the config names none, in this order. */
export function candidateSockets(env: NodeJS.ProcessEnv = process.env): string[] {
  const sockets = ['/var/run/docker.sock', '/run/podman/podman.sock'];
  if (env.XDG_RUNTIME_DIR) sockets.push(`${env.XDG_RUNTIME_DIR}/podman/podman.sock`);
  return sockets;
}

export type SocketChoice = { socketPath: string } | { socketPath: null; reason: string };

/**
 * The engine's unix socket: the config's, else `DOCKER_HOST` (unix:// only: an agent talks to
 * the engine of its own host), else the first of the usual places that exists.
 */
export function chooseEngineSocket(configured: string | undefined, env = process.env): SocketChoice {
  if (configured) return { socketPath: stripUnix(configured) };
  const dockerHost = env.DOCKER_HOST;
  if (dockerHost) {
    if (!dockerHost.startsWith('unix://'))
      return { socketPath: null, reason: `DOCKER_HOST=${dockerHost} is not a unix socket` };
    return { socketPath: stripUnix(dockerHost) };
  }
  const found = candidateSockets(env).find(isSocket);
  if (found) return { socketPath: found };
  return { socketPath: null, reason: `no container engine socket (${candidateSockets(env).join(', ')})` };
}

function stripUnix(value: string): string {
  return value.startsWith('unix://') ? value.slice('unix://'.length) : value;
}

function isSocket(path: string): boolean {
  try {
    return statSync(path).isSocket();
  } catch {
    return false;
  }
}
