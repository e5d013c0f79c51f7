/**
 * Every column that holds ciphertext, with the additional authenticated data its values
 * are sealed under. Staged import rows are sealed under their destination column, so
 * accepting an import copies ciphertext without decrypting it.
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
}

export const ENCRYPTED_COLUMNS: readonly EncryptedColumn[] = [
  { table: 'clients', column: 'full_name_enc', aad: AAD.clientFullName },
  { table: 'clients', column: 'phone_enc', aad: AAD.clientPhone },
  { table: 'clients', column: 'address_enc', aad: AAD.clientAddress },
  { table: 'clients', column: 'date_of_birth_enc', aad: AAD.clientDateOfBirth },
  { table: 'clients', column: 'notes_enc', aad: AAD.clientNotes },
  { table: 'incidents', column: 'narrative_enc', aad: AAD.incidentNarrative },
  { table: 'service_deliveries', column: 'notes_enc', aad: AAD.serviceNotes },
  { table: 'referrals', column: 'notes_enc', aad: AAD.referralNotes },
  { table: 'consultations', column: 'notes_enc', aad: AAD.consultationNotes },
  { table: 'import_staged_rows', column: 'full_name_enc', aad: AAD.clientFullName },
  { table: 'import_staged_rows', column: 'phone_enc', aad: AAD.clientPhone },
  { table: 'import_staged_rows', column: 'address_enc', aad: AAD.clientAddress },
  { table: 'import_staged_rows', column: 'date_of_birth_enc', aad: AAD.clientDateOfBirth },
  { table: 'import_staged_rows', column: 'client_notes_enc', aad: AAD.clientNotes },
  { table: 'import_staged_rows', column: 'narrative_enc', aad: AAD.incidentNarrative },
];
