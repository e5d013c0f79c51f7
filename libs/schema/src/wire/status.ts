/** SDMX observation status: A normal, Q suppressed (missing for confidentiality), P provisional, E estimated. */
export const OBS_STATUS = ['A', 'Q', 'P', 'E'] as const;
export type ObsStatus = (typeof OBS_STATUS)[number];

/**
 * SDMX confidentiality status: F free, C confidential (withheld by the sender), S secondary
 * suppression by the hub; A (primary, small count) and D (secondary by the sender) are accepted
 * from senders that still tell them apart, and the Association's exact view uses D for a part a
 * member withheld. Paivand's nodes send C for every cell they withhold: told apart, the two say
 * too much (a secondary cell is at least k, a primary one below it: with a published total of 5
 * over a D cell and an A cell, the D cell is 5 and the A cell 0), and the audit, which works
 * from the published counts alone, could not account for it. The node's own report keeps the
 * numbers of each.
 */
export const CONF_STATUS = ['F', 'C', 'A', 'D', 'S'] as const;
export type ConfStatus = (typeof CONF_STATUS)[number];
