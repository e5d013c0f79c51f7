import { IsBoolean, IsDefined, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { ageBandOf } from '../codelists/age-band';
import { MAX_ADDRESS, MAX_NAME, MAX_NOTES, PHONE_PATTERN, RECORD_ID_PATTERN } from './common';
import { IsCode, IsInYear, IsIsoDate, IsNotInFuture } from './decorators';

/**
 * A survivor as a member node registers her. One client may have several incidents.
 * Identifiable fields (see `IDENTIFIABLE_FIELDS`) are optional and encrypted at rest.
 */
export class ClientRecord {
  /** The centre's pseudonymous code for the client, e.g. `DSH-2026-00042`. */
  @IsDefined()
  @IsString()
  @Matches(RECORD_ID_PATTERN)
  clientCode!: string;

  @IsDefined()
  @IsCode('sex')
  sex!: string;

  /** Year of birth (not identifiable on its own); enough to derive the age band. */
  @IsOptional()
  @IsInt()
  @Min(1900)
  @Max(2999)
  @IsNotInFuture()
  birthYear?: number;

  @IsDefined()
  @IsCode('district')
  district!: string;

  @IsDefined()
  @IsCode('marital_status')
  maritalStatus!: string;

  @IsDefined()
  @IsCode('migration_status')
  migrationStatus!: string;

  @IsDefined()
  @IsBoolean()
  hasDisability!: boolean;

  /** First contact with the centre. */
  @IsDefined()
  @IsIsoDate()
  @IsNotInFuture()
  registeredOn!: string;

  // Identifiable: encrypted at rest, never leave the node.

  @IsOptional()
  @IsString()
  @MaxLength(MAX_NAME)
  fullName?: string;

  @IsOptional()
  @IsString()
  @Matches(PHONE_PATTERN)
  phone?: string;

  @IsOptional()
  @IsString()
  @MaxLength(MAX_ADDRESS)
  address?: string;

  /** Exact date of birth: identifiable. */
  @IsOptional()
  @IsIsoDate()
  @IsNotInFuture()
  @IsInYear('birthYear')
  dateOfBirth?: string;

  @IsOptional()
  @IsString()
  @MaxLength(MAX_NOTES)
  notes?: string;
}

/** Age in whole years on `onDate` (YYYY-MM-DD): exact from the birth date, else from the birth year. */
export function ageOn(client: Pick<ClientRecord, 'birthYear' | 'dateOfBirth'>, onDate: string): number | undefined {
  const year = Number(onDate.slice(0, 4));
  if (client.dateOfBirth) {
    const age = year - Number(client.dateOfBirth.slice(0, 4));
    return onDate.slice(5) < client.dateOfBirth.slice(5) ? age - 1 : age;
  }
  if (client.birthYear !== undefined) return year - client.birthYear;
  return undefined;
}

/** The age band of the client on a date: what leaves the node instead of an age. */
export function ageBandOn(client: Pick<ClientRecord, 'birthYear' | 'dateOfBirth'>, onDate: string): string {
  return ageBandOf(ageOn(client, onDate));
}
