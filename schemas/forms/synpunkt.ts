import * as z from 'zod';
import { contactSchema, label, type FormDeclaration } from './form.js';

/** Synpunkt eller klagomål: a comment, complaint, suggestion or praise about any municipal service. */
export const synpunktSchema = z
  .strictObject({
    kind: z.enum(['complaint', 'suggestion', 'comment', 'praise']).meta(
      label('Vad vill du lämna?', 'What would you like to give?', {
        'x-enum-labels': {
          complaint: { sv: 'Klagomål', en: 'Complaint' },
          suggestion: { sv: 'Förslag', en: 'Suggestion' },
          comment: { sv: 'Synpunkt', en: 'Comment' },
          praise: { sv: 'Beröm', en: 'Praise' },
        },
      }),
    ),
    subject: z.string().trim().min(3).max(200).meta(label('Rubrik', 'Subject')),
    message: z.string().trim().min(10).max(4000).meta(label('Ditt meddelande', 'Your message')),
    wantsAnswer: z.boolean().meta(label('Jag vill ha svar', 'I would like an answer')),
    contact: contactSchema.optional(),
  })
  .refine((v) => !v.wantsAnswer || v.contact !== undefined, {
    path: ['contact'],
    message: 'contact details are needed for an answer',
  })
  .meta({ title: 'Synpunkt eller klagomål' });
export type Synpunkt = z.infer<typeof synpunktSchema>;

export const synpunktForm: FormDeclaration = {
  formId: 'synpunkt',
  version: 1,
  title: { sv: 'Synpunkter och klagomål', en: 'Comments and complaints' },
  description: {
    sv: 'Lämna en synpunkt, ett klagomål, ett förslag eller beröm om kommunens verksamhet. Du kan vara anonym.',
    en: "Give a comment, complaint, suggestion or praise about the municipality's services. You may stay anonymous.",
  },
  departmentId: 'stadskontoret',
  schema: synpunktSchema,
  receiptEmailPath: ['contact', 'email'],
};
