/** Pseudonymous identifiers a centre gives its clients and records (never a name or a passport number). */
export const RECORD_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{1,63}$/;
export const PHONE_PATTERN = /^\+?[0-9][0-9 ()-]{4,30}$/;

export const MAX_NAME = 200;
export const MAX_ADDRESS = 500;
export const MAX_NOTES = 10_000;
export const MAX_NARRATIVE = 20_000;
