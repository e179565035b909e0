/**
 * broker/protocol: the wire contract between the core and its agents (DESIGN.md §4,
 * docs/protocol.md). A leaf: node builtins and ajv only (issue 22 §1: it owns every schema and
 * the one ajv set-up), so the agent, the broker, the core, plugins and (types only) the panel
 * can all depend on it.
 */
export { PROTOCOL_VERSION } from './version.js';
export { UUID_PATTERN, isUuid, isAgentId } from './ids.js';
export {
  DEFAULT_TOPIC_PREFIX,
  TOPIC_VERSION,
  UP_TYPES,
  DOWN_TYPES,
  SPOOLED_UP_TYPES,
  isValidTopicPrefix,
  isUpType,
  isDownType,
  upTopic,
  downTopic,
  presenceTopic,
  downWildcard,
  parseTopic,
} from './topics.js';
export type { UpType, DownType, SpooledUpType, ParsedTopic } from './topics.js';
export { agentMayPublish, agentMaySubscribe } from './acl.js';
export {
  PACKAGE_SEVERITIES,
  EVENT_SEVERITIES,
  COMMAND_TYPES,
  BASELINE_COMMAND_TYPES,
  COMMAND_VERIFY_FAILURES,
  COMMAND_REJECT_REASONS,
  RESULT_STATUSES,
  PROGRESS_STREAMS,
  RECEIPT_STATUSES,
  PACKAGE_STATUSES,
  OUTSTANDING_PACKAGE_STATUSES,
  COMMAND_STATUSES,
  ACTIVE_COMMAND_STATUSES,
  COMMAND_SOURCES,
  CONTAINER_CHECK_STATUSES,
  ROLES,
  PANEL_PAGE_PARAM,
} from './vocabulary.js';
export * from './schemas/index.js';
export { createValidatorAjv, describeAjvErrors, firstErrorPath } from './ajv.js';
export type { ValidatorAjvOptions } from './ajv.js';
export { parseMessage } from './parse-message.js';
export {
  commandParamsSchemas,
  timeoutParam,
  pluginNameSchema,
  packageRefsSchema,
  confirmedTransactionSchema,
} from './command-params.js';
export type { ParsedMessage } from './parse-message.js';
export { MAX_PAYLOAD_BYTES, MAX_MESSAGE_DEPTH } from './payload-limits.js';
export {
  REPLACEMENT_CHARACTER,
  storableText,
  makeStorable,
  storableJson,
  mayHoldUnstorableText,
  scanJsonPayload,
} from './json-rules.js';
export type { JsonPayloadScan } from './json-rules.js';
export type * from './types.js';
export type * from './vocabulary-types.js';
export type * from './ha-entities.js';
export { canonicalJson, CANONICAL_JSON_MAX_DEPTH } from './canonical-json.js';
export {
  PUBLIC_KEY_BYTES,
  SIGNATURE_BYTES,
  generateKeyPair,
  publicKeyFromPrivate,
  signBytes,
  verifyBytes,
  keyFingerprint,
} from './keys.js';
export type { KeyPair } from './keys.js';
export {
  CONNECT_PASSWORD_VERSION,
  CONNECT_NONCE_BYTES,
  CONNECT_PASSWORD_MAX_LENGTH,
  DEFAULT_MAX_CLOCK_SKEW_SEC,
  createConnectPassword,
  parseConnectPassword,
  verifyConnectPassword,
} from './connect-password.js';
export type { ParsedConnectPassword, ConnectPasswordCheck } from './connect-password.js';
export {
  SIGNED_COMMAND_FIELDS,
  COMMAND_CLOCK_SKEW_SEC,
  commandSigningPayload,
  signCommand,
  verifyCommand,
} from './command-signing.js';
export type { CommandCheck, CommandVerifyFailure } from './command-signing.js';
export {
  REGISTRATION_TOKEN_PREFIX,
  REGISTRATION_SECRET_BYTES,
  createRegistrationToken,
  parseRegistrationToken,
  hashRegistrationToken,
} from './registration-token.js';
export type { RegistrationToken } from './registration-token.js';
export {
  AGENT_BUNDLE_SIGNING_CONTEXT,
  AGENT_BUNDLE_MAX_BYTES,
  UPDATE_CONNECT_TIMEOUT_DEFAULT_SEC,
  agentBundleSigningPayload,
  signAgentBundle,
  verifyAgentBundle,
  updateAgentParamsSchema,
} from './agent-bundle.js';
export type { UpdateAgentParams } from './agent-bundle.js';
export {
  CORE_EVENT_KINDS,
  type CoreEvent,
  type CoreEventData,
  type CoreEventKind,
  type OutputLine,
  type PackageStatusData,
} from './live-events.js';
