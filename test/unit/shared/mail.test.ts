import type { SESv2Client } from '@aws-sdk/client-sesv2';
import { describe, expect, it } from 'vitest';
import { escapeHtml, oneClickUnsubscribe, sesMailer } from '../../../functions/shared/mail.js';

describe('sesMailer', () => {
  it('sends a simple UTF-8 mail from the municipality with its extra headers', async () => {
    // Prepare
    const sent: unknown[] = [];
    const client = { send: async (command: { input: unknown }) => void sent.push(command.input) } as unknown as SESv2Client;
    // Act
    await sesMailer(client, 'e-tjanster@jonkoping.se')({
      to: ['a@example.se'],
      subject: 'Ärende',
      text: 'Hej',
      headers: oneClickUnsubscribe('https://etjanster.jonkoping.se/x/unsubscribe/t'),
    });
    // Assess
    expect(sent).toEqual([
      {
        FromEmailAddress: 'e-tjanster@jonkoping.se',
        Destination: { ToAddresses: ['a@example.se'] },
        Content: {
          Simple: {
            Subject: { Data: 'Ärende', Charset: 'UTF-8' },
            Body: { Text: { Data: 'Hej', Charset: 'UTF-8' } },
            Headers: [
              { Name: 'List-Unsubscribe', Value: '<https://etjanster.jonkoping.se/x/unsubscribe/t>' },
              { Name: 'List-Unsubscribe-Post', Value: 'List-Unsubscribe=One-Click' },
            ],
          },
        },
      },
    ]);
  });

  it('attaches files, e.g. a decision letter', async () => {
    const sent: { Content: { Simple: { Attachments?: unknown } } }[] = [];
    const client = { send: async (command: { input: never }) => void sent.push(command.input) } as unknown as SESv2Client;
    const content = new TextEncoder().encode('%PDF-1.7');
    await sesMailer(client, 'e-tjanster@jonkoping.se')({ to: ['a@example.se'], subject: 'Beslut', text: 'Se bilagan', attachments: [{ fileName: 'beslut.pdf', contentType: 'application/pdf', content }] });
    expect(sent[0]!.Content.Simple.Attachments).toEqual([{ FileName: 'beslut.pdf', ContentType: 'application/pdf', RawContent: content, ContentDisposition: 'ATTACHMENT' }]);
  });

  it('escapes text for HTML mail', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
});
