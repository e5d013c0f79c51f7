/**
 * Every column that holds ciphertext, with the additional authenticated data its values
 * are sealed under (with the id of their row). Staged import rows are sealed under their
 * destination column and the id their row will have there, so accepting an import copies
 * ciphertext without decrypting it.
 */
export const AAD = {
  clientFullName: 'clients.full_name_enc',
  clientPhone: 'clients.phone_enc',
  clientAddress: 'clients.address_enc',
  clientDateOfBirth: 'clients.date_of_birth_enc',
  clientNotes: 'clients.notes_enc',
  incidentNarrative: 'incidents.narrative_enc',
  serviceNotes: 'service_deliveries.notes_enc',
  referralNotes: 'referrals.notes_enc',
  consultationNotes: 'consultations.notes_enc',
} as const;

export interface EncryptedColumn {
  readonly table: string;
  readonly column: string;
  readonly aad: string;
  /**
   * SQL over the row (alias `t`) for the id of the row its values are sealed to (key-ring.ts): the row's
   * own id, or for a staged import row the id the accept will give its client or incident (the job's id
   * prefix and the row number, see staging.ts; '' for a job staged before rows were bound, whose values
   * are `enc1:`, bound to the column alone).
   */
  readonly rowId: string;
}

const OWN_ID = 't.id::text';
const stagedId = (prefix: 'client_id_prefix' | 'incident_id_prefix'): string =>
  `coalesce((SELECT j.${prefix} FROM import_jobs j WHERE j.id = t.job_id) || lpad(to_hex(t.row_number), 8, '0'), '')`;
const STAGED_CLIENT = stagedId('client_id_prefix');
const STAGED_INCIDENT = stagedId('incident_id_prefix');

export const ENCRYPTED_COLUMNS: readonly EncryptedColumn[] = [
  { table: 'clients', column: 'full_name_enc', aad: AAD.clientFullName, rowId: OWN_ID },
  { table: 'clients', column: 'phone_enc', aad: AAD.clientPhone, rowId: OWN_ID },
  { table: 'clients', column: 'address_enc', aad: AAD.clientAddress, rowId: OWN_ID },
  { table: 'clients', column: 'date_of_birth_enc', aad: AAD.clientDateOfBirth, rowId: OWN_ID },
  { table: 'clients', column: 'notes_enc', aad: AAD.clientNotes, rowId: OWN_ID },
  { table: 'incidents', column: 'narrative_enc', aad: AAD.incidentNarrative, rowId: OWN_ID },
  { table: 'service_deliveries', column: 'notes_enc', aad: AAD.serviceNotes, rowId: OWN_ID },
  { table: 'referrals', column: 'notes_enc', aad: AAD.referralNotes, rowId: OWN_ID },
  { table: 'consultations', column: 'notes_enc', aad: AAD.consultationNotes, rowId: OWN_ID },
  { table: 'import_staged_rows', column: 'full_name_enc', aad: AAD.clientFullName, rowId: STAGED_CLIENT },
  { table: 'import_staged_rows', column: 'phone_enc', aad: AAD.clientPhone, rowId: STAGED_CLIENT },
  { table: 'import_staged_rows', column: 'address_enc', aad: AAD.clientAddress, rowId: STAGED_CLIENT },
  { table: 'import_staged_rows', column: 'date_of_birth_enc', aad: AAD.clientDateOfBirth, rowId: STAGED_CLIENT },
  { table: 'import_staged_rows', column: 'client_notes_enc', aad: AAD.clientNotes, rowId: STAGED_CLIENT },
  { table: 'import_staged_rows', column: 'narrative_enc', aad: AAD.incidentNarrative, rowId: STAGED_INCIDENT },
];
