/**
 * The tags nearest to what a constraint or a followed tag asks for, for the warning that says it
 * matches none: by version distance from the first version the constraint names (`~1.26` → 1.26,
 * `>=1.27.0 <1.28.0` → 1.27.0), else by the longest common prefix with the followed tag. Pure.
 */
const VERSION = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?/;

function parts(text: string): [number, number, number] | null {
  const match = VERSION.exec(text);
  if (match === null) return null;
  return [Number(match[1]), Number(match[2] ?? 0), Number(match[3] ?? 0)];
}

function commonPrefix(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

/** Up to `count` tags closest to `wanted`, closest first (ties: the greater tag first). */
export function closestTags(tags: readonly string[], wanted: string, count = 3): string[] {
  const versionIn = /\d+(?:\.\d+){0,2}/.exec(wanted);
  const target = versionIn === null ? null : parts(versionIn[0]);
  const scored = tags.map((tag) => {
    const version = target === null ? null : parts(tag);
    if (target !== null && version !== null) {
      // Distance along the version line (major, then minor, then patch), as a reviewer reads "how far".
      const at = (v: readonly [number, number, number]): number => v[0] * 1e8 + v[1] * 1e4 + v[2];
      const distance = Math.abs(at(version) - at(target));
      return { tag, score: distance, version };
    }
    return { tag, score: target === null ? -commonPrefix(tag, wanted) : Number.MAX_SAFE_INTEGER, version };
  });
  scored.sort((a, b) => a.score - b.score || (a.tag < b.tag ? 1 : a.tag > b.tag ? -1 : 0));
  return scored.slice(0, count).map((entry) => entry.tag);
}
