import type { CaseEvent, CaseRecord } from '../../functions/shared/case-model.js';
import { formatDiarienummer, statusAfter } from '../../functions/shared/case-model.js';
import type { CaseRepository, ExtraWrite } from '../../functions/shared/case-repository.js';
import { newUlid } from '../../functions/shared/ids.js';
import { createLogger } from '../../functions/shared/logger.js';
import type { Mail, SendMail } from '../../functions/shared/mail.js';

/** An in-memory case repository with the same contract as the DynamoDB one. */
export function memoryCaseRepository(): CaseRepository & { records: Map<string, CaseRecord>; events: Map<string, CaseEvent[]>; extraWrites: ExtraWrite[] } {
  const records = new Map<string, CaseRecord>();
  const extraWrites: ExtraWrite[] = [];
  const events = new Map<string, CaseEvent[]>();
  const counters = new Map<string, number>();
  return {
    records,
    events,
    extraWrites,
    async createCase(newCase, firstEvent, options = {}) {
      const counter = `${newCase.series}#${newCase.year}`;
      const number = (counters.get(counter) ?? 0) + 1;
      counters.set(counter, number);
      const event = { ...firstEvent, eventId: newUlid() };
      const record: CaseRecord = {
        ...newCase,
        number,
        diarienummer: formatDiarienummer(newCase.series, newCase.year, number),
        status: statusAfter(undefined, event),
        updatedAt: event.at,
        version: 1,
      };
      records.set(record.caseId, record);
      events.set(record.caseId, [event]);
      extraWrites.push(...(options.extraWrites?.(record, [event]) ?? []));
      return record;
    },
    async getCase(caseId) {
      const record = records.get(caseId);
      return record ? { record, events: [...(events.get(caseId) ?? [])] } : undefined;
    },
    async appendEvents(caseId, newEvents, options = {}) {
      const record = records.get(caseId);
      if (!record) throw new Error('no case');
      const added = newEvents.map((e) => ({ ...e, eventId: newUlid() }));
      events.get(caseId)!.push(...added);
      const updated = { ...record, status: added.reduce(statusAfter, record.status), version: record.version + added.length, updatedAt: added.at(-1)!.at };
      records.set(caseId, updated);
      extraWrites.push(...(options.extraWrites?.(updated, events.get(caseId)!) ?? []));
      return updated;
    },
    async listByOwner(ownerSub, limit) {
      const items = [...records.values()].filter((r) => r.ownerSub === ownerSub).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
      return { items: items.slice(0, limit) };
    },
  };
}

export function recordingMailer(): SendMail & { sent: Mail[] } {
  const sent: Mail[] = [];
  return Object.assign(async (mail: Mail) => void sent.push(mail), { sent });
}

export function silentLogger() {
  return createLogger({}, () => undefined);
}
