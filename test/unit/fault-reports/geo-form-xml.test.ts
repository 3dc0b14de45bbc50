import { XMLParser } from 'fast-xml-parser';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cellSize, circleBox, contains, coveringCells, distanceMetres, geohash, intersect, MAX_RANGES, parseBbox, queryCells } from '../../../functions/fault-reports/geo.js';
import { toXml } from '../../../functions/fault-reports/xml.js';
import { FormSyntaxError, parseFormUrlEncoded } from '../../../functions/shared/form-urlencoded.js';

const JONKOPING: [number, number, number, number] = [13.7, 57.4, 14.9, 58.15];

describe('geohash and bounding boxes', () => {
  it('encodes known geohashes', () => {
    expect(geohash(57.64911, 10.40744, 11)).toBe('u4pruydqqvj');
    expect(geohash(42.6, -5.6, 5)).toBe('ezs42');
  });

  it('covers every point of a box with the cells queried for it, in at most MAX_RANGES ranges', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 13.7, max: 14.89, noNaN: true }),
        fc.double({ min: 57.4, max: 58.14, noNaN: true }),
        fc.double({ min: 0.0001, max: 0.5, noNaN: true }),
        fc.double({ min: 0.0001, max: 0.3, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (west, south, w, h, fx, fy) => {
          const bbox = intersect([west, south, west + w, south + h], JONKOPING)!;
          const cells = queryCells(bbox);
          expect(cells.length).toBeLessThanOrEqual(MAX_RANGES);
          const lat = bbox[1] + fy * (bbox[3] - bbox[1]);
          const long = bbox[0] + fx * (bbox[2] - bbox[0]);
          const point = geohash(lat, long, 9);
          expect(cells.some((c) => point.startsWith(c))).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('reads little outside a 50 m circle: the cells of its box cover less than 3 times its area', () => {
    const box = circleBox(57.7826, 14.1618, 50);
    const cells = queryCells(box);
    const { width, height } = cellSize(cells[0]!.length);
    const cellArea = width * height * Math.cos((57.78 * Math.PI) / 180) * 111_320 ** 2;
    expect((cells.length * cellArea) / (Math.PI * 50 ** 2)).toBeLessThan(3);
    expect(coveringCells(box, cells[0]!.length)).toEqual(cells);
  });

  it('measures distances (haversine) and boxes', () => {
    // Jönköping central station to Munksjön's north shore is roughly 300 m.
    expect(distanceMetres(57.7826, 14.1618, 57.7826, 14.1618)).toBe(0);
    expect(distanceMetres(57.78, 14.16, 57.7809, 14.16)).toBeCloseTo(100, 0);
    const box = circleBox(57.78, 14.16, 50);
    expect(contains(box, 57.78, 14.16)).toBe(true);
    expect(distanceMetres(57.78, 14.16, box[3], 14.16)).toBeCloseTo(50, 0);
  });

  it('parses bbox text; fails when it is not four numbers forming a WGS 84 box', () => {
    expect(parseBbox('14.1,57.7,14.2,57.8')).toEqual([14.1, 57.7, 14.2, 57.8]);
    for (const bad of ['', '1,2,3', '14.2,57.7,14.1,57.8', '1,2,3,x', '-181,0,0,1', '0,-91,1,1', '1e3,0,1,1', '1,2,3,4,5']) expect(parseBbox(bad)).toBeUndefined();
  });
});

describe('parseFormUrlEncoded', () => {
  it('parses fields, lists and Open311 attribute groups', () => {
    const form = parseFormUrlEncoded('api_key=k&service_code=litter&attribute%5Bkind%5D%5B%5D=full-bin&attribute[kind][]=litter&attribute[note]=hej+d%C3%A5&tag[]=a');
    expect(form).toEqual({ api_key: 'k', service_code: 'litter', attribute: { kind: ['full-bin', 'litter'], note: 'hej då' }, tag: ['a'] });
  });

  it('fails when a field is sent twice, as value and list, as value and group, or with a name of another shape', () => {
    for (const body of ['a=1&a=2', 'a=1&a[]=2', 'a[]=1&a=2', 'a=1&a[x]=2', 'a[x]=1&a=2', 'a[x]=1&a[x]=2', 'a[x]=1&a[x][]=2', 'a[b][c]=1', '=1', 'a b=1', 'a[]x=1']) {
      expect(() => parseFormUrlEncoded(body), body).toThrow(FormSyntaxError);
    }
  });

  it('fails when a body has more than 200 fields', () => {
    expect(() => parseFormUrlEncoded(Array.from({ length: 201 }, (_, i) => `f${i}=1`).join('&'))).toThrow(/at most 200/);
  });

  it('never throws anything but FormSyntaxError, whatever the body', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (body) => {
        try {
          parseFormUrlEncoded(body);
        } catch (error) {
          expect(error).toBeInstanceOf(FormSyntaxError);
        }
      }),
    );
  });
});

describe('toXml', () => {
  const parser = new XMLParser({ isArray: (name) => ['service', 'request', 'attribute', 'value', 'note'].includes(name), parseTagValue: false });

  it("names list items as the spec does and carries the JSON's data", () => {
    const xml = toXml('services', [{ service_code: 'a&b', service_name: '<Gatubelysning>', metadata: true, group: null }]);
    expect(xml.startsWith('<?xml version="1.0" encoding="utf-8"?>')).toBe(true);
    expect(parser.parse(xml).services.service).toEqual([{ service_code: 'a&b', service_name: '<Gatubelysning>', metadata: 'true', group: '' }]);
  });

  it('escapes any text, and drops characters XML 1.0 cannot carry', () => {
    const exact = new XMLParser({ isArray: (name) => name === 'request', parseTagValue: false, trimValues: false, processEntities: true });
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 100 }).filter((t) => !t.includes('\r')), (text) => {
        const parsed = exact.parse(toXml('service_requests', [{ description: text }]));
        // eslint-disable-next-line no-control-regex
        const expected = text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '');
        expect(String(parsed.service_requests.request[0].description ?? '')).toBe(expected);
      }),
      { numRuns: 300 },
    );
  });
});
