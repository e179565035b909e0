import { type DetectResult, isPluginError } from '../sdk/index.js';
import { EngineClient } from './engine-client.js';
import { chooseEngineSocket } from './engine-socket.js';

export type EngineConnection = { engine: EngineClient } | { engine: null; reason: string };

/**
 * Connects to the host's engine. No socket, or nothing listening on it, means this host runs
 * no containers: the plugin is not applicable there, which is not an error.
 */
export async function connectEngine(
  configuredSocket: string,
  signal: AbortSignal,
  env = process.env,
): Promise<EngineConnection> {
  const choice = chooseEngineSocket(configuredSocket, env);
  if (choice.socketPath === null) return { engine: null, reason: choice.reason };
  try {
    return { engine: await EngineClient.connect(choice.socketPath, signal) };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ECONNREFUSED' || code === 'EACCES')
      return { engine: null, reason: `no container engine answers on ${choice.socketPath} (${code})` };
    if (isPluginError(error)) return { engine: null, reason: error.message };
    throw error;
  }
}

export function detectResult(connection: EngineConnection): DetectResult {
  if (!connection.engine) return { available: false, reason: connection.reason };
  const { engine, apiVersion } = connection.engine;
  return { available: true, version: `${engine.name} ${engine.version} (API ${apiVersion})` };
}
