export {
  createJobRunner,
  type Job,
  type JobOutcome,
  type JobRunner,
  type JobRunnerContext,
} from './runner.js';
