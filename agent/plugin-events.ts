import type { Logger } from 'pino';
import type { PluginEvent } from '../plugins/sdk/index.js';
import type { AgentEvent } from './executor/executor.js';

/**
 * Plugin host events the core should have on record (a plugin refused, failed, disabled or
 * returning malformed records), as agent `event`s. Loads are routine and operation failures
 * already travel in the scan or result they broke.
 */
export function pluginEventReporter(report: (event: AgentEvent) => Promise<void>, log: Logger) {
  return (event: PluginEvent): void => {
    if (event.subtype === 'loaded' || event.subtype === 'operation-failed') return;
    void report({
      type: 'plugin',
      subtype: event.subtype,
      severity: event.severity,
      message: event.message.slice(0, 4096),
      metadata: { plugin: event.plugin, ...(event.metadata ?? {}) },
    }).catch((err: unknown) => log.error({ err }, 'could not spool a plugin event'));
  };
}
