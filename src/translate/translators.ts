import type { Logger } from '../log/logger';
import type { Translators } from './era-router';
import { LegacyHostOnModernServer } from './legacy-host-on-modern-server';
import { ModernHostOnLegacyServer } from './modern-host-on-legacy-server';

/** The translations the era router may switch to. */
export function translators(logger: Logger): Translators {
  return {
    legacyHostOnModernServer: (inner) => new LegacyHostOnModernServer(inner, logger),
    modernHostOnLegacyServer: (inner) => new ModernHostOnLegacyServer(inner, logger),
  };
}
