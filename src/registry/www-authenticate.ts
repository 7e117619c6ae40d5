/**
 * `WWW-Authenticate` challenges (RFC 7235): `Bearer realm="…",service="…",scope="…"`,
 * `Basic realm="…"`, several challenges in one header. Pure.
 */

export interface AuthChallenge {
  /** Lower-case scheme: `bearer`, `basic`, … */
  readonly scheme: string;
  /** Parameter names lower-cased, values unquoted. */
  readonly params: Readonly<Record<string, string>>;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+/;

/** Every challenge in the header, in order. Malformed parts are skipped, never thrown on. */
export function parseWwwAuthenticate(header: string): AuthChallenge[] {
  const challenges: { scheme: string; params: Record<string, string> }[] = [];
  let rest = header;
  let current: { scheme: string; params: Record<string, string> } | null = null;
  while (rest.length > 0) {
    rest = rest.replace(/^[\s,]+/, "");
    const token = TOKEN.exec(rest)?.[0];
    if (token === undefined) {
      rest = rest.slice(1);
      continue;
    }
    const after = rest.slice(token.length);
    const param = /^\s*=\s*/.exec(after);
    if (param && current !== null) {
      let value: string;
      let remaining = after.slice(param[0].length);
      if (remaining.startsWith('"')) {
        let i = 1;
        value = "";
        while (i < remaining.length && remaining[i] !== '"') {
          if (remaining[i] === "\\" && i + 1 < remaining.length) i += 1;
          value += remaining[i];
          i += 1;
        }
        remaining = remaining.slice(i + 1);
      } else {
        const bare = /^[^\s,]*/.exec(remaining)?.[0] ?? "";
        value = bare;
        remaining = remaining.slice(bare.length);
      }
      current.params[token.toLowerCase()] = value;
      rest = remaining;
      continue;
    }
    // A new scheme (token68 credentials after it are ignored: challenges here carry params).
    current = { scheme: token.toLowerCase(), params: {} };
    challenges.push(current);
    rest = after;
  }
  return challenges;
}
