import { ackSchema } from './ack.js';
import { commandSchema } from './command.js';
import { configSchema } from './config.js';
import { eventSchema } from './event.js';
import { helloSchema } from './hello.js';
import { metricsSchema } from './metrics.js';
import { presenceSchema } from './presence.js';
import { progressSchema } from './progress.js';
import { receiptSchema } from './receipt.js';
import { resultSchema } from './result.js';
import { scanPackageSchema, scanSchema } from './scan.js';

export { MAX_COMMAND_ATTEMPT, KEY_ID_PATTERN, COMMAND_SIGNATURE_PATTERN } from './command.js';
export { MAX_PROGRESS_LINE } from './progress.js';
export { MAX_RESULT_OUTPUT } from './result.js';
export { MAX_SCAN_PACKAGES } from './scan.js';
export { containerInventoryItemSchema, MAX_INVENTORY_CONTAINERS } from './container-inventory.js';
export { MAX_TRANSACTION_ITEMS, transactionItemSchema, transactionSchema } from './transaction.js';
export { MIN_SCAN_INTERVAL_SEC, MAX_SCAN_INTERVAL_SEC, scanScheduleSchema } from './config.js';
export {
  ackSchema,
  commandSchema,
  configSchema,
  eventSchema,
  helloSchema,
  metricsSchema,
  presenceSchema,
  progressSchema,
  receiptSchema,
  resultSchema,
  scanPackageSchema,
  scanSchema,
};

/** The schema of every payload, by message type (the topic's last level, or `presence`). */
export const messageSchemas = {
  hello: helloSchema,
  scan: scanSchema,
  progress: progressSchema,
  result: resultSchema,
  ack: ackSchema,
  event: eventSchema,
  metrics: metricsSchema,
  command: commandSchema,
  receipt: receiptSchema,
  config: configSchema,
  presence: presenceSchema,
} as const;

export type MessageType = keyof typeof messageSchemas;
