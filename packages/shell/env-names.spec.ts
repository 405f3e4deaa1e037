import { ENV_NAME, isReservedEnvName } from './env-names';

describe('environment names', () => {
  it.each(['A', '_x', 'WANDB_MODE', 'a1'])('accepts %s as a variable name', (name) => {
    expect(ENV_NAME.test(name)).toBe(true);
  });

  it.each(['', '1A', 'A-B', 'A B', 'É'])('refuses %j as a variable name', (name) => {
    expect(ENV_NAME.test(name)).toBe(false);
  });

  it('reserves what nx-slurm and Slurm set, and nothing that merely contains it', () => {
    expect(isReservedEnvName('NX_SLURM_INDEX')).toBe(true);
    expect(isReservedEnvName('SLURM_ARRAY_TASK_ID')).toBe(true);
    expect(isReservedEnvName('MY_SLURM_THING')).toBe(false);
    expect(isReservedEnvName('slurm_lowercase')).toBe(false);
  });
});
