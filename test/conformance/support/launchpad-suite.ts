// One emulated launchpad per provider suite file (test/launchpad): created before the first
// scenario, closed after the last. Scenarios run sequentially within a file, as the launchpad
// has global state (the running config, the changing-flag toggle). SWITCHYARD_LAUNCHPAD_KEEP=1
// keeps the work dir (flag files, configs, daemon.log) for a look after a failed run.
import { Launchpad } from '../../launchpad/launchpad.js';

export function useLaunchpad(): () => Launchpad {
  let launchpad: Launchpad | undefined;
  beforeAll(async () => {
    launchpad = await Launchpad.create({
      keepWorkDir: process.env.SWITCHYARD_LAUNCHPAD_KEEP === '1',
    });
    if (process.env.SWITCHYARD_LAUNCHPAD_KEEP === '1') {
      process.stdout.write(`[launchpad] work dir kept: ${launchpad.workDir}\n`);
    }
  }, 60_000);
  afterAll(async () => {
    await launchpad?.close();
  });
  return () => {
    if (!launchpad) throw new Error('the launchpad was not created (see the beforeAll error)');
    return launchpad;
  };
}
