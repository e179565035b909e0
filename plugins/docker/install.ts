import {
  errorMessage,
  type InstallProgress,
  type InstallRequest,
  type InstallResult,
  type OperationContext,
  PluginError,
  type ScanPackage,
  type TransactionItem,
} from '../sdk/index.js';
import { findCompose } from './compose.js';
import { updateWithCompose } from './compose-update.js';
import { ContainerOps } from './container-ops.js';
import { pullImage } from './pull.js';
import { recreateWithEngine, restartDependent } from './recreate.js';
import { scanDocker } from './scan.js';
import type { DockerSession } from './session.js';
import { describePlan, planUpdate, type PlannedContainer } from './update-plan.js';
import type { ContainerOutcome, UpdateRun } from './update-run.js';

const NO_REBOOT = { required: false, packages: [], reasons: [] };

/**
 * Updates the images named (scan record names: `registry/repo:tag`): pull each, then every
 * affected container in dependency order (update-plan.ts), each restored on failure. The
 * outcome of every container is in `details.containers`; one that was rolled back or failed
 * makes the install fail, with the same details.
 */
export async function installDocker(
  session: DockerSession,
  request: InstallRequest,
  onProgress: (progress: InstallProgress) => void,
  op: OperationContext,
): Promise<InstallResult> {
  const { ctx } = session;
  const config = ctx.config;
  const ops = new ContainerOps(await session.engine(op), config.stopTimeoutSeconds);
  const scan = await scanDocker(session, op);
  const records = request.packages.map((ref) => {
    const record = scan.packages.find((p) => p.name === ref.name);
    if (!record)
      throw new PluginError(`${ref.name}: no update (up to date, not checkable, or not on this host)`, {
        code: 'not-updatable',
      });
    return record;
  });
  const compose = await findCompose(ctx, op);
  const plan = await planUpdate(ops, records, compose, op.signal);
  const log = (message: string) => {
    ctx.logger.info(message);
    onProgress({ stage: 'output', message });
  };
  for (const step of describePlan(plan, compose)) log(step);

  // Pulling changes nothing that runs: the point of no return is the first container stopped.
  const previousImage = new Map<string, string>();
  for (const pull of plan.pulls) {
    onProgress({ stage: 'download', package: pull.reference, message: `pulling ${pull.reference}` });
    const before = await ops.inspectImage(pull.reference, op.signal);
    if (before) previousImage.set(pull.reference, before.Id);
    await pullImage(session, ops, pull.reference, op);
  }
  op.pointOfNoReturn();

  const run: UpdateRun = {
    ops,
    op,
    ready: { timeoutMs: config.healthTimeoutSeconds * 1000, graceMs: config.startupGraceSeconds * 1000 },
    log,
    renamed: new Map(),
    backups: [],
  };
  const outcomes: ContainerOutcome[] = [];
  for (const planned of plan.containers) {
    onProgress({ stage: 'install', package: planned.image, message: `updating container ${planned.name}` });
    const outcome = await updateOne(session, run, planned, compose).catch(
      (error: unknown): ContainerOutcome => ({
        name: planned.name,
        id: planned.id,
        image: planned.image,
        via: planned.via,
        outcome: 'failed',
        reason: errorMessage(error),
      }),
    );
    if (outcome.reason) onProgress({ stage: 'error', package: planned.name, message: outcome.reason });
    outcomes.push(outcome);
  }

  const warnings = [...scan.warnings, ...(await removeBackups(run))];
  if (config.removeOldImages)
    warnings.push(...(await removeOldImages(ops, records, outcomes, previousImage, op)));
  const details = { containers: outcomes };
  const bad = outcomes.filter((o) => o.outcome === 'rolled_back' || o.outcome === 'failed');
  if (bad.length)
    throw new PluginError(
      bad.map((o) => `${o.name} ${o.outcome.replace('_', ' ')}: ${o.reason}`).join('; '),
      {
        code: 'update-failed',
        details,
      },
    );
  return { changed: records.map(changedItem), rebootRequired: NO_REBOOT, warnings, details };
}

async function updateOne(
  session: DockerSession,
  run: UpdateRun,
  planned: PlannedContainer,
  compose: string[] | null,
): Promise<ContainerOutcome> {
  if (planned.via === 'restart') return restartDependent(run, planned);
  if (planned.via === 'compose') return updateWithCompose(session.ctx, run, planned, compose!);
  return recreateWithEngine(run, planned);
}

/** The kept previous containers, dependents' first (a namespace's users go before it). */
async function removeBackups(run: UpdateRun): Promise<string[]> {
  const warnings: string[] = [];
  for (const backup of [...run.backups].reverse()) {
    try {
      await run.ops.remove(backup.id, run.op.signal);
    } catch (error) {
      warnings.push(`${backup.name}: the previous container could not be removed: ${errorMessage(error)}`);
    }
  }
  return warnings;
}

/** The images the containers ran before, for images whose containers all moved on. */
async function removeOldImages(
  ops: ContainerOps,
  records: readonly ScanPackage[],
  outcomes: readonly ContainerOutcome[],
  previousImage: ReadonlyMap<string, string>,
  op: OperationContext,
): Promise<string[]> {
  const warnings: string[] = [];
  for (const record of records) {
    const mine = outcomes.filter((o) => o.image === record.name);
    const old = previousImage.get(record.name);
    if (!old || mine.some((o) => o.outcome === 'rolled_back' || o.outcome === 'failed')) continue;
    try {
      await ops.removeImage(old, op.signal);
    } catch (error) {
      // Still used by another container or tag: kept, which is what the engine decides.
      warnings.push(`${record.name}: the previous image was not removed: ${errorMessage(error)}`);
    }
  }
  return warnings;
}

function changedItem(record: ScanPackage): TransactionItem {
  return {
    name: record.name,
    fromVersion: record.currentVersion,
    toVersion: record.availableVersion,
    source: record.source,
    security: false,
  };
}
