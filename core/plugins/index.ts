export {
  type CorePluginHost,
  type CorePluginHostContext,
  createCorePluginHost,
  type PluginInfo,
  type PluginRouteEntry,
  type RouteAnswer,
} from './host.js';
export { DEFAULT_PLUGIN_DIRECTORY } from './modules.js';
export { PLUGIN_COMMAND_TYPES } from './fleet-facade.js';
export type { RegistrationTokenIssuer } from './plugin-context.js';
