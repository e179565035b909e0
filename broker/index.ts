export { publishRefusal, subscribeRefusal } from './acl.js';
export {
  type Broker,
  type BrokerEvents,
  type BrokerLogger,
  type BrokerOptions,
  type BrokerRefusal,
  type BrokerSetup,
  createBroker,
  type RefusalReason,
  type RunningBroker,
  startBroker,
} from './start-broker.js';
export type { TakeoverEpisode } from './takeover-watch.js';
