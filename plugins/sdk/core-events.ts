/** The bus's event map, the wire's (broker/protocol/live-events.ts): what `ctx.bus` delivers. */
export {
  CORE_EVENT_KINDS,
  type CoreEvent,
  type CoreEventData,
  type CoreEventKind,
  type OutputLine,
  type PackageStatusData,
} from '../../broker/protocol/index.js';
