import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arrayElementSpans } from './json-spans.js';

const slices = (text: string) => {
  const s = arrayElementSpans(text);
  if (!s) return null;
  const out: string[] = [];
  for (let i = 0; i < s.length; i += 2) out.push(text.slice(s[i], s[i + 1]));
  return out;
};

describe('arrayElementSpans', () => {
  it('cuts each element of an array, whatever its whitespace', () => {
    expect(slices('[]')).toEqual([]);
    expect(slices(' [ ] ')).toEqual([]);
    expect(slices('[1,"a,]",{"x":[1,{"y":"}"}]},null , true]')).toEqual([
      '1',
      '"a,]"',
      '{"x":[1,{"y":"}"}]}',
      'null',
      'true',
    ]);
    expect(slices('[ {"a" : "\\"]"} ,\n [ ] ]')).toEqual(['{"a" : "\\"]"}', '[ ]']);
  });
  it('null for what is not an array', () => {
    expect(arrayElementSpans('{"a":1}')).toBeNull();
    expect(arrayElementSpans('"[1]"')).toBeNull();
  });
  it('each slice parses to its element, for any JSON array in any layout', () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue()), fc.boolean(), (value, pretty) => {
        const text = JSON.stringify(value, null, pretty ? 2 : undefined);
        const parts = slices(text);
        expect(parts?.map((p) => JSON.parse(p))).toEqual(JSON.parse(text));
      }),
    );
  });
});
