export { ingestScan } from './ingest.js';
