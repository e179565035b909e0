export { createEventRecorder, type EventRecorder } from './recorder.js';
