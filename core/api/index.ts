export { AdminRequestError, adminRequest, NoRunningCoreError } from './admin-client.js';
export {
  adminSocketPath,
  CoreAlreadyRunningError,
  removeStaleSocket,
  startAdminSocket,
} from './admin-socket.js';
export { type ApiContext, type AuthOptions, buildApiServer, type RouteAccess } from './server.js';
export { issueSetupToken, SETUP_TOKEN_HOURS } from './auth/accounts.js';
export type { Caller } from './auth/authenticate.js';
export {
  type AdminContext,
  type AdminOperation,
  AdminOperationError,
  type AdminOperationName,
  adminOperations,
} from './admin-operations.js';
