// Placeholder until the e-service is written; keeps the CDK app bundling.
export const handler = async (): Promise<{ statusCode: number; body: string }> => ({ statusCode: 501, body: '' });
