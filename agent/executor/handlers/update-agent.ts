import { createHash } from 'node:crypto';
import {
  AGENT_BUNDLE_MAX_BYTES,
  UPDATE_CONNECT_TIMEOUT_DEFAULT_SEC,
  type UpdateAgentParams,
  updateAgentParamsSchema,
  verifyAgentBundle,
} from '../../../broker/protocol/index.js';
import { runProcess } from '../../../plugins/sdk/index.js';
import { stageBundle, swapInStaged } from '../../update/swap.js';
import { writeTrial } from '../../update/trial-files.js';
import { AGENT_VERSION } from '../../version.js';
import type { CommandRun } from '../command-run.js';
import type { CommandHandler, HandlerOutcome } from '../handler.js';
import type { HandlerDeps } from './deps.js';

/**
 * `update_agent` (docs/agent.md, "Self-update and rollback"): download the core's bundle, check
 * its size, SHA-256 and the server's signature (with a key this agent trusts), check that it
 * runs on this Node.js and is the version it claims, then swap it in keeping the previous one,
 * write the trial files the launcher watches, and restart. The result is sent by the next run:
 * the new version once it has connected (`updated`), or the previous one after the launcher
 * put it back (`rolled_back`). Refusals end here with a `rejected` result and nothing changed.
 */
export function updateAgentHandler(deps: HandlerDeps): CommandHandler<UpdateAgentParams> {
  return {
    paramsSchema: updateAgentParamsSchema,
    timeoutMs: 10 * 60_000,
    async run(params, run: CommandRun): Promise<HandlerOutcome> {
      const bundle = deps.update.bundle();
      const from = { version: AGENT_VERSION, sha256: bundle?.sha256 ?? null };
      const to = { version: params.version, sha256: params.sha256 };
      const refuse = (reason: string): HandlerOutcome => {
        run.line('stderr', reason);
        return { status: 'rejected', error: reason, data: { outcome: 'refused', from, to, reason } };
      };
      if (!bundle)
        return refuse(
          'this agent runs from the RedFlag sources, not an installed bundle: update it with the sources (git pull), or install it with install.sh',
        );
      if (!bundle.launcher)
        return refuse(
          `this agent was not started by the launcher install.sh writes (${bundle.dir}/bin/redflag-agent), which restarts it and rolls a failed update back`,
        );
      if (bundle.sha256 === params.sha256)
        return { status: 'succeeded', data: { outcome: 'unchanged', from, to } };
      const key = deps.update.serverKeys()[params.keyId];
      if (!key)
        return refuse(`the bundle is signed with key ${params.keyId}, which this agent does not trust`);

      const url = new URL(params.url, deps.update.serverUrl());
      run.status(`downloading ${url.href}`);
      let code: Buffer;
      try {
        code = await download(url, params.size, run.signal);
      } catch (err) {
        return {
          status: 'failed',
          error: `could not download the bundle: ${(err as Error).message}`,
          data: { outcome: 'failed', from, to },
        };
      }
      const sha256 = createHash('sha256').update(code).digest('hex');
      if (sha256 !== params.sha256)
        return refuse(`the downloaded bundle's SHA-256 is ${sha256}, the command names ${params.sha256}`);
      if (!verifyAgentBundle(key, params.version, sha256, params.signature))
        return refuse(
          `the signature over bundle ${params.version} (${sha256}) does not verify with key ${params.keyId}`,
        );
      run.status(`bundle ${params.version} verified (SHA-256 and signature)`);

      const staged = await stageBundle(bundle.dir, code);
      const probe = await runProcess(process.execPath, [staged, '--version'], {
        timeoutMs: 60_000,
        signal: run.signal,
      });
      const reported = probe.stdout.join('\n').trim();
      if (probe.exitCode !== 0 || reported !== params.version)
        return refuse(
          `the new bundle does not run on Node.js ${process.version} as version ${params.version} (exit ${String(probe.exitCode)}: ${(reported || probe.stderr.join(' ')).slice(0, 300)})`,
        );

      const connectTimeoutSeconds = params.connectTimeoutSeconds ?? UPDATE_CONNECT_TIMEOUT_DEFAULT_SEC;
      await writeTrial(bundle.dir, {
        commandId: run.id,
        startedAt: run.startedAt,
        from: { version: AGENT_VERSION, sha256: bundle.sha256 },
        to,
        connectTimeoutSeconds,
      });
      await swapInStaged(bundle.dir);
      run.status(
        `installed ${params.version}; restarting (rolled back if it has not connected within ${connectTimeoutSeconds} s)`,
      );
      return { status: 'succeeded', restart: true, data: { outcome: 'restarting', from, to } };
    },
  };
}

async function download(url: URL, size: number, signal: AbortSignal): Promise<Buffer> {
  const res = await fetch(url, { signal });
  if (!res.ok) throw new Error(`${url.href} answered ${res.status}`);
  const length = Number(res.headers.get('content-length') ?? size);
  if (length !== size || size > AGENT_BUNDLE_MAX_BYTES)
    throw new Error(`${url.href} is ${length} bytes, the command names ${size}`);
  const code = Buffer.from(await res.arrayBuffer());
  if (code.length !== size) throw new Error(`received ${code.length} bytes, the command names ${size}`);
  return code;
}
