import { randomUUID } from 'node:crypto';
import { FlagdProvider } from '@openfeature/flagd-provider';
import { type Client, OpenFeature, type Provider, ProviderStatus } from '@openfeature/server-sdk';
import type { FlagsConfig } from '../../config.js';
import type { AdminFlags, FlagSubject } from './admin-flags.js';

/** flagd's OpenFeature provider for the configured source: a flags file evaluated in this process, or a flagd daemon. */
export function flagdProviderFor(config: FlagsConfig): Provider {
  if (config.source === 'file') return new FlagdProvider({ resolverType: 'in-process', offlineFlagSourcePath: config.path });
  return new FlagdProvider({ resolverType: 'rpc', host: config.host, port: config.port, tls: config.tls });
}

/** What a provider's name says about where flags come from (for the start-up log). */
export function describeFlagSource(config: FlagsConfig): string {
  return config.source === 'file' ? `flags file ${config.path}` : `flagd at ${config.host}:${config.port}${config.tls ? ' (TLS)' : ''}`;
}

/**
 * AdminFlags through OpenFeature. Each platform binds its provider to a domain of its own (several platforms may share
 * one process, as in tests), and evaluates with the context `{ targetingKey: userId, email, roles }`. Anything but a
 * successful `true` is off: an evaluation error, a missing flag, a provider not ready (or no longer: a daemon lost).
 */
export class OpenFeatureFlags implements AdminFlags {
  private readonly client: Client;

  private constructor(
    private readonly provider: Provider,
    domain: string,
  ) {
    this.client = OpenFeature.getClient(domain);
  }

  /** Binds the provider and waits for it; a provider that fails to start leaves every flag off (and is logged). */
  static async open(provider: Provider, log: (line: string) => void, source: string): Promise<OpenFeatureFlags> {
    const domain = `zapdeploy-admin-${randomUUID()}`;
    try {
      await OpenFeature.setProviderAndWait(domain, provider);
    } catch (error) {
      log(
        `zapdeploy: admin flags (${source}) could not be read: ${error instanceof Error ? error.message : String(error)}; every console area stays closed until they can`,
      );
    }
    return new OpenFeatureFlags(provider, domain);
  }

  async isOn(flag: string, subject: FlagSubject): Promise<boolean> {
    // Not ready (a flags file that cannot be read, a daemon that does not answer): off at once, rather than each
    // evaluation waiting on a connection that is not there.
    if (this.client.providerStatus !== ProviderStatus.READY) return false;
    const details = await this.client.getBooleanDetails(flag, false, { targetingKey: subject.userId, email: subject.email, roles: [...subject.roles] });
    return details.errorCode === undefined && details.value === true;
  }

  async close(): Promise<void> {
    await this.provider.onClose?.();
  }
}
