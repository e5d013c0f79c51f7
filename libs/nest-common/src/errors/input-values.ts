/**
 * graphql-js quotes a refused input value in its message (`Variable "$i" got invalid value
 * "Zarina Testova" at "i.birthYear"; Int cannot represent non-integer value: "Zarina
 * Testova"`): a name typed into the wrong field, or a phone number sent as a number, would
 * come back in the error, and into anything that records errors. `withoutInputValues`
 * keeps what the caller needs to fix the request (the variable, the path, the type and the
 * rule) and drops every value. Messages without a value pass unchanged.
 */
export function withoutInputValues(message: string): string {
  // the parser quotes the token where it stopped (`Expected ":", found String " Rahimova".`), which is
  // the caller's text when a quote inside a string literal ended it early
  if (message.startsWith('Syntax Error:')) {
    return message
      .replace(/, found [\s\S]*$/, '.')
      .replace(/^(Syntax Error: Unexpected [A-Za-z]+) [\s\S]*$/, '$1.')
      .replace(/: "[\s\S]*$/, '.');
  }
  const variable = /^Variable "(\$[_A-Za-z][_0-9A-Za-z]*)" got invalid value /.exec(message);
  if (variable) {
    const end = endOfValue(message, variable[0].length);
    if (end < 0) return `Variable "${variable[1]}" got an invalid value.`;
    const tail = /^( at "[^"]*")?; ([\s\S]*)$/.exec(message.slice(end));
    if (!tail) return `Variable "${variable[1]}" got an invalid value.`;
    return `Variable "${variable[1]}" got an invalid value${tail[1] ?? ''}; ${withoutValue(tail[2])}`;
  }
  // execution's check of an argument written in the query: it prints the argument whole (`Argument "i" has
  // invalid value {fullName: $f, phone: "..."}.`), values written beside the variable that made it invalid
  const argument = /^(Argument "[_A-Za-z][_0-9A-Za-z]*") has invalid value /.exec(message);
  if (argument) return `${argument[1]} has an invalid value.`;
  return withoutValue(message);
}

/** A reason of graphql-js's without the value it names. */
function withoutValue(reason: string): string {
  // `Int cannot represent non-integer value: "x"`, `String cannot represent a non string value: 5`
  const represent = /^([\s\S]*?cannot represent[^:"]*?value)(?::[\s\S]*)?$/.exec(reason);
  if (represent) return `${represent[1]}.`;
  // `Value "x" does not exist in "Sex" enum.` (and a suggestion of the enum's own values)
  const enumAt = reason.lastIndexOf(' does not exist in "');
  if (reason.startsWith('Value ') && enumAt > 0) {
    const rest = /^ does not exist in "[_A-Za-z][_0-9A-Za-z]*" enum\./.exec(reason.slice(enumAt));
    if (rest) return `The value${rest[0]}`;
  }
  // `Expected value of type "Int!", found "x".`
  const found = /^(Expected value of type "[^"]*"), found /.exec(reason);
  if (found) return `${found[1]}.`;
  return reason;
}

/**
 * Where the value that graphql-js printed at `from` ends (JSON-like: a string, a number,
 * true/false/null, or a list or object of these), or -1.
 */
function endOfValue(s: string, from: number): number {
  let depth = 0;
  let i = from;
  do {
    const c = s[i];
    if (c === undefined) return -1;
    if (c === '"') {
      for (i++; i < s.length && s[i] !== '"'; i++) if (s[i] === '\\') i++;
      if (i >= s.length) return -1;
      i++;
    } else if (c === '{' || c === '[') {
      depth++;
      i++;
    } else if (c === '}' || c === ']') {
      depth--;
      i++;
    } else if (depth > 0) {
      i++;
    } else {
      const bare = /^[^\s;"{}[\]]+/.exec(s.slice(i));
      if (!bare) return -1;
      i += bare[0].length;
    }
  } while (depth > 0);
  return i;
}
