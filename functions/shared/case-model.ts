import type { CaseEventType, CaseStatus } from '../../schemas/cases.js';
import type { LocalizedText } from '../../schemas/municipality.js';
import type { Caller } from './http.js';

/** Who did something to a case. Officers and residents are kept by `sub`; views show only the kind. */
export interface Actor {
  readonly kind: 'resident' | 'officer' | 'system';
  readonly sub?: string;
}

/** An append-only event of a case. */
export interface CaseEvent {
  readonly eventId: string;
  readonly type: CaseEventType;
  readonly at: string;
  readonly actor: Actor;
  readonly data?: Readonly<Record<string, unknown>>;
}

/** A case as stored (the case item). `status` is a projection of the events, kept for listings. */
export interface CaseRecord {
  readonly caseId: string;
  readonly diarienummer: string;
  readonly series: string;
  readonly year: number;
  readonly number: number;
  readonly kind: string;
  readonly subject: string;
  readonly title: LocalizedText;
  readonly departmentId: string;
  readonly ownerSub?: string;
  readonly accessCodeHash: string;
  readonly answers: Readonly<Record<string, unknown>>;
  /** Dotted paths of secret answers, masked in every view. */
  readonly secretPaths: readonly string[];
  readonly contactEmail?: string;
  readonly status: CaseStatus;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** Number of events; guards concurrent appends. */
  readonly version: number;
}

/** The status after one more event. The case's status is this, folded over its events. */
export function statusAfter(status: CaseStatus | undefined, event: Pick<CaseEvent, 'type' | 'data'>): CaseStatus {
  switch (event.type) {
    case 'submitted':
      return 'received';
    case 'status-changed':
      return (event.data?.status as CaseStatus | undefined) ?? status ?? 'received';
    case 'part-opened':
    case 'supplement-received':
      return 'in-progress';
    case 'information-requested':
      return 'waiting-for-applicant';
    case 'permit-decided':
      return 'decided';
    default:
      return status ?? 'received';
  }
}

export function deriveStatus(events: readonly Pick<CaseEvent, 'type' | 'data'>[]): CaseStatus {
  return events.reduce<CaseStatus | undefined>(statusAfter, undefined) ?? 'received';
}

/** `KS 2026:17` */
export function formatDiarienummer(series: string, year: number, number: number): string {
  return `${series} ${year}:${number}`;
}

/** Who submitted a case: an anonymous submitter is a resident too; officers act for residents (contact centre). */
export function submitterOf(caller: Caller): Actor {
  return caller.kind === 'anonymous' ? { kind: 'resident' } : { kind: caller.kind, sub: caller.sub };
}

/** The value at a path in submitted answers, e.g. the contact e-mail address of a form. */
export function valueAt(value: unknown, path: readonly string[]): unknown {
  return path.reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), value);
}

/** Copies answers with the values at the given dotted paths replaced by a mask. */
export function maskAnswers(answers: Readonly<Record<string, unknown>>, secretPaths: readonly string[]): Record<string, unknown> {
  const copy = structuredClone(answers) as Record<string, unknown>;
  for (const path of secretPaths) {
    const parts = path.split('.');
    let node: unknown = copy;
    for (const part of parts.slice(0, -1)) node = node && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined;
    const last = parts.at(-1)!;
    if (node && typeof node === 'object' && last in node) (node as Record<string, unknown>)[last] = '***';
  }
  return copy;
}

/** The year of a date in the municipality's time zone (a case registered at 00:30 on 1 January belongs to the new year). */
export function registerYear(date: Date, timeZone: string): number {
  return Number(new Intl.DateTimeFormat('en', { timeZone, year: 'numeric' }).format(date));
}
