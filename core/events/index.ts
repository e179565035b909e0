export { createEventRecorder, type EventRecorder } from './recorder.js';
export {
  createLiveBus,
  LIVE_EVENT_KINDS,
  type LiveBus,
  type LiveEvent,
  type LiveEventData,
  type LiveEventKind,
  type EventHandler,
  type LiveListener,
  type OutputLine,
  PACKAGE_SAMPLE,
  type PackageStatusData,
  type Replay,
} from './bus.js';
export { createPresenceEvents, type PresenceEvents } from './presence.js';
export { type Pruned, pruneHistory } from './retention.js';
