import { Codelist } from './codelist';

/** Lower case, `ё` as `е`, one space between words, no surrounding punctuation. */
export function normalizeLabel(text: string): string {
  return text
    .normalize('NFC')
    .toLowerCase()
    .replace(/ё/g, 'е')
    .replace(/[\s_]+/g, ' ')
    .replace(/^[\s.,;:"'«»()-]+|[\s.,;:"'«»()-]+$/g, '');
}

const cache = new WeakMap<Codelist, Map<string, string>>();

/**
 * The code whose code or label (in any of tg, ru, en) matches `text`, ignoring case and
 * spacing: how an import maps "Свекровь" or "Хусурмодар (модари шавҳар)" to a code.
 * Undefined when nothing matches or when two codes share the label.
 */
export function codeFromLabel(list: Codelist, text: string): string | undefined {
  let index = cache.get(list);
  if (!index) {
    index = new Map();
    const ambiguous = new Set<string>();
    for (const c of list.codes) {
      for (const key of new Set([c.code, c.labels.tg, c.labels.ru, c.labels.en].map(normalizeLabel))) {
        const seen = index.get(key);
        if (seen !== undefined && seen !== c.code) ambiguous.add(key);
        else index.set(key, c.code);
      }
    }
    for (const key of ambiguous) index.delete(key);
    cache.set(list, index);
  }
  return index.get(normalizeLabel(text));
}
