export {
  createIntake,
  type Intake,
  type IntakeContext,
  type IntakeHandlers,
  type StoreOutcome,
} from './intake.js';
export { type IntakeType, MessageValidator } from './validator.js';
