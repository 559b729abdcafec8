import { jest } from '@jest/globals';

// Each API test boots the Nest app on a fresh SQLite file (migrations included); on a busy machine
// (CI builds the Docker image beside the tests) that can take more than Jest's default 5 s.
jest.setTimeout(15_000);
