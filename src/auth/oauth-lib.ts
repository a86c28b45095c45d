import type * as OAuth from 'oauth4webapi';

let loaded: typeof OAuth | undefined;

/**
 * oauth4webapi, loaded on first use. It is an ES module: the CommonJS CLI can `require()` it on
 * Node 20.19+ (and 22.12+), and loading it lazily keeps a bridge that never signs in from paying
 * for it (start-up time, memory) or failing on an older Node.
 */
export function oauthLib(): typeof OAuth {
  if (loaded === undefined) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      loaded = require('oauth4webapi') as typeof OAuth;
    } catch (err) {
      throw new Error(`OAuth sign-in needs Node.js 20.19 or later (oauth4webapi is an ES module): ${(err as Error).message}`);
    }
  }
  return loaded;
}

export type { OAuth };
