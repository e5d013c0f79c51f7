import { ReportableRecord } from '@paivand/schema';
import { generateHotlineConsultations, iterateRegister, RegisterOptions } from './register';
import { ReportableOptions, reportableRecordsOf } from './reportable';

/**
 * Reportable records straight from the generator, never holding the register: what the
 * benchmarks use for a million records. `consultations` defaults to none here.
 */
export function generateReportableRecords(options: RegisterOptions & ReportableOptions): Generator<ReportableRecord, void, undefined> {
  const consultations = options.consultations ?? 0;
  return reportableRecordsOf(iterateRegister(options), options, generateHotlineConsultations({ ...options, count: consultations }));
}
