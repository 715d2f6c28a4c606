const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN = [0x5b, 0x7b]; // [ {
const CLOSE = [0x5d, 0x7d]; // ] }

/**
 * Whether the JSON text nests arrays and objects deeper than `max`: one linear scan of the brackets
 * outside strings, so a body nested thousands deep is refused before anything recursive sees it.
 */
export function nestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === BACKSLASH) i++;
      else if (ch === QUOTE) inString = false;
    } else if (ch === QUOTE) inString = true;
    else if (OPEN.includes(ch)) {
      if (++depth > max) return true;
    } else if (CLOSE.includes(ch)) depth--;
  }
  return false;
}
