import { buildApp } from './build-app.js';

// Entry point of `cdk synth` / `cdk deploy` (cdk.json "app"). Choose the municipality with
// MUNICIPALITY=<id> or `-c municipality=<id>`; cdk.json defaults to jonkoping.
const { app } = buildApp();
app.synth();
