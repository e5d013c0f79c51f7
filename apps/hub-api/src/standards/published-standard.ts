import { currentStandard, StandardIndex } from '@paivand/schema';

/**
 * The version of the standard the hub last read as current (StandardsService keeps it up to
 * date), for rules that run before any service: the libraries' input checks of themes and
 * dataset ids. Until the hub has read one, the version compiled into the code. (Checked against
 * the compiled-in version only, a theme the Association had added was refused and one it had
 * removed accepted.)
 */
let published: StandardIndex | undefined;

export function publishedStandard(): StandardIndex {
  return published ?? currentStandard();
}

export function notePublishedStandard(index: StandardIndex): void {
  published = index;
}
