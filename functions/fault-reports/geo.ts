/** WGS 84 maths of the fault reports: geohash cells, bounding boxes, distances. Pure, no I/O. */

/** [west, south, east, north] in WGS 84 degrees. */
export type BoundingBox = readonly [number, number, number, number];

const BASE32 = '0123456789bcdefghjkmnpqrstuvwxyz';

/** The geohash of a position, `precision` characters long (precision 9 is a cell of about 5 m). */
export function geohash(lat: number, long: number, precision = 9): string {
  let [latMin, latMax, lonMin, lonMax] = [-90, 90, -180, 180];
  let hash = '';
  let bit = 0;
  let value = 0;
  let even = true;
  while (hash.length < precision) {
    if (even) {
      const mid = (lonMin + lonMax) / 2;
      if (long >= mid) {
        value = (value << 1) | 1;
        lonMin = mid;
      } else {
        value <<= 1;
        lonMax = mid;
      }
    } else {
      const mid = (latMin + latMax) / 2;
      if (lat >= mid) {
        value = (value << 1) | 1;
        latMin = mid;
      } else {
        value <<= 1;
        latMax = mid;
      }
    }
    even = !even;
    if (++bit === 5) {
      hash += BASE32[value];
      bit = 0;
      value = 0;
    }
  }
  return hash;
}

/** Width and height in degrees of a geohash cell of this precision. */
export function cellSize(precision: number): { width: number; height: number } {
  const bits = 5 * precision;
  const lonBits = Math.ceil(bits / 2);
  const latBits = Math.floor(bits / 2);
  return { width: 360 / 2 ** lonBits, height: 180 / 2 ** latBits };
}

/** The geohash cells of one precision that together cover a bounding box. */
export function coveringCells(bbox: BoundingBox, precision: number): string[] {
  const [west, south, east, north] = bbox;
  const { width, height } = cellSize(precision);
  const x0 = Math.floor((west + 180) / width);
  const x1 = Math.floor((Math.min(east, 180 - 1e-12) + 180) / width);
  const y0 = Math.floor((south + 90) / height);
  const y1 = Math.floor((Math.min(north, 90 - 1e-12) + 90) / height);
  const cells: string[] = [];
  for (let x = x0; x <= x1; x++) {
    for (let y = y0; y <= y1; y++) cells.push(geohash(-90 + (y + 0.5) * height, -180 + (x + 0.5) * width, precision));
  }
  return cells;
}

/** Partition cells of the geo index: precision 4 (about 39 x 20 km), so a city is a few partitions. */
export const PARTITION_PRECISION = 4;
/** At most this many key ranges (queries) for one bounding box. */
export const MAX_RANGES = 48;

/**
 * The finest cells (precision 4 to 9) that cover a bounding box in at most MAX_RANGES cells: each is one
 * Query `pk = <partition cell>, begins_with(sk, <cell>)`, and the finer the cells, the fewer items outside
 * the box are read. The box must lie within a few partitions (callers clip it to the municipality first).
 */
export function queryCells(bbox: BoundingBox): string[] {
  for (let precision = 9; precision > PARTITION_PRECISION; precision--) {
    const { width, height } = cellSize(precision);
    const estimate = (Math.floor(bbox[2] / width) - Math.floor(bbox[0] / width) + 1) * (Math.floor(bbox[3] / height) - Math.floor(bbox[1] / height) + 1);
    if (estimate > MAX_RANGES) continue;
    const cells = coveringCells(bbox, precision);
    if (cells.length <= MAX_RANGES) return cells;
  }
  return coveringCells(bbox, PARTITION_PRECISION);
}

const EARTH_RADIUS_M = 6_371_008.8;
const rad = (deg: number) => (deg * Math.PI) / 180;

/** Great-circle distance in metres (haversine). */
export function distanceMetres(lat1: number, long1: number, lat2: number, long2: number): number {
  const dLat = rad(lat2 - lat1);
  const dLon = rad(long2 - long1);
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(rad(lat1)) * Math.cos(rad(lat2)) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(a)));
}

/** The bounding box of a circle (small radii, away from the poles). */
export function circleBox(lat: number, long: number, radiusMetres: number): BoundingBox {
  const dLat = (radiusMetres / EARTH_RADIUS_M) * (180 / Math.PI);
  const dLon = dLat / Math.cos(rad(lat));
  return [long - dLon, lat - dLat, long + dLon, lat + dLat];
}

export function contains(bbox: BoundingBox, lat: number, long: number): boolean {
  return long >= bbox[0] && long <= bbox[2] && lat >= bbox[1] && lat <= bbox[3];
}

/** The part of `bbox` inside `limit`, or undefined when they do not overlap. */
export function intersect(bbox: BoundingBox, limit: BoundingBox): BoundingBox | undefined {
  const out: BoundingBox = [Math.max(bbox[0], limit[0]), Math.max(bbox[1], limit[1]), Math.min(bbox[2], limit[2]), Math.min(bbox[3], limit[3])];
  return out[0] <= out[2] && out[1] <= out[3] ? out : undefined;
}

/** Parses `west,south,east,north`; undefined when it is not four finite numbers forming a box in WGS 84. */
export function parseBbox(text: string): BoundingBox | undefined {
  const parts = text.split(',');
  if (parts.length !== 4 || parts.some((p) => !/^\s*-?\d+(\.\d+)?\s*$/.test(p))) return undefined;
  const [west, south, east, north] = parts.map(Number) as [number, number, number, number];
  if (!(west >= -180 && east <= 180 && south >= -90 && north <= 90 && west <= east && south <= north)) return undefined;
  return [west, south, east, north];
}
