// `run polylith COMPONENT` (also `dendrite-polylith-multi COMPONENT`): one component per process;
// they reach each other over their internal_api addresses and NATS JetStream.
import { Argument, Command } from 'commander';
import { COMPONENTS, type ComponentName } from '../config/types.ts';
import { loadForCommand } from './load.ts';
import { stopOnSignals } from './signals.ts';

export interface PolylithFlags {
  config: string;
  reallyEnableOpenRegistration?: boolean;
}

export async function runPolylith(component: ComponentName, flags: PolylithFlags): Promise<void> {
  const config = loadForCommand(flags.config, { mode: 'polylith', openRegistrationConfirmed: flags.reallyEnableOpenRegistration });
  const { startPolylith } = await import('../setup/polylith.ts');
  stopOnSignals(await startPolylith(config, component));
}

export function runPolylithCommand(): Command {
  return new Command('polylith')
    .description('run one component in this process (needs NATS JetStream and the internal_api addresses)')
    .addArgument(new Argument('<component>', 'the component to run').choices(COMPONENTS))
    .option('--config <file>', 'the config file', 'dendrite.yaml')
    .option('--really-enable-open-registration', 'allow client_api.registration_disabled: false with no captcha or token')
    .action(runPolylith);
}
