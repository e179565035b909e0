/**
 * The plugin contract (DESIGN.md §7): what a plugin imports, and the host that loads plugins
 * for the agent and the core. From the rest of the project it takes only broker/protocol: the
 * scan record and the transaction are the wire's, defined once (issue 22 §1).
 */
export { PLUGIN_API_VERSION } from './api-version.js';
export { definePlugin, isDefinedPlugin, PLUGIN_DEFINITION } from './define-plugin.js';
export type {
  DefinedPlugin,
  IntegrationPluginDefinition,
  NoConfig,
  NotifierPluginDefinition,
  PackageManagerPluginDefinition,
  PluginDefinition,
} from './define-plugin.js';
export { manifestSchema, PLUGIN_KINDS } from './manifest.js';
export type { JsonSchema, PluginKind, PluginManifest } from './manifest.js';
export type { OperationContext, PluginContext } from './context.js';
export type {
  AgentMetadataWriter,
  CommandIssuer,
  CommandRequest,
  ContainerReader,
  CoreBus,
  CorePluginContext,
  FleetAgent,
  FleetCommand,
  FleetContainer,
  FleetPackage,
  FleetPendingCounts,
  FleetReader,
  JobScheduler,
  PluginDatabase,
  PluginEventRecorder,
  PluginJob,
  PluginMigration,
  PluginRequest,
  PluginRoute,
  RegistrationTokens,
  RouteRegistrar,
  RouteRole,
  Row,
  UpdateApprover,
} from './core-context.js';
export { CORE_EVENT_KINDS } from './core-events.js';
export type {
  CoreEvent,
  CoreEventData,
  CoreEventKind,
  OutputLine,
  PackageStatusData,
} from './core-events.js';
export type { LogEntry, LogFields, Logger, LogLevel, LogSink } from './logger.js';
export { createPluginLogger } from './logger.js';
export { abortError, systemClock } from './clock.js';
export type { Clock } from './clock.js';
export { describeFailure, processOutcome, requireSuccess, runProcess, succeeded } from './process-runner.js';
export type { ProcessResult, ProcessRunner, RunOptions } from './process-runner.js';
export { errorMessage, isPluginError, PluginError } from './errors.js';
export { groupByAgent } from './group-by-agent.js';
export type {
  DetectResult,
  DryRunRequest,
  InstallProgress,
  InstallRequest,
  InstallResult,
  PackageManager,
  PackageRef,
  PluginCommand,
  PluginCommandResult,
  RebootStatus,
  ScanResult,
} from './package-manager.js';
export type { Integration, Notification, Notifier } from './integration.js';
export { scanPackageSchema } from '../../broker/protocol/index.js';
export type { ScanPackage, Transaction, TransactionItem } from '../../broker/protocol/index.js';
export { diffTransactions, emptyTransaction } from './transaction.js';
export {
  countingProgress,
  installStep,
  packagesTouched,
  runInstallSequence,
  versionsNotReached,
} from './install-sequence.js';
export type { InstallOperation, InstallPlan, InstallSteps } from './install-sequence.js';
export * from './severity.js';
export { PluginHost } from './host.js';
export type { HostedIntegration, HostedNotifier, HostedPackageManager } from './hosted-plugins.js';
export { DEFAULT_OPERATION_TIMEOUTS_MS } from './host-types.js';
export type {
  CallOptions,
  OperationName,
  OperationOutcome,
  PluginEvent,
  PluginHostOptions,
  PluginModuleEntry,
  PluginState,
  PluginStatus,
  PreparedPlugin,
} from './host-types.js';
/** The package statuses of an update still to install: the contract's list, for integrations' counts. */
export { OUTSTANDING_PACKAGE_STATUSES } from '../../broker/protocol/vocabulary.js';
/** How a link names a page of the panel from outside it (Home Assistant's ingress page). */
export { PANEL_PAGE_PARAM } from '../../broker/protocol/vocabulary.js';
