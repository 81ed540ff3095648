import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JSON_LIMITS, parseJsonText } from './json-text.ts';

const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

describe('parseJsonText', () => {
  it('reads what JSON.stringify writes, as JSON.parse does', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), (value) => {
        const text = JSON.stringify(value, null, 2);
        expect(parseJsonText(text, 'x')).toEqual(JSON.parse(text));
      }),
    );
  });

  it.each([
    ['{\n  "token": ghp_s3cret\n}', 'line 2, column 12: unexpected character where a value was expected'],
    ['{"a": 1,}', 'column 9: expected a double-quoted property name'],
    ['{"a" 1}', "column 6: expected ':' after a property name"],
    ['[1 2]', "column 4: expected ',' or ']'"],
    ['{"secret": "abc', 'column 12: unterminated string'],
    ['{"a": "x\\q"}', 'column 9: invalid escape inside a string'],
    ['{"a": 1} {"b": 2}', 'column 10: unexpected text after the end of the JSON value'],
    ['', 'column 1: unexpected end of input'],
  ])('says where %j is wrong, never what it says', (text, where) => {
    expect(() => JSON.parse(text)).toThrow();
    let message = '';
    try {
      parseJsonText(text, 'cfg');
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toBe(`cfg: not valid JSON at ${where}`);
    expect(message).not.toMatch(/s3cret|abc|ghp/);
  });

  it(`refuses nesting deeper than ${JSON_LIMITS.maxDepth} levels, even past what the parser's stack holds`, () => {
    expect(parseJsonText(nested(JSON_LIMITS.maxDepth), 'x')).toBeDefined();
    expect(() => parseJsonText(nested(JSON_LIMITS.maxDepth + 1), 'x')).toThrow(
      `x: nested deeper than ${JSON_LIMITS.maxDepth} levels`,
    );
    expect(() => parseJsonText(`{"a": ${nested(JSON_LIMITS.maxDepth)}}`, 'x')).toThrow(/nested deeper/);
    expect(() => parseJsonText(nested(200_000), 'x')).toThrow(/nested deeper than 64 levels/);
  });
});
