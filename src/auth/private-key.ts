import type { webcrypto } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { OAuth } from './oauth-lib';

/**
 * A PEM private key (PKCS#8, SEC1 or PKCS#1) as the WebCrypto key oauth4webapi signs
 * private_key_jwt assertions with; the JWS algorithm follows from the key: ES256/384/512 for
 * P-256/384/521, RS256 for RSA, EdDSA for Ed25519.
 */
export async function loadPrivateKey(file: string): Promise<OAuth.PrivateKey> {
  // Loaded here, with --oauth-private-key only: an import would load node:crypto with the CLI's
  // bundle at every start-up (~15 modules, ~5 ms and 0.6 MiB on the machine of the bench).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const nodeCrypto = require('node:crypto') as typeof import('node:crypto');
  const keyObject = nodeCrypto.createPrivateKey(readFileSync(file, 'utf8'));
  const der = keyObject.export({ format: 'der', type: 'pkcs8' });
  const type = keyObject.asymmetricKeyType;
  let algorithm: webcrypto.RsaHashedImportParams | webcrypto.EcKeyImportParams | webcrypto.Algorithm;
  if (type === 'ec') {
    const curve = keyObject.asymmetricKeyDetails?.namedCurve;
    const named = curve === 'prime256v1' || curve === 'P-256' ? 'P-256' : curve === 'secp384r1' ? 'P-384' : curve === 'secp521r1' ? 'P-521' : undefined;
    if (named === undefined) throw new Error(`--oauth-private-key: unsupported EC curve ${String(curve)}`);
    algorithm = { name: 'ECDSA', namedCurve: named };
  } else if (type === 'rsa') {
    algorithm = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
  } else if (type === 'ed25519') {
    algorithm = { name: 'Ed25519' };
  } else {
    throw new Error(`--oauth-private-key: unsupported key type ${String(type)}`);
  }
  const key = (await nodeCrypto.webcrypto.subtle.importKey('pkcs8', der, algorithm, false, ['sign'])) as unknown as CryptoKey;
  return { key };
}
