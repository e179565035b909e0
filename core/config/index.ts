export { ConfigError, type LoadConfigOptions, type LoadedConfig, loadConfig } from './load.js';
export { renderConfigDocs, renderConfigYaml } from './render.js';
export { configSchema, LOG_LEVELS, type LogLevel, type RedflagConfig } from './schema.js';
export { configLeaves, describeRule, envNameFor, type SchemaNode } from './schema-walk.js';
