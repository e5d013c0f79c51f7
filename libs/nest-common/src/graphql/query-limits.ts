import { FieldNode, FragmentDefinitionNode, GraphQLError, Kind, SelectionSetNode, ValidationContext, ASTVisitor } from 'graphql';

/**
 * Query depth and complexity limits (complexity: number of fields selected, counting
 * fragments where they are spread). Refused before execution with QUERY_TOO_COMPLEX.
 */
export function queryLimitsRule(maxDepth: number, maxFields: number): (ctx: ValidationContext) => ASTVisitor {
  return (ctx) => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const def of ctx.getDocument().definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
    let fields = 0;
    const walk = (set: SelectionSetNode, depth: number, seen: Set<string>): number => {
      let deepest = depth;
      for (const sel of set.selections) {
        if (sel.kind === Kind.FIELD) {
          fields++;
          const f: FieldNode = sel;
          if (f.selectionSet) deepest = Math.max(deepest, walk(f.selectionSet, depth + 1, seen));
        } else if (sel.kind === Kind.INLINE_FRAGMENT) {
          deepest = Math.max(deepest, walk(sel.selectionSet, depth, seen));
        } else {
          const frag = fragments.get(sel.name.value);
          if (frag && !seen.has(frag.name.value)) deepest = Math.max(deepest, walk(frag.selectionSet, depth, new Set([...seen, frag.name.value])));
        }
        if (fields > maxFields) return deepest;
      }
      return deepest;
    };
    return {
      OperationDefinition(node) {
        fields = 0;
        const depth = walk(node.selectionSet, 1, new Set());
        if (depth > maxDepth || fields > maxFields) {
          ctx.reportError(
            new GraphQLError(`Query too complex (depth ${depth} of at most ${maxDepth}, ${fields} fields of at most ${maxFields})`, {
              nodes: [node],
              extensions: { code: 'QUERY_TOO_COMPLEX' },
            }),
          );
        }
      },
    };
  };
}
