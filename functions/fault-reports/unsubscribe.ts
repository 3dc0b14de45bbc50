import { escapeHtml } from '../shared/mail.js';
import type { Language } from '../shared/i18n.js';

/**
 * The reporter's unsubscribe: GET shows a page with a button (mail scanners open links, and must not
 * unsubscribe anyone); the button, or a mail client's RFC 8058 one-click, POSTs `List-Unsubscribe=One-Click`.
 */
export function confirmPage(caseId: string, token: string, language: Language): string {
  const t = language === 'en'
    ? { title: 'Stop mails about this report?', body: 'You will no longer be mailed when the status of this report changes.', button: 'Stop the mails' }
    : { title: 'Sluta få mejl om den här felanmälan?', body: 'Du får då inga fler mejl när felanmälans status ändras.', button: 'Sluta skicka mejl' };
  const action = `/fault-reports/${encodeURIComponent(caseId)}/unsubscribe/${encodeURIComponent(token)}`;
  return page(language, t.title, `<p>${escapeHtml(t.body)}</p>
<form method="post" action="${escapeHtml(action)}">
<input type="hidden" name="List-Unsubscribe" value="One-Click">
<button type="submit">${escapeHtml(t.button)}</button>
</form>`);
}

export function donePage(language: Language): string {
  return language === 'en'
    ? page('en', 'No more mails', '<p>You will not be mailed about this report again.</p>')
    : page('sv', 'Inga fler mejl', '<p>Du får inga fler mejl om den här felanmälan.</p>');
}

function page(language: Language, title: string, body: string): string {
  return `<!doctype html>
<html lang="${language}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex"><title>${escapeHtml(title)}</title></head>
<body><main><h1>${escapeHtml(title)}</h1>
${body}
</main></body></html>`;
}
