/**
 * The texts of the elements of a JSON array text, as written: lets a batch answer be forwarded
 * element by element without re-serialising (which would round big integers and respell numbers).
 * Expects text that JSON.parse already accepted as an array; one pass, O(n).
 */
export function jsonArrayItems(text: string): string[] {
  const items: string[] = [];
  let depth = 0;
  let inString = false;
  let start = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
      continue;
    }
    switch (c) {
      case 0x22:
        if (depth === 1 && start === -1) start = i;
        inString = true;
        break;
      case 0x5b /* [ */:
      case 0x7b /* { */:
        if (depth === 1 && start === -1) start = i;
        depth++;
        if (depth === 1) start = -1;
        break;
      case 0x5d /* ] */:
      case 0x7d /* } */:
        depth--;
        if (depth === 0 && start !== -1) items.push(text.slice(start, i).trim());
        break;
      case 0x2c /* , */:
        if (depth === 1) {
          items.push(text.slice(start, i).trim());
          start = -1;
        }
        break;
      default:
        if (depth === 1 && start === -1 && c > 0x20) start = i;
    }
  }
  return items;
}
