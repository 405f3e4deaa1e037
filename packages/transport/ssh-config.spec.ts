import { parseSshConfig } from './ssh-config';

describe('parseSshConfig', () => {
  it('reads the settings of a matching Host block', () => {
    const lookup = parseSshConfig(`
Host hpc-login
  HostName login.hpc.example.edu
  User alice
  Port 2222
  IdentityFile ~/.ssh/id_hpc
  ProxyJump bastion
  UserKnownHostsFile ~/.ssh/known_hosts_hpc
  StrictHostKeyChecking accept-new
`);
    expect(lookup('hpc-login')).toEqual({
      hostName: 'login.hpc.example.edu',
      user: 'alice',
      port: 2222,
      identityFiles: ['~/.ssh/id_hpc'],
      proxyJump: 'bastion',
      userKnownHostsFile: '~/.ssh/known_hosts_hpc',
      strictHostKeyChecking: 'accept-new',
    });
  });

  it('knows nothing about a host no block matches', () => {
    expect(parseSshConfig('Host a\n  User x\n')('b')).toEqual({ identityFiles: [] });
  });

  it('keeps the first value obtained for each keyword', () => {
    const lookup = parseSshConfig(`
Host hpc
  User first
Host *
  User second
  Port 2200
`);
    expect(lookup('hpc')).toMatchObject({ user: 'first', port: 2200 });
    expect(lookup('other')).toMatchObject({ user: 'second', port: 2200 });
  });

  it('applies settings before any Host line to every host', () => {
    expect(parseSshConfig('User global\nHost a\n  User local\n')('a').user).toBe('global');
  });

  it('collects every IdentityFile in order', () => {
    const lookup = parseSshConfig('Host a\n  IdentityFile ~/one\nHost *\n  IdentityFile ~/two\n');
    expect(lookup('a').identityFiles).toEqual(['~/one', '~/two']);
  });

  it('matches *, ? and several patterns per line, ignoring case', () => {
    const lookup = parseSshConfig('Host *.hpc.edu node?? gpu\n  User u\n');
    expect(lookup('login.hpc.edu').user).toBe('u');
    expect(lookup('node01').user).toBe('u');
    expect(lookup('node1').user).toBeUndefined();
    expect(lookup('GPU').user).toBe('u');
    expect(lookup('hpc.edu').user).toBeUndefined();
  });

  it('treats pattern characters other than * and ? literally', () => {
    const lookup = parseSshConfig('Host a.b\n  User u\n');
    expect(lookup('a.b').user).toBe('u');
    expect(lookup('axb').user).toBeUndefined();
  });

  it('excludes a host matched by a negated pattern', () => {
    const lookup = parseSshConfig('Host * !bastion\n  ProxyJump bastion\n');
    expect(lookup('hpc').proxyJump).toBe('bastion');
    expect(lookup('bastion').proxyJump).toBeUndefined();
  });

  it('does not match on a negated pattern alone', () => {
    expect(parseSshConfig('Host !x\n  User u\n')('y').user).toBeUndefined();
  });

  it('skips Match blocks up to the next Host', () => {
    const lookup = parseSshConfig('Match host hpc exec "true"\n  User matched\nHost hpc\n  User hosted\n');
    expect(lookup('hpc').user).toBe('hosted');
  });

  it('accepts any keyword case, key=value and quoted values', () => {
    const lookup = parseSshConfig('HOST a\n  user=bob\n  hostname = "my host"\n  IDENTITYFILE "~/my key"\n  port=22\n');
    expect(lookup('a')).toEqual({ user: 'bob', hostName: 'my host', identityFiles: ['~/my key'], port: 22 });
  });

  it('ignores comments, blank lines, Include and unknown keywords', () => {
    const lookup = parseSshConfig(
      '# comment\n\nInclude ~/.ssh/config.d/*\nHost a\n  # User no\n  ForwardAgent yes\n  User yes\n',
    );
    expect(lookup('a')).toEqual({ user: 'yes', identityFiles: [] });
  });

  it('substitutes %h and %% in HostName', () => {
    const lookup = parseSshConfig('Host *\n  HostName %h.cluster.edu%%\n');
    expect(lookup('login1').hostName).toBe('login1.cluster.edu%');
  });

  it('turns ProxyJump none into no jump host, and it still wins as the first value', () => {
    const lookup = parseSshConfig('Host inside\n  ProxyJump none\nHost *\n  ProxyJump bastion\n');
    expect(lookup('inside').proxyJump).toBeUndefined();
    expect(lookup('outside').proxyJump).toBe('bastion');
  });

  it('ignores a port that is not a port number', () => {
    expect(parseSshConfig('Host a\n  Port ssh\n')('a').port).toBeUndefined();
  });

  it('lowercases StrictHostKeyChecking and takes the first known_hosts file', () => {
    const lookup = parseSshConfig('Host a\n  StrictHostKeyChecking No\n  UserKnownHostsFile ~/one ~/two\n');
    expect(lookup('a')).toMatchObject({ strictHostKeyChecking: 'no', userKnownHostsFile: '~/one' });
  });

  it('reads ServerAliveInterval in seconds, 0 included, and ignores what is not a number', () => {
    expect(parseSshConfig('Host a\n  ServerAliveInterval 30\n')('a').serverAliveInterval).toBe(30);
    expect(parseSshConfig('Host a\n  ServerAliveInterval 0\n')('a').serverAliveInterval).toBe(0);
    expect(parseSshConfig('Host a\n  ServerAliveInterval 1m\n')('a').serverAliveInterval).toBeUndefined();
  });

  it('handles Windows line endings', () => {
    expect(parseSshConfig('Host a\r\n  User u\r\n')('a').user).toBe('u');
  });
});
