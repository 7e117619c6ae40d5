/**
 * Text from outside (a file, an annotation, a registry answer) on its way to a terminal or a pull
 * request body: control characters are made visible instead of acted on, so a tag or a file name
 * cannot clear the screen, set the window title, move the cursor or reorder what a reviewer reads.
 */

/**
 * C0 controls (but tab), DEL, C1 controls, and the Unicode bidirectional overrides and isolates
 * (U+202A–U+202E, U+2066–U+2069) plus the line and paragraph separators.
 */
const UNSAFE = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

function escapeOne(char: string): string {
  const code = char.charCodeAt(0);
  switch (char) {
    case "\n":
      return "\\n";
    case "\r":
      return "\\r";
    case "\u001b":
      return "\\e";
  }
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
}

/**
 * `text` with every control character written as an escape (`\e`, `\n`, `\x07`, `\u202e`), so it
 * prints on one line as what it is. Printable text, tabs and non-ASCII letters are unchanged.
 */
export function escapeControlCharacters(text: string): string {
  return text.replace(UNSAFE, escapeOne);
}

/** A value for a message: control characters escaped, and cut to `max` characters with its length said. */
export function quoteForMessage(value: string, max = 80): string {
  const escaped = escapeControlCharacters(value);
  if (escaped.length <= max) return escaped;
  return `${escaped.slice(0, max)}… (${value.length} characters)`;
}
