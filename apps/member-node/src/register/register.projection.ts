import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHmac, randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ageBandOf, ReportableRecord } from '@paivand/schema';

interface IncidentRow {
  client_id: string;
  reported_date: string;
  incident_date: string;
  district: string;
  violence_type: string;
  perpetrator_relationship: string;
  consent_reporting: boolean;
  reported_by_other_member: boolean;
  sex: string;
  birth_year: number | null;
  marital_status: string;
  migration_status: string;
  /** The band stored with the incident (from her date of birth); absent or null: the year difference. */
  age_band?: string | null;
}

/**
 * Projects the register into `ReportableRecord`s for the anonymizer: coded and generalized
 * values only (month, age band), never a name, phone, address, free text or exact date.
 * Identifiable columns are not even selected. `subject` is an HMAC of the client id under
 * a salt drawn per extract, so subjects cannot be linked across releases.
 */
@Injectable()
export class RegisterProjection {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async incidents(centreId: string, fromDate: string, toDateExclusive: string, salt: Buffer = randomBytes(32)): Promise<ReportableRecord[]> {
    const rows: IncidentRow[] = await this.db.query(
      `SELECT i.client_id, to_char(i.reported_date, 'YYYY-MM-DD') AS reported_date, to_char(i.incident_date, 'YYYY-MM-DD') AS incident_date,
              i.district, i.violence_type, i.perpetrator_relationship, i.consent_reporting, i.reported_by_other_member, i.age_band,
              c.sex, c.birth_year, c.marital_status, c.migration_status
         FROM incidents i JOIN clients c ON c.id = i.client_id
        WHERE i.centre_id = $1 AND i.reported_date >= $2 AND i.reported_date < $3`,
      [centreId, fromDate, toDateExclusive],
    );
    return rows.map((r) => projectIncident(r, salt));
  }
}

export function projectIncident(r: IncidentRow, salt: Buffer): ReportableRecord {
  const age = r.birth_year === null ? undefined : Number(r.incident_date.slice(0, 4)) - r.birth_year;
  return {
    unit: 'incident',
    month: r.reported_date.slice(0, 7),
    subject: createHmac('sha256', salt).update(r.client_id).digest('base64url').slice(0, 22),
    consentReporting: r.consent_reporting,
    reportedByOtherMember: r.reported_by_other_member,
    attributes: {
      sex: r.sex,
      age_band: r.age_band ?? ageBandOf(age),
      district: r.district,
      violence_type: r.violence_type,
      perpetrator_relationship: r.perpetrator_relationship,
      marital_status: r.marital_status,
      migration_status: r.migration_status,
    },
  };
}
