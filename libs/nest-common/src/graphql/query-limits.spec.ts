import { buildSchema, parse, specifiedRules, validate } from 'graphql';
import { queryLimitsRule } from './query-limits';

const schema = buildSchema(`
  type Node { id: Int, child: Node, name: String }
  type Query { a: Int, b: Int, node: Node }
`);

/** The rule's own errors (code QUERY_TOO_COMPLEX) for a document, beside GraphQL's rules. */
function limits(source: string, maxDepth = 3, maxFields = 5): string[] {
  return validate(schema, parse(source), [...specifiedRules, queryLimitsRule(maxDepth, maxFields)])
    .filter((e) => e.extensions?.code === 'QUERY_TOO_COMPLEX')
    .map((e) => e.message);
}

describe('queryLimitsRule', () => {
  it('counts depth by levels of fields, through inline fragments and fragment spreads', () => {
    expect(limits('{ a }')).toEqual([]);
    expect(limits('{ node { child { id } } }')).toEqual([]);
    expect(limits('{ node { child { child { id } } } }')).toEqual(['Query too complex (depth 4 of at most 3, 4 fields of at most 5)']);
    expect(limits('{ node { ... on Node { child { ...C } } } } fragment C on Node { child { id } }')).toHaveLength(1);
    expect(limits('{ node { ...C } } fragment C on Node { child { id } }')).toEqual([]);
  });

  it('counts the fields of a fragment wherever it is spread', () => {
    // 3 fields in F, spread twice: 6 > 5
    expect(limits('{ ...F node { id } } fragment F on Query { a b }')).toEqual([]);
    expect(limits('{ ...F ...F } fragment F on Query { a b node { id } }')).toEqual(['Query too complex (depth 2 of at most 3, more than 5 fields)']);
    // aliases are fields too
    expect(limits('{ a1: a a2: a a3: a a4: a a5: a }')).toEqual([]);
    expect(limits('{ a1: a a2: a a3: a a4: a a5: a a6: a }')).toHaveLength(1);
  });

  it('measures a chain of fragments that each spread the next twice in linear time, and refuses it when it multiplies fields', () => {
    // 2^n fields once expanded; walking each spread again took 2^n steps (11.7 s at n = 22)
    const chain = (n: number, last: string): string => {
      let s = 'query { ...F0 }\n';
      for (let i = 0; i < n; i++) s += `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }\n`;
      return s + `fragment F${n} on Query { ${last} }\n`;
    };
    const started = performance.now();
    expect(limits(chain(40, 'a'), 10, 300)).toEqual(['Query too complex (depth 1 of at most 10, more than 300 fields)']);
    // ending in an unknown fragment, or in a cycle back to the first: no field at all (GraphQL's own rules refuse those)
    expect(limits(chain(40, '...Nope'), 10, 300)).toEqual([]);
    expect(limits(chain(40, '...F0'), 10, 300)).toEqual([]);
    const errors = validate(schema, parse(chain(40, '...F0')), [...specifiedRules, queryLimitsRule(10, 300)]).map((e) => e.message);
    expect(errors.some((m) => /Cannot spread fragment "F0" within itself/.test(m))).toBe(true);
    expect(performance.now() - started).toBeLessThan(10_000);
  }, 30_000);
});
