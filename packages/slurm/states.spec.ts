import { isFinal, isSuccess, isTransient, normalizeState, type SlurmState } from './states';

describe('normalizeState', () => {
  it.each<[string, SlurmState]>([
    ['COMPLETED', 'COMPLETED'],
    ['CANCELLED by 0', 'CANCELLED'],
    ['CANCELLED by 1000', 'CANCELLED'],
    ['  RUNNING  ', 'RUNNING'],
    ['running', 'RUNNING'],
    ['OUT_OF_MEMORY', 'OUT_OF_MEMORY'],
    ['OUT_OF_ME+', 'OUT_OF_MEMORY'],
    ['CANCELLED+', 'CANCELLED'],
    ['NODE_FA+', 'NODE_FAIL'],
    ['PD', 'PENDING'],
    ['CG', 'COMPLETING'],
    ['OOM', 'OUT_OF_MEMORY'],
    ['TO', 'TIMEOUT'],
    ['REQUEUE_HOLD', 'REQUEUED'],
    ['SPECIAL_EXIT', 'REQUEUED'],
    ['RESIZING', 'RUNNING'],
    ['STAGE_OUT', 'COMPLETING'],
    ['STOPPED', 'SUSPENDED'],
    ['REVOKED', 'CANCELLED'],
    ['DEADLINE', 'DEADLINE'],
  ])('%j -> %s', (raw, state) => {
    expect(normalizeState(raw)).toBe(state);
  });

  it.each(['', 'BOGUS', 'COMPLET+', '+', 'X+'])('%j -> UNKNOWN (unreadable or ambiguous)', (raw) => {
    expect(normalizeState(raw)).toBe('UNKNOWN');
  });
});

describe('state classes', () => {
  const finals: SlurmState[] = [
    'COMPLETED',
    'FAILED',
    'OUT_OF_MEMORY',
    'TIMEOUT',
    'CANCELLED',
    'NODE_FAIL',
    'BOOT_FAIL',
    'PREEMPTED',
    'DEADLINE',
  ];
  const notFinal: SlurmState[] = [
    'PENDING',
    'RUNNING',
    'CONFIGURING',
    'COMPLETING',
    'SUSPENDED',
    'REQUEUED',
    'UNKNOWN',
  ];

  it.each(finals)('%s is final', (state) => expect(isFinal(state)).toBe(true));
  it.each(notFinal)('%s is not final', (state) => expect(isFinal(state)).toBe(false));

  it('only COMPLETED is a success', () => {
    expect([...finals, ...notFinal].filter(isSuccess)).toEqual(['COMPLETED']);
  });

  it('infrastructure failures are transient', () => {
    expect([...finals, ...notFinal].filter(isTransient)).toEqual(['NODE_FAIL', 'BOOT_FAIL', 'PREEMPTED']);
  });
});
