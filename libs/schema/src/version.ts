/** The version of the Association's standard that this code implements. */
export const SCHEMA_VERSION = '2026.1';
