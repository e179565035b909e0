export { isInWindow, mayInstallNow, windowProblem } from './maintenance-windows.js';
export {
  createPolicyService,
  PolicyError,
  type PolicyContext,
  type PolicyService,
} from './policy-service.js';
export { configFor, intervalProblem } from './schedules.js';
