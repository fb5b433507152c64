import { dnsFailure } from './net.ts';
import { fileSystemFailure } from './writable.ts';

/** One line for an error the environment caused (file system, DNS), or undefined for a bug. */
export function environmentFailure(error: unknown): string | undefined {
  const fs = fileSystemFailure(error);
  if (fs) return fs;
  const dns = dnsFailure(error);
  if (dns)
    return `${dns}; check the host name in the config (kaggle.base_url, llm.*.base_url) and the network`;
  return undefined;
}
