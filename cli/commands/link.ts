// `tidings link --url URL --subscriber ID`: print a signed link under PUBLIC_BASE_URL (for support and testing).
import type { Command } from 'commander';
import { ConfigError, loadConfig } from '../../src/env';
import { signedLink } from '../../src/core/links/briefing-links';
import { LinkError, LinkSigner, linkKinds, type LinkKind } from '../../src/core/links/links';
import { CliError } from '../context';

interface LinkOptions {
  url: string;
  subscriber: string;
  edition: string;
  article?: string;
  kind: string;
}

export function registerLink(program: Command): void {
  program
    .command('link')
    .description('print a signed link under PUBLIC_BASE_URL (needs the same LINK_SIGNING_KEYS as the edge app)')
    .requiredOption('--url <url>', 'where the link goes: an absolute http(s) URL')
    .requiredOption('--subscriber <id>', 'the subscriber the link belongs to')
    .option('--edition <id>', 'the edition the link belongs to', 'manual')
    .option('--article <id>', 'the article the link is about')
    .option('--kind <kind>', `one of ${linkKinds.join(', ')}`, 'article')
    .action(async (options: LinkOptions) => {
      if (!(linkKinds as readonly string[]).includes(options.kind)) {
        throw new CliError(`--kind must be one of ${linkKinds.join(', ')} (got "${options.kind}")`, 2);
      }
      if (options.subscriber.trim() === '')
        throw new CliError('--subscriber must not be empty: give the id of the subscriber the link is for', 2);
      let config;
      try {
        config = loadConfig();
      } catch (error) {
        if (error instanceof ConfigError) throw new CliError(error.message, 1);
        throw error;
      }
      const signer = new LinkSigner(config.LINK_SIGNING_KEYS);
      const context = {
        baseUrl: config.PUBLIC_BASE_URL,
        signer,
        subscriberId: options.subscriber,
        editionId: options.edition,
        sentAt: null,
      };
      try {
        console.log(await signedLink(context, options.url, options.kind as LinkKind, options.article ?? null, null));
      } catch (error) {
        if (error instanceof LinkError) throw new CliError(`--url: ${error.message}`, 2);
        throw error;
      }
    });
}
