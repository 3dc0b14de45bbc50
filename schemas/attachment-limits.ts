/** Accepted attachment types; sniffed from the stored bytes, not trusted from the declaration. */
export const attachmentContentTypes = ['application/pdf', 'image/jpeg', 'image/png', 'image/heic', 'image/webp'] as const;
export type AttachmentContentType = (typeof attachmentContentTypes)[number];

/** Largest accepted attachment. */
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;
