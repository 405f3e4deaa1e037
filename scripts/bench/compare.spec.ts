import { nxStatusAnswer } from './compare';

describe('nxStatusAnswer', () => {
  const table = (state42: string, exit42: string, failed: number) =>
    [
      'index  arguments  state      exit  elapsed  node   job',
      '41     --i 41     COMPLETED  0     0:01     node1  700_41',
      `42     --i 42     ${state42.padEnd(9)}  ${exit42.padEnd(4)}  0:01     node2  700_42`,
      `bench-done100: ${100 - failed}/100 done, 0 running, 0 pending, ${failed} failed`,
    ].join('\n');

  it('is right when index 42 failed with exit 3 and the other 99 completed', () => {
    expect(nxStatusAnswer(table('FAILED', '3', 1))).toEqual({
      right: true,
      said: '99/100 done, 1 failed; index 42: FAILED exit 3',
    });
  });

  it('is wrong when the failure is missed', () => {
    expect(nxStatusAnswer(table('COMPLETED', '0', 0)).right).toBe(false);
  });
});
