import type { TaskView } from '../../schemas/permits/index.js';
import type { Language } from '../shared/i18n.js';
import { escapeHtml } from '../shared/mail.js';

const texts = {
  sv: {
    title: 'Uppgift att besluta',
    caseLabel: 'Ärende',
    part: 'Er del',
    deadline: 'Uppgiften gäller till',
    status: { open: 'Väntar på beslut', decided: 'Redan beslutad', expired: 'Har gått ut' },
    noDecision: 'Att öppna den här sidan beslutar ingenting.',
    signIn: 'Logga in som handläggare på förvaltningen för att se ansökan och besluta.',
    application: 'Ansökan',
    supplements: 'Kompletteringar',
    decide: 'Beslut',
    approve: 'Bevilja',
    reject: 'Avslå (motivering krävs)',
    requestInfo: 'Begär komplettering (fråga krävs)',
    text: 'Motivering eller fråga',
    token: 'Inloggning (ID-token)',
    submit: 'Skicka beslutet',
  },
  en: {
    title: 'Task to decide',
    caseLabel: 'Case',
    part: 'Your part',
    deadline: 'The task is valid until',
    status: { open: 'Awaiting a decision', decided: 'Already decided', expired: 'Expired' },
    noDecision: 'Opening this page decides nothing.',
    signIn: "Sign in as an officer of the department to see the application and decide.",
    application: 'Application',
    supplements: 'Supplements',
    decide: 'Decision',
    approve: 'Approve',
    reject: 'Reject (reason required)',
    requestInfo: 'Request information (question required)',
    text: 'Reason or question',
    token: 'Sign-in (ID token)',
    submit: 'Send the decision',
  },
} as const;

/**
 * The confirm page behind a task link: what is to be decided, and a form that POSTs the decision with the
 * officer's sign-in. Mail scanners that open the link decide nothing.
 */
export function taskPage(view: TaskView, language: Language): string {
  const t = texts[language];
  const title = `${t.title}: ${view.diarienummer}`;
  const rows = [
    [t.caseLabel, `${view.diarienummer} – ${view.title[language]}`],
    [t.part, view.part.title[language]],
    [t.deadline, new Date(view.expiresAt).toLocaleString(language === 'sv' ? 'sv-SE' : 'en-GB', { timeZone: 'Europe/Stockholm' })],
    ['Status', t.status[view.status]],
  ];
  const form =
    view.status !== 'open'
      ? ''
      : `<h2>${escapeHtml(t.decide)}</h2>
<form id="decision" data-href="${escapeHtml(view.decide.href)}">
<fieldset><legend>${escapeHtml(t.decide)}</legend>
<label><input type="radio" name="outcome" value="approve" required> ${escapeHtml(t.approve)}</label><br>
<label><input type="radio" name="outcome" value="reject"> ${escapeHtml(t.reject)}</label><br>
<label><input type="radio" name="outcome" value="request-info"> ${escapeHtml(t.requestInfo)}</label>
</fieldset>
<p><label for="text">${escapeHtml(t.text)}</label><br><textarea id="text" name="text" rows="4" cols="60" maxlength="2000"></textarea></p>
<p><label for="token">${escapeHtml(t.token)}</label><br><input id="token" name="token" type="password" autocomplete="off" size="60" required></p>
<p><button type="submit">${escapeHtml(t.submit)}</button></p>
<p id="result" role="status" aria-live="polite"></p>
</form>
<script>
document.getElementById('decision').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = event.target;
  const outcome = form.outcome.value;
  const text = form.text.value.trim();
  const body = outcome === 'request-info' ? { outcome, question: text } : text ? { outcome, reason: text } : { outcome };
  const response = await fetch(form.dataset.href, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: 'Bearer ' + form.token.value.trim() }, body: JSON.stringify(body) });
  const answer = await response.json().catch(() => ({}));
  document.getElementById('result').textContent = response.ok ? answer.outcome : (answer.title || response.status) + ': ' + (answer.detail || '');
});
</script>`;
  const application = view.application
    ? `<h2>${escapeHtml(t.application)}</h2><pre>${escapeHtml(JSON.stringify(view.application, null, 2))}</pre>` +
      (view.supplements?.length ? `<h2>${escapeHtml(t.supplements)}</h2>${view.supplements.map((s) => `<p>${escapeHtml(s.text)}</p>`).join('')}` : '')
    : `<p>${escapeHtml(t.signIn)}</p>`;
  return `<!doctype html>
<html lang="${language}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex"><title>${escapeHtml(title)}</title></head>
<body><main><h1>${escapeHtml(title)}</h1>
<p>${escapeHtml(t.noDecision)}</p>
<dl>${rows.map(([k, v]) => `<dt>${escapeHtml(k!)}</dt><dd>${escapeHtml(v!)}</dd>`).join('')}</dl>
${application}
${form}
</main></body></html>`;
}
