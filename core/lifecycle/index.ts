export { type RunningServices, type Service, startServices } from './services.js';
