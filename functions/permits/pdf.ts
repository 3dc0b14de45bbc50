/**
 * A minimal PDF writer for letters: A4 pages of left-aligned text in Helvetica (WinAnsiEncoding, which
 * covers Swedish å, ä, ö, é), with automatic line wrapping and page breaks. No dependencies.
 */
export interface PdfLine {
  readonly text: string;
  /** @default 11 */
  readonly size?: number;
  readonly bold?: boolean;
  /** Empty space before the line, in points. @default 0 */
  readonly spaceBefore?: number;
}

const PAGE_WIDTH = 595;
const PAGE_HEIGHT = 842;
const MARGIN = 64;

/** Latin-1 bytes of a PDF string literal; characters outside WinAnsi become '?'. */
function pdfString(text: string): string {
  let out = '';
  for (const char of text) {
    const code = char.codePointAt(0)!;
    const byte = code === 0x2013 ? 0x96 : code === 0x2014 ? 0x97 : code === 0x2019 ? 0x92 : code < 256 ? code : 0x3f;
    const c = String.fromCharCode(byte);
    out += c === '(' || c === ')' || c === '\\' ? `\\${c}` : byte < 32 ? ' ' : c;
  }
  return `(${out})`;
}

/** Wraps a line to fit the text width (Helvetica averages about half the font size per character). */
function wrap(text: string, size: number): string[] {
  const max = Math.floor((PAGE_WIDTH - 2 * MARGIN) / (size * 0.5));
  const lines: string[] = [];
  let current = '';
  for (const word of text.split(/\s+/)) {
    if (current && current.length + 1 + word.length > max) {
      lines.push(current);
      current = word;
    } else current = current ? `${current} ${word}` : word;
  }
  lines.push(current);
  return lines;
}

/** Renders the lines as a PDF document. */
export function renderPdf(lines: readonly PdfLine[], info: { title: string; author: string; created: Date }): Buffer {
  const pages: string[][] = [[]];
  let y = PAGE_HEIGHT - MARGIN;
  for (const line of lines) {
    const size = line.size ?? 11;
    y -= line.spaceBefore ?? 0;
    for (const part of wrap(line.text, size)) {
      if (y - size * 1.4 < MARGIN) {
        pages.push([]);
        y = PAGE_HEIGHT - MARGIN;
      }
      y -= size * 1.4;
      pages.at(-1)!.push(`BT /${line.bold ? 'F2' : 'F1'} ${size} Tf ${MARGIN} ${y.toFixed(1)} Td ${pdfString(part)} Tj ET`);
    }
  }

  const objects: string[] = [];
  // push returns the new length: the object number (1-based).
  const add = (body: string) => objects.push(body);
  const catalog = add('');
  const pagesObj = add('');
  const regular = add('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>');
  const bold = add('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>');
  const pageIds: number[] = [];
  for (const content of pages) {
    const stream = content.join('\n');
    const contentId = add(`<< /Length ${Buffer.byteLength(stream, 'latin1')} >>\nstream\n${stream}\nendstream`);
    pageIds.push(
      add(
        `<< /Type /Page /Parent ${pagesObj} 0 R /MediaBox [0 0 ${PAGE_WIDTH} ${PAGE_HEIGHT}] /Resources << /Font << /F1 ${regular} 0 R /F2 ${bold} 0 R >> >> /Contents ${contentId} 0 R >>`,
      ),
    );
  }
  objects[catalog - 1] = `<< /Type /Catalog /Pages ${pagesObj} 0 R /Lang (sv-SE) >>`;
  objects[pagesObj - 1] = `<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(' ')}] /Count ${pageIds.length} >>`;
  const date = info.created.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  const infoId = add(`<< /Title ${pdfString(info.title)} /Author ${pdfString(info.author)} /CreationDate (D:${date}Z) >>`);

  let pdf = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n';
  const offsets: number[] = [];
  objects.forEach((body, index) => {
    offsets.push(Buffer.byteLength(pdf, 'latin1'));
    pdf += `${index + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = Buffer.byteLength(pdf, 'latin1');
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root ${catalog} 0 R /Info ${infoId} 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(pdf, 'latin1');
}
