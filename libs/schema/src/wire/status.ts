/** SDMX observation status: A normal, Q suppressed (missing for confidentiality), P provisional, E estimated. */
export const OBS_STATUS = ['A', 'Q', 'P', 'E'] as const;
export type ObsStatus = (typeof OBS_STATUS)[number];

/**
 * SDMX confidentiality status: F free, A primary small-count suppression,
 * D secondary suppression by the sender, S secondary suppression by the hub.
 */
export const CONF_STATUS = ['F', 'A', 'D', 'S'] as const;
export type ConfStatus = (typeof CONF_STATUS)[number];
