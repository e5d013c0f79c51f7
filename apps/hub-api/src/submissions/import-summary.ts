import { ImportConflict, ImportErrorCode, ImportSummary } from '@paivand/schema';

/** Most cell indexes listed in one conflict (the message says how many there were). */
export const MAX_INDEXES_PER_CONFLICT = 1000;

/** Collects conflicts grouped by code and object, so a 20,000-cell refusal stays readable. */
export class ConflictList {
  private readonly groups = new Map<string, { code: ImportErrorCode; object: string; message: string; indexes: number[]; total: number }>();

  add(code: ImportErrorCode, object: string, message: string, cellIndex?: number): void {
    const id = `${code}|${object}`;
    let g = this.groups.get(id);
    if (!g) {
      g = { code, object, message, indexes: [], total: 0 };
      this.groups.set(id, g);
    }
    if (cellIndex !== undefined) {
      g.total++;
      if (g.indexes.length < MAX_INDEXES_PER_CONFLICT) g.indexes.push(cellIndex);
    }
  }

  get size(): number {
    return this.groups.size;
  }

  toArray(): ImportConflict[] {
    return [...this.groups.values()].map((g) => ({
      code: g.code,
      object: g.object,
      message: g.total > 1 ? `${g.message} (${g.total} cells${g.total > g.indexes.length ? `, first ${g.indexes.length} listed` : ''})` : g.message,
      cellIndexes: g.indexes,
    }));
  }
}

export interface SummaryReference {
  memberId: string;
  datasetId: string;
  period: string;
  revision: number;
}

export function errorSummary(ref: SummaryReference, dryRun: boolean, cellCount: number, conflicts: ImportConflict[]): ImportSummary {
  return {
    status: 'ERROR',
    description: `Refused: ${conflicts.map((c) => c.code).join(', ')}. Nothing was stored.`,
    dryRun,
    counts: { imported: 0, updated: 0, ignored: 0, rejected: cellCount },
    conflicts,
    reference: ref,
  };
}
