import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json.ts';

describe('canonicalJson', () => {
  it('sorts keys at every depth, keeps array order and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { y: 1, x: 2 }], c: null }, u: undefined })).toBe(
      '{"a":{"c":null,"d":[3,{"x":2,"y":1}]},"b":1}',
    );
  });

  it('gives one text for equal values, whatever the key order', () => {
    expect(canonicalJson({ x: 'é"', y: [true] })).toBe(canonicalJson(JSON.parse('{"y":[true],"x":"é\\""}')));
  });
});
