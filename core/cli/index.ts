/** The core's command line (`redflag …`): management commands and the helpers `serve` shares. */
export { EXIT, fail, handleStartError, loadWithFlags, parsePort, type CommonFlags } from './common.js';
export { addManagementCommands } from './manage.js';
