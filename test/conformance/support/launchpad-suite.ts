// One emulated launchpad per provider suite file (testbed.md §4): created before the first
// scenario, closed after the last. Scenarios run sequentially within a file, as the launchpad
// has global state (the running config, the changing-flag toggle).
import { Launchpad } from '../../launchpad/launchpad.js';

export function useLaunchpad(): () => Launchpad {
  let launchpad: Launchpad | undefined;
  beforeAll(async () => {
    launchpad = await Launchpad.create();
  }, 60_000);
  afterAll(async () => {
    await launchpad?.close();
  });
  return () => {
    if (!launchpad) throw new Error('the launchpad was not created (see the beforeAll error)');
    return launchpad;
  };
}
