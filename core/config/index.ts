export { ConfigError, type LoadConfigOptions, type LoadedConfig, loadConfig } from './load.js';
export { renderConfigDocs, renderConfigYaml } from './render.js';
export {
  configSchema,
  LOG_FORMATS,
  LOG_LEVELS,
  type LogFormat,
  type LogLevel,
  type RedflagConfig,
} from './schema.js';
export { configLeaves, describeRule, envNameFor, type SchemaNode } from './schema-walk.js';
export {
  RUNTIME_SETTING_DEFAULTS,
  RUNTIME_SETTING_KEYS,
  RUNTIME_SETTINGS_SCHEMA,
  type RuntimeSettingKey,
  type RuntimeSettings,
  runtimeSettingsFrom,
} from './runtime-settings.js';
export { brokerUrlFor, lanBaseUrl, serverUrl } from './urls.js';
