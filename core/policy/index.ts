export { installWindowCheck, isInWindow, mayInstallNow, windowProblem } from './maintenance-windows.js';
export {
  createPolicyService,
  PolicyError,
  type PolicyContext,
  type PolicyService,
} from './policy-service.js';
export { catchUpPluginSettings, PLUGIN_SETTINGS_KEY_PREFIX } from './plugin-settings.js';
export { configFor, intervalProblem } from './schedules.js';
