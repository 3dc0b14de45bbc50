import { PartStateConflictError, type PartState, type PermitStore, type TaskRecord } from '../../../functions/permits/permit-store.js';

/** An in-memory permit store with the same conditions as the DynamoDB one. */
export function memoryPermitStore(): PermitStore & { parts: Map<string, PartState>; tasks: Map<string, TaskRecord> } {
  const parts = new Map<string, PartState>();
  const tasks = new Map<string, TaskRecord>();
  const key = (caseId: string, partId: string) => `${caseId}#${partId}`;
  const update = (caseId: string, partId: string, condition: (p: PartState) => boolean, change: Partial<PartState>) => {
    const current = parts.get(key(caseId, partId));
    if (!current || !condition(current)) throw new PartStateConflictError(current);
    const next = { ...current, ...change } as PartState;
    parts.set(key(caseId, partId), next);
    return next;
  };
  return {
    parts,
    tasks,
    async openRound(part, token, expiresAt) {
      const current = parts.get(key(part.caseId, part.partId));
      const next: PartState = { ...part, round: (current?.round ?? 0) + 1, status: 'open', token, expiresAt };
      parts.set(key(part.caseId, part.partId), next);
      return next;
    },
    async replaceToken(caseId, partId, token) {
      try {
        return update(caseId, partId, (p) => p.status === 'open' || (p.status === 'decided' && !p.delivered), { token });
      } catch (error) {
        if (error instanceof PartStateConflictError) return error.current;
        throw error;
      }
    },
    async putTask(task) {
      tasks.set(task.taskIdHash, task);
    },
    async getTask(hash) {
      return tasks.get(hash);
    },
    async getPart(caseId, partId) {
      return parts.get(key(caseId, partId));
    },
    async listParts(caseId) {
      return [...parts.values()].filter((p) => p.caseId === caseId);
    },
    async decide(caseId, partId, round, decision) {
      return update(caseId, partId, (p) => p.status === 'open' && p.round === round, { status: 'decided', ...decision });
    },
    async markDelivered(caseId, partId, round) {
      const current = parts.get(key(caseId, partId));
      if (current?.round === round) parts.set(key(caseId, partId), { ...current, delivered: true });
    },
    async awaitApplicant(caseId, partId, token) {
      return update(caseId, partId, (p) => p.status === 'decided' && p.outcome === 'request-info', { status: 'waiting-for-applicant', token });
    },
    async answer(caseId, partId) {
      return update(caseId, partId, (p) => p.status === 'waiting-for-applicant', { status: 'answered' });
    },
    async expire(caseId, partId) {
      try {
        return update(caseId, partId, (p) => p.status === 'open' || p.status === 'waiting-for-applicant', { status: 'expired' });
      } catch (error) {
        if (error instanceof PartStateConflictError) return error.current;
        throw error;
      }
    },
  };
}
