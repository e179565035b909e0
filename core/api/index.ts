export { AdminRequestError, adminRequest, NoRunningCoreError } from './admin-client.js';
export {
  adminSocketPath,
  CoreAlreadyRunningError,
  removeStaleSocket,
  startAdminSocket,
} from './admin-socket.js';
export { type ApiContext, buildApiServer } from './server.js';
export {
  type AdminContext,
  type AdminOperation,
  AdminOperationError,
  type AdminOperationName,
  adminOperations,
} from './admin-operations.js';
