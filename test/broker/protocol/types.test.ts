import assert from 'node:assert/strict';
import { messageSchemas } from '../../../broker/protocol/index.js';
import type {
  AckMessage,
  CommandMessage,
  ConfigMessage,
  ContainerInventoryItem,
  DiskUsage,
  EventMessage,
  HelloMessage,
  HostOs,
  MessageType,
  MetricsMessage,
  PluginCapability,
  PresenceMessage,
  ProgressMessage,
  ReceiptMessage,
  ResultMessage,
  ScanMessage,
  ScanPackage,
  ScanSchedule,
  Transaction,
  TransactionItem,
  configSchema,
  containerInventoryItemSchema,
  helloSchema,
  metricsSchema,
  scanPackageSchema,
  transactionItemSchema,
  transactionSchema,
} from '../../../broker/protocol/index.js';
import { maximal, minimal, more } from './examples.js';
import { schemaErrors } from './validators.js';
import { uncoveredPaths } from './schema-walk.js';

// Compile time: each hand-written type has exactly the properties of its schema, and exactly
// its required ones. A drift makes `tsc --noEmit` fail on the line of the type concerned.
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type RequiredKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? never : K }[keyof T];
type ObjectSchema = { properties: object; required?: readonly string[] };
type Matches<T, S extends ObjectSchema> =
  Equal<keyof T, keyof S['properties']> extends true
    ? Equal<RequiredKeys<T>, NonNullable<S['required']>[number]>
    : false;
type Items<S> = S extends { items: infer I extends ObjectSchema } ? I : never;

const typesMatchSchemas: {
  hello: Matches<HelloMessage, typeof helloSchema>;
  os: Matches<HostOs, (typeof helloSchema)['properties']['os']>;
  capability: Matches<PluginCapability, Items<(typeof helloSchema)['properties']['capabilities']>>;
  scan: Matches<ScanMessage, (typeof messageSchemas)['scan']>;
  scanPackage: Matches<ScanPackage, typeof scanPackageSchema>;
  containerInventoryItem: Matches<ContainerInventoryItem, typeof containerInventoryItemSchema>;
  progress: Matches<ProgressMessage, (typeof messageSchemas)['progress']>;
  result: Matches<ResultMessage, (typeof messageSchemas)['result']>;
  ack: Matches<AckMessage, (typeof messageSchemas)['ack']>;
  event: Matches<EventMessage, (typeof messageSchemas)['event']>;
  metrics: Matches<MetricsMessage, typeof metricsSchema>;
  memory: Matches<MetricsMessage['memory'], (typeof metricsSchema)['properties']['memory']>;
  disk: Matches<DiskUsage, Items<(typeof metricsSchema)['properties']['disks']>>;
  command: Matches<CommandMessage, (typeof messageSchemas)['command']>;
  receipt: Matches<ReceiptMessage, (typeof messageSchemas)['receipt']>;
  config: Matches<ConfigMessage, typeof configSchema>;
  schedule: Matches<ScanSchedule, (typeof configSchema)['properties']['schedules']['additionalProperties']>;
  presence: Matches<PresenceMessage, (typeof messageSchemas)['presence']>;
  transaction: Matches<Transaction, typeof transactionSchema>;
  transactionItem: Matches<TransactionItem, typeof transactionItemSchema>;
} = {
  hello: true,
  os: true,
  capability: true,
  scan: true,
  scanPackage: true,
  containerInventoryItem: true,
  progress: true,
  result: true,
  ack: true,
  event: true,
  metrics: true,
  memory: true,
  disk: true,
  command: true,
  receipt: true,
  config: true,
  schedule: true,
  presence: true,
  transaction: true,
  transactionItem: true,
};

const TYPES = Object.keys(messageSchemas) as MessageType[];

describe('broker/protocol types agree with the schemas', () => {
  it('has a compile-time shape check for every message type', () => {
    for (const type of TYPES)
      assert.equal(typesMatchSchemas[type as keyof typeof typesMatchSchemas], true, type);
  });

  for (const type of TYPES) {
    it(`${type}: a typed example with every field validates`, () => {
      assert.equal(schemaErrors(type, maximal[type]), null);
    });

    it(`${type}: a typed example with only the required fields validates`, () => {
      assert.equal(schemaErrors(type, minimal[type]), null);
    });

    it(`${type}: the typed examples show every field of the schema`, () => {
      for (const example of more[type] ?? []) assert.equal(schemaErrors(type, example), null);
      assert.deepEqual(
        uncoveredPaths(messageSchemas[type], [maximal[type], minimal[type], ...(more[type] ?? [])]),
        [],
      );
    });
  }
});
