// Which file and line define each served flag, for the console's catalog ("file:line") and the
// flag page's git history. Sources report merged configurations, not files, so the console reads
// the files of each file source itself (@switchyard/gitops: expandPaths, indexFlags, which keeps
// positions even for a file served with a rule error), once per generation and only when the
// console asks: it is never on the publish path.
import { readFile, stat } from 'node:fs/promises';
import { displayPath, expandPaths, indexFlags } from '@switchyard/gitops';
import type { Generation } from '../store/generation.js';

export interface FlagLocation {
  /** Absolute path of the file. */
  readonly path: string;
  /** Relative to the daemon's working directory. */
  readonly file: string;
  readonly line: number;
}

const idOf = (key: string, flagSetId: string | undefined) => `${flagSetId ?? ''}\u0000${key}`;

export class FlagLocations {
  private cached: { generation: number; locations: Promise<Map<string, FlagLocation>> } | undefined;

  /** `sources`: the id of each file source and the file or directory behind it. */
  constructor(
    private readonly sources: readonly { readonly id: string; readonly path: string }[],
    private readonly cwd: string,
  ) {}

  /** Per flag identity (`flagSetId \0 key`) of the generation, where it is defined. */
  of(generation: Generation): Promise<Map<string, FlagLocation>> {
    if (this.cached?.generation !== generation.number) {
      this.cached = { generation: generation.number, locations: this.locate(generation) };
    }
    return this.cached.locations;
  }

  /** Where one flag is defined, if known. */
  async find(generation: Generation, key: string, flagSetId: string | undefined) {
    return (await this.of(generation)).get(idOf(key, flagSetId));
  }

  private async locate(generation: Generation): Promise<Map<string, FlagLocation>> {
    const served = new Set(
      generation.flags.map((m) => `${m.sourceId}\u0001${idOf(m.flag.key, m.flag.flagSetId)}`),
    );
    const locations = new Map<string, FlagLocation>();
    for (const source of this.sources) {
      for (const path of await filesOf(source.path, this.cwd)) {
        let text: string;
        try {
          text = await readFile(path, 'utf8');
        } catch {
          continue; // gone or unreadable: /readyz reports it
        }
        for (const f of indexFlags(text)) {
          const id = idOf(f.key, f.flagSetId);
          if (!served.has(`${source.id}\u0001${id}`)) continue;
          // Later files of a directory win, as the source merges them.
          locations.set(id, { path, file: displayPath(this.cwd, path), line: f.line });
        }
      }
    }
    return locations;
  }
}

async function filesOf(path: string, cwd: string): Promise<string[]> {
  try {
    const st = await stat(path);
    if (st.isFile()) return [path];
    if (!st.isDirectory()) return [];
    return expandPaths([path], cwd).map((f) => f.path);
  } catch {
    return [];
  }
}
