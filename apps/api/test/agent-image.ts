import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../../', import.meta.url));

/** Debian's python3 is on this machine: the test image carries it (WITH_PYTHON of import-node-base.sh). */
export const HOST_HAS_PYTHON = existsSync('/usr/bin/python3');

/**
 * The agent image, built the README's way (`docker build ./agent-runner`) on a Node base imported from
 * this machine's files (images cannot be pulled here: scripts/docker/import-node-base.sh), with
 * Python when this machine has Debian's. Unique tags, so parallel suites do not collide; `remove`
 * deletes both images.
 */
export async function buildAgentImage(): Promise<{ image: string; remove(): Promise<void> }> {
  const suffix = randomUUID().slice(0, 8);
  const base = `lg-test-node-base:${suffix}`;
  const image = `lg-test-agent:${suffix}`;
  await run('bash', [`${root}scripts/docker/import-node-base.sh`, base], {
    cwd: root,
    env: { ...process.env, WITH_PYTHON: HOST_HAS_PYTHON ? '1' : '' },
  });
  await run('docker', ['build', '-q', '--build-arg', `BASE_IMAGE=${base}`, '-t', image, `${root}agent-runner`]);
  return {
    image,
    async remove() {
      await run('docker', ['image', 'rm', '-f', image, base]).catch(() => undefined);
    },
  };
}
