import { ConnectionError } from './errors';
import { parseProxyJump } from './ssh-connection';

describe('parseProxyJump', () => {
  it('takes the user and port of the target when the jump host names none', () => {
    expect(parseProxyJump('bastion', 'alice')).toEqual({ user: 'alice', host: 'bastion', port: 22 });
  });

  it('reads user@host:port', () => {
    expect(parseProxyJump('bob@bastion.example.org:2201', 'alice')).toEqual({
      user: 'bob',
      host: 'bastion.example.org',
      port: 2201,
    });
  });

  it('reads an IPv6 address in brackets, with or without a port', () => {
    expect(parseProxyJump('[2001:db8::1]:2222', 'alice')).toEqual({ user: 'alice', host: '2001:db8::1', port: 2222 });
    expect(parseProxyJump('bob@[::1]', 'alice')).toEqual({ user: 'bob', host: '::1', port: 22 });
  });

  it('ignores surrounding whitespace', () => {
    expect(parseProxyJump('  bastion:2200 ', 'alice')).toEqual({ user: 'alice', host: 'bastion', port: 2200 });
  });

  it('refuses a chain of jump hosts, naming the setting', () => {
    const refusal = () => parseProxyJump('hop1,hop2', 'alice');
    expect(refusal).toThrow(ConnectionError);
    expect(refusal).toThrow('proxyJump "hop1,hop2": only one jump host is supported');
  });

  it.each(['', 'bastion:ssh', 'a@b@c', 'host:22:33', '2001:db8::1'])('refuses %j as not [user@]host[:port]', (spec) => {
    expect(() => parseProxyJump(spec, 'alice')).toThrow(expect.objectContaining({ code: 'BAD_PROXY_JUMP' }));
  });
});
