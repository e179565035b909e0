export {
  createIntake,
  type Intake,
  type IntakeContext,
  type IntakeHandlers,
  type StoreOutcome,
  QUEUE_LIMITS,
} from './intake.js';
export type { QueueLimits } from './agent-queue.js';
export { type IntakeType, MessageValidator } from './validator.js';
export { createAgentHandlers } from './agent-handlers.js';
