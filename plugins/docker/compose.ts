import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { describeFailure, type OperationContext, PluginError, type PluginContext } from '../sdk/index.js';
import type { DockerConfig } from './config.js';
import type { ComposeInfo } from './engine-inventory.js';

/** What the host has, first found first used (the compose plugin, the v1 program, podman's). */
const CANDIDATES: readonly (readonly string[])[] = [
  ['docker', 'compose'],
  ['docker-compose'],
  ['podman-compose'],
];

/**
 * The compose program of this host: the configured one, or the first candidate whose
 * `version` answers; null when there is none (the container is then recreated by the engine).
 */
export async function findCompose(
  ctx: PluginContext<DockerConfig>,
  op: OperationContext,
): Promise<string[] | null> {
  const configured = ctx.config.composeCommand;
  if (configured.length) return [...configured];
  for (const candidate of CANDIDATES) {
    const [program, ...args] = candidate;
    const result = await ctx.run(program!, [...args, 'version'], { signal: op.signal, timeoutMs: 30_000 });
    if (result.exitCode === 0) return [...candidate];
  }
  return null;
}

/** The project's compose files, when every one still exists (relative ones from its working dir). */
export function composeFiles(info: ComposeInfo): string[] | null {
  if (!info.configFiles.length) return null;
  const files = info.configFiles.map((f) =>
    isAbsolute(f) || !info.workingDir ? f : join(info.workingDir, f),
  );
  return files.every((f) => existsSync(f)) ? files : null;
}

/**
 * `compose -p P -f F… up -d --no-deps S`: the project's own definition recreates the service on
 * the image just pulled (its dependencies are the plugin's to order, hence --no-deps). The
 * engine is the one the plugin speaks to (`DOCKER_HOST`).
 */
export async function composeUp(
  ctx: PluginContext<DockerConfig>,
  command: readonly string[],
  info: ComposeInfo,
  files: readonly string[],
  socketPath: string,
  op: OperationContext,
  onLine: (line: string) => void,
): Promise<void> {
  const [program, ...base] = command;
  const args = [
    ...base,
    '-p',
    info.project,
    ...files.flatMap((f) => ['-f', f]),
    'up',
    '-d',
    '--no-deps',
    info.service,
  ];
  const result = await ctx.run(program!, args, {
    signal: op.signal,
    timeoutMs: 30 * 60_000,
    ...(info.workingDir && existsSync(info.workingDir) ? { cwd: info.workingDir } : {}),
    env: { DOCKER_HOST: `unix://${socketPath}` },
    onStdoutLine: onLine,
    onStderrLine: onLine,
  });
  if (result.exitCode !== 0)
    throw new PluginError(`${command.join(' ')} up ${info.service}: ${describeFailure(result)}`, {
      code: 'compose-failed',
    });
}
