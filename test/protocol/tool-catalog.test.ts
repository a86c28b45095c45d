/** What the bridge learns from tools/list: x-mcp-header parameters (with the spec's constraints) and retry safety. */
import { ToolCatalog } from '../../src/protocol/tool-catalog';

const tool = (name: string, properties: object, extra: object = {}) => ({ name, inputSchema: { type: 'object', properties }, ...extra });

describe('ToolCatalog', () => {
  test('mirrors annotated arguments, nested through properties, in the spec encoding', () => {
    const catalog = new ToolCatalog();
    const rejected = catalog.learn({
      tools: [
        tool('sql', {
          region: { type: 'string', 'x-mcp-header': 'Region' },
          query: { type: 'string' },
          opts: { type: 'object', properties: { shard: { type: 'integer', 'x-mcp-header': 'Shard' }, dry: { type: 'boolean', 'x-mcp-header': 'Dry' } } },
        }),
      ],
    });
    expect(rejected).toEqual([]);
    expect(catalog.paramHeaders('sql', { region: 'Zürich', query: 'x', opts: { shard: 42, dry: false } })).toEqual({
      'Mcp-Param-Region': '=?base64?WsO8cmljaA==?=',
      'Mcp-Param-Shard': '42',
      'Mcp-Param-Dry': 'false',
    });
  });

  test('absent and null values omit the header; unknown tools get none', () => {
    const catalog = new ToolCatalog();
    catalog.learn({ tools: [tool('t', { a: { type: 'string', 'x-mcp-header': 'A' } })] });
    expect(catalog.paramHeaders('t', {})).toEqual({});
    expect(catalog.paramHeaders('t', { a: null })).toEqual({});
    expect(catalog.paramHeaders('other', { a: 'x' })).toEqual({});
  });

  test.each([
    ['not a token', { a: { type: 'string', 'x-mcp-header': 'Bad Name' } }],
    ['empty', { a: { type: 'string', 'x-mcp-header': '' } }],
    ['a number parameter', { a: { type: 'number', 'x-mcp-header': 'A' } }],
    ['an object parameter', { a: { type: 'object', 'x-mcp-header': 'A' } }],
    ['duplicate, case-insensitively', { a: { type: 'string', 'x-mcp-header': 'X' }, b: { type: 'string', 'x-mcp-header': 'x' } }],
    ['under items', { a: { type: 'array', items: { type: 'string', 'x-mcp-header': 'A' } } }],
    ['under anyOf', { a: { anyOf: [{ type: 'string', 'x-mcp-header': 'A' }] } }],
  ])('a tool whose annotation is %s is left out, the others stay', (_reason, properties) => {
    const catalog = new ToolCatalog();
    const rejected = catalog.learn({ tools: [tool('bad', properties), tool('good', { a: { type: 'string' } })] });
    expect(rejected.map((r) => r.name)).toEqual(['bad']);
    expect(catalog.facts('bad')).toBeUndefined();
    expect(catalog.facts('good')).toBeDefined();
  });

  test('readOnlyHint or idempotentHint make a tool repeatable; nothing else does', () => {
    const catalog = new ToolCatalog();
    catalog.learn({
      tools: [
        tool('read', {}, { annotations: { readOnlyHint: true } }),
        tool('idem', {}, { annotations: { idempotentHint: true } }),
        tool('write', {}, { annotations: { destructiveHint: false } }),
        tool('plain', {}),
      ],
    });
    expect(['read', 'idem', 'write', 'plain'].map((n) => catalog.facts(n)?.repeatable)).toEqual([true, true, false, false]);
  });

  test('pages add up; a tool listed again is replaced', () => {
    const catalog = new ToolCatalog();
    catalog.learn({ tools: [tool('a', {}, { annotations: { readOnlyHint: true } })], nextCursor: 'p2' });
    catalog.learn({ tools: [tool('b', {})] });
    expect(catalog.facts('a')?.repeatable).toBe(true);
    catalog.learn({ tools: [tool('a', {})] });
    expect(catalog.facts('a')?.repeatable).toBe(false);
    expect(catalog.facts('b')).toBeDefined();
  });
});
