/**
 * "Did you mean …?" for a key someone wrote: the known name with the same letters in another case
 * or with other separators, a plural or singular, or a near miss (two edits at most).
 */

/** Lower case without `-`, `_` or blanks. */
function squash(name: string): string {
  return name.toLowerCase().replace(/[-_\s]/g, "");
}

/** Levenshtein distance, giving up past `max`. */
function distance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1)));
    }
    if (Math.min(...current) > max) return max + 1;
    previous = current;
  }
  return previous[b.length] ?? max + 1;
}

/** The candidate `written` was probably meant as, or null when none is close. */
export function closestName(written: string, candidates: Iterable<string>): string | null {
  const list = [...candidates];
  const target = squash(written);
  const exact = list.find((candidate) => squash(candidate) === target);
  if (exact !== undefined) return exact;
  const plural = list.find((candidate) => `${squash(candidate)}s` === target || squash(candidate) === `${target}s`);
  if (plural !== undefined) return plural;
  let best: { name: string; score: number } | null = null;
  for (const candidate of list) {
    const known = squash(candidate);
    if (known.length < 6) continue;
    const score = distance(known, target, 2);
    if (score <= 2 && (best === null || score < best.score)) best = { name: candidate, score };
  }
  return best?.name ?? null;
}
