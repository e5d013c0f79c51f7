import { iterateRegister } from '@paivand/synthetic';

/** Synthetic cases (never real people) from the generator, shaped as GraphQL inputs. */
export function syntheticCases(count: number, seed: number | string = 'node-e2e'): {
  client: Record<string, unknown>;
  incident: Record<string, unknown>;
}[] {
  const out: { client: Record<string, unknown>; incident: Record<string, unknown> }[] = [];
  for (const b of iterateRegister({ seed, centre: { id: 'DSH', centreType: 'crisis_centre', region: 'TJ-DU' }, from: '2025-01-01', to: '2025-12-31', incidents: count * 3 })) {
    if (!b.newClient) continue;
    const { client, incident } = b;
    out.push({
      client: { ...client },
      incident: {
        clientCode: incident.clientCode,
        incidentCode: incident.incidentId,
        incidentDate: incident.incidentDate,
        reportedDate: incident.reportedDate,
        district: incident.district,
        violenceTypes: incident.violenceTypes,
        perpetratorRelationship: incident.perpetratorRelationship,
        consent: { services: incident.consent.services, reporting: incident.consent.reporting },
        reportedByOtherMember: incident.reportedByOtherMember,
        narrative: incident.narrative,
      },
    });
    if (out.length === count) break;
  }
  return out;
}
