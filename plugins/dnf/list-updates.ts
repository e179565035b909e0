import {
  type OperationContext,
  type PluginContext,
  PluginError,
  type ProcessResult,
  succeeded,
} from '../sdk/index.js';
import type { DnfConfig } from './config.js';
import { describeDnfFailure, runDnf } from './dnf-runner.js';
import { parseCheckUpdate } from './parse-check-update.js';
import { type Candidate, parseRepoquery, REPOQUERY_FORMAT } from './parse-repoquery.js';
import type { DnfTool } from './tool.js';

export interface UpdateListing {
  candidates: Candidate[];
  /** False when a line could not be read or a repository was skipped: updates may be missing. */
  complete: boolean;
  warnings: string[];
}

/**
 * Every installed package with a newer version available, held ones included: `repoquery
 * --upgrades` with a query format for dnf and dnf5 (one field per column, nothing to wrap),
 * `check-update` for yum, which has no repoquery of its own. A failed metadata refresh is
 * retried from the cache and reported, as apt's plugin does with a failed `apt-get update`.
 */
export async function listUpdates(
  ctx: PluginContext<DnfConfig>,
  op: OperationContext,
  tool: DnfTool,
): Promise<UpdateListing> {
  const warnings: string[] = [];
  const refresh = ctx.config.refreshMetadata && tool.kind !== 'yum';
  let result = await runListing(ctx, op, tool, refresh ? ['--refresh'] : []);
  if (refresh && !listed(tool, result) && !result.aborted) {
    warnings.push(
      `refreshing the repository metadata failed, so this scan used the metadata already cached: ${describeDnfFailure(result)}`,
    );
    result = await runListing(ctx, op, tool, ['--cacheonly']);
  }
  if (!listed(tool, result)) throw new PluginError(describeDnfFailure(result), { code: 'command-failed' });

  const parsed = tool.kind === 'yum' ? parseCheckUpdate(result.stdout) : parseRepoquery(result.stdout);
  warnings.push(...parsed.warnings);
  let complete = parsed.warnings.length === 0;
  // dnf4 with skip_if_unavailable (Debian's default, an option elsewhere) drops a broken
  // repository with a line on stderr and exits 0: its updates are missing from this listing.
  for (const line of [...result.stderr, ...result.stdout]) {
    const skipped = /^Ignoring repositories: (.+)$/.exec(line.trim());
    if (skipped) {
      warnings.push(`repositories skipped because their metadata could not be loaded: ${skipped[1]}`);
      complete = false;
    }
  }
  if (tool.kind === 'yum' && result.exitCode === 100 && parsed.candidates.length === 0 && complete) {
    warnings.push(
      'yum check-update said updates are available (exit 100) but listed none that could be read',
    );
    complete = false;
  }
  return { candidates: parsed.candidates, complete, warnings };
}

function runListing(
  ctx: PluginContext<DnfConfig>,
  op: OperationContext,
  tool: DnfTool,
  metadataOptions: string[],
): Promise<ProcessResult> {
  const args =
    tool.kind === 'yum'
      ? ['check-update']
      : [
          ...metadataOptions,
          'repoquery',
          '--upgrades',
          '--latest-limit=1',
          `--queryformat=${REPOQUERY_FORMAT}${tool.kind === 'dnf5' ? '\\n' : ''}`,
        ];
  return runDnf(ctx, op, tool, { args, timeoutSeconds: ctx.config.commandTimeoutSeconds });
}

/** repoquery exits 0; check-update 100 with updates and 0 without (fixtures README). */
function listed(tool: DnfTool, result: ProcessResult): boolean {
  if (tool.kind !== 'yum') return succeeded(result);
  return (
    !result.spawnError &&
    !result.timedOut &&
    !result.aborted &&
    (result.exitCode === 0 || result.exitCode === 100)
  );
}
