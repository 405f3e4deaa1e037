import { neverStartsBecause } from './pending-reasons';

describe('neverStartsBecause', () => {
  it.each([
    ['PartitionConfig', /resources\.cpusPerTask/],
    ['PartitionNodeLimit', /more nodes than the partition allows/],
    ['PartitionTimeLimit', /resources\.time is longer/],
    ['BadConstraints', /--constraint/],
    ['ReqNodeNotAvail, UnavailableNodes:node[1-2]', /down or drained/],
    ['InvalidAccount', /resources\.account/],
    ['InvalidQOS', /resources\.qos/],
    ['QOSMaxCpuPerJobLimit', /per-job limit/],
    ['AssocMaxWallDurationPerJobLimit', /per-job limit/],
  ])('%s can never clear by waiting', (reason, explanation) => {
    expect(neverStartsBecause(reason)).toMatch(explanation);
  });

  it.each([
    'Priority',
    'Resources',
    'JobArrayTaskLimit',
    'None',
    'Dependency',
    'QOSMaxJobsPerUserLimit',
    'AssocGrpCpuLimit',
    'ReqNodeNotAvail, Reserved for maintenance',
  ])('%s clears on its own', (reason) => {
    expect(neverStartsBecause(reason)).toBeUndefined();
  });

  it('knows nothing without a reason', () => {
    expect(neverStartsBecause(undefined)).toBeUndefined();
  });
});
