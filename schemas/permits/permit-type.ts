import type * as z from 'zod';
import type { LocalizedText } from '../municipality.js';

/**
 * One department's part of a permit: who decides it, when it applies, and its deadlines (in days, scaled
 * only by test configuration). The workflow construct turns the parts into parallel branches.
 */
export interface PermitPartDeclaration {
  /** Stable id in state names, events and task records. Never rename. */
  readonly partId: string;
  /** The deciding department, by id in the municipality configuration. */
  readonly departmentId: string;
  readonly title: LocalizedText;
  /** A boolean field of the application that must be true for the part to apply. @default - always applies */
  readonly appliesWhen?: string;
  /** Days from the task's opening to its deadline. */
  readonly deadlineDays: number;
  /** Days before the deadline that the department is reminded. */
  readonly reminderDaysBefore: number;
  /** Days after the deadline (escalated to the department head) before the part expires undecided. */
  readonly escalationDays: number;
  /** Days the applicant has to answer a request for information. */
  readonly answerDays: number;
}

/** A permit type, declared as data: the permits e-service and the workflow construct have no code per type. */
export interface PermitTypeDeclaration {
  /** Stable id in URLs (`POST /permits/{permitType}`), state machine names and cases. Never rename. */
  readonly permitType: string;
  readonly version: number;
  readonly title: LocalizedText;
  /** The coordinating department: the case is registered in its series and its officers follow the case. */
  readonly departmentId: string;
  /** The application, validated at the edge. */
  readonly schema: z.ZodObject;
  /** Path of the applicant's contact e-mail in the application; receipts, questions and the letter go there. */
  readonly contactEmailPath: readonly string[];
  /** Decided in parallel, each by its department. */
  readonly parts: readonly PermitPartDeclaration[];
}

/** Which parts of a permit apply to an application, by part id (the state machine's input). */
export function applicableParts(declaration: PermitTypeDeclaration, application: Readonly<Record<string, unknown>>): Record<string, boolean> {
  return Object.fromEntries(
    declaration.parts.map((part) => [part.partId, part.appliesWhen === undefined ? true : application[part.appliesWhen] === true]),
  );
}
