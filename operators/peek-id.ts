import type { JsonRpcId } from './json-rpc';

const NUMBER = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/;

/**
 * The top-level `"id"` of a JSON object from the first characters of its text: used for a stdin
 * line too long to parse, so that the host's request still gets its error under its own id.
 * Returns null when the id is not within `head` (or the text is not an object).
 */
export function peekId(head: string): JsonRpcId | null {
  let i = head.indexOf('{');
  if (i === -1 || head.slice(0, i).trim() !== '') return null;
  let depth = 0;
  for (; i < head.length; i++) {
    const c = head[i];
    if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') depth--;
    else if (c === '"') {
      const end = stringEnd(head, i);
      if (end === -1) return null;
      if (depth === 1 && head.slice(i, end + 1) === '"id"') {
        const rest = head.slice(end + 1).trimStart();
        if (!rest.startsWith(':')) return null;
        const value = rest.slice(1).trimStart();
        if (value.startsWith('"')) {
          const close = stringEnd(value, 0);
          return close === -1 ? null : stringValue(value.slice(0, close + 1));
        }
        const num = NUMBER.exec(value);
        // A number cut off by the end of `head` could be longer than what is seen.
        return num && num[0].length < value.length ? Number(num[0]) : null;
      }
      i = end;
    }
  }
  return null;
}

/** Index of the closing quote of the string starting at `start`, or -1 if it is cut off. */
function stringEnd(text: string, start: number): number {
  for (let j = start + 1; j < text.length; j++) {
    if (text[j] === '\\') j++;
    else if (text[j] === '"') return j;
  }
  return -1;
}

/**
 * A string literal's value, or null when it is not valid JSON (`"\x"`): an over-long line is the
 * host's mistake, its id an aid; a throw here would end the reading of stdin.
 */
function stringValue(literal: string): string | null {
  try {
    return JSON.parse(literal) as string;
  } catch {
    return null;
  }
}
