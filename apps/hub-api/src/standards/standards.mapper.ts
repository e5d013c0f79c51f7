import { toCodelistModel } from '@paivand/nest-common';
import { StandardVersionModel } from './models/standard.model';
import { StandardVersionEntity } from './standard-version.entity';

export function toStandardVersionModel(e: StandardVersionEntity): StandardVersionModel {
  const d = e.document;
  return {
    version: e.version,
    isCurrent: e.isCurrent,
    publishedAt: e.publishedAt,
    codelists: d.codelists.map(toCodelistModel),
    datasets: d.datasets.map((ds) => ({
      id: ds.id,
      title: ds.title,
      unit: ds.unit,
      periodType: ds.periodType,
      dueDays: ds.dueDays,
      dimensions: ds.dimensions.map((dim) => ({ id: dim.id, codelist: dim.codelist, label: dim.label })),
      protection: {
        method: ds.protection.method,
        k: ds.protection.k,
        structuralZeros: ds.protection.structuralZeros,
        minContributors: ds.protection.minContributors,
      },
      public: ds.public,
    })),
    document: d,
  };
}
