/**
 * The wire protocol version. It appears twice on purpose: in the topic (`rf/v1/…`), so a broker
 * can route or refuse a whole generation by ACL, and as `v` in every payload, so a message still
 * says what it is after it has left its topic (spool files, logs, the database).
 */
export const PROTOCOL_VERSION = 1;
