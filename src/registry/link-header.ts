/**
 * The `Link` header of a paginated `tags/list` answer: `</v2/x/tags/list?n=100&last=b>; rel="next"`.
 * Relative references resolve against the URL of the request that received them. Pure.
 */

/** The absolute URL of the `rel="next"` link, or null when there is none. */
export function parseNextLink(header: string | null | undefined, requestUrl: string): string | null {
  if (!header) return null;
  for (const part of splitLinks(header)) {
    const match = /^\s*<([^>]*)>(.*)$/s.exec(part);
    if (!match) continue;
    const [, target = "", params = ""] = match;
    const rels = /;\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,]+))/i.exec(params);
    const rel = rels?.[1] ?? rels?.[2] ?? "";
    if (!rel.toLowerCase().split(/\s+/).includes("next")) continue;
    try {
      return new URL(target, requestUrl).toString();
    } catch {
      return null;
    }
  }
  return null;
}

/** Split on commas that are outside `<…>` and quotes. */
function splitLinks(header: string): string[] {
  const parts: string[] = [];
  let current = "";
  let inAngle = false;
  let inQuote = false;
  for (const ch of header) {
    if (ch === "<" && !inQuote) inAngle = true;
    else if (ch === ">" && !inQuote) inAngle = false;
    else if (ch === '"' && !inAngle) inQuote = !inQuote;
    if (ch === "," && !inAngle && !inQuote) {
      parts.push(current);
      current = "";
    } else {
      current += ch;
    }
  }
  parts.push(current);
  return parts;
}
