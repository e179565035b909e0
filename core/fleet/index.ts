export { AgentKeyCache, type ConnectKey } from './agent-keys.js';
export {
  type AgentAdminContext,
  allowAgentRebind,
  deleteAgent,
  type RebindResult,
  RebindRefused,
  revokeAgent,
  setAgentLabels,
} from './agent-admin.js';
export { parseDuration } from './duration.js';
export { checkHelloMachine, type IdentityContext, recordSessionTakeovers } from './identity.js';
export { recordBrokerRefusal } from './broker-refusals.js';
export { type ManageContext, rotateServerKey } from './manage.js';
export {
  type RegisterBody,
  type RegisterContext,
  type RegisterSuccess,
  RegistrationRefused,
  registerAgent,
} from './register.js';
export { type ServerKey, ServerKeyring } from './server-keys.js';
export {
  type CreatedToken,
  createToken,
  installCommand,
  MAX_TOKEN_SEATS,
  revokeToken,
  type TokenContext,
  TokenRequestError,
} from './tokens.js';
export {
  AGENT_BUNDLE_PATH,
  type AgentBundle,
  type AgentBundleManifest,
  AgentBundleProvider,
  agentUpdateParams,
  bundleManifest,
} from './agent-bundle.js';
export { buildAgentBundle, bundleVersionOf } from './agent-bundle-build.js';
export { installOneLiner, installScript } from './install-script.js';
