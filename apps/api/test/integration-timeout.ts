import { jest } from '@jest/globals';

// Jest 30 reads testTimeout from the global config only, so a project's own value is ignored: the
// integration project sets its longer limit here instead. Each test boots whole gateways (migrations
// included) and talks to real peers, so it gets more than 5 s on a shared, busy machine.
jest.setTimeout(30_000);
