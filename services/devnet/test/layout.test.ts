import { ephemeralPortClash, parsePortRange, portSpan, type DevnetConfig } from '../src/layout.js';

const config = (basePort: number, receptionNodes = 8): DevnetConfig => ({
  chainId: 'c',
  receptionNodes,
  slotMs: 1000,
  batchMs: 300,
  committeeSize: 7,
  basePort,
  fundedAccounts: 4,
});

describe('devnet ports', () => {
  it('span from the logic node to the last reception node ops port', () => {
    expect(portSpan(config(7100))).toEqual([7100, 9207]);
    expect(portSpan(config(7100, 1))).toEqual([7100, 9200]);
  });

  it('clear the default ephemeral range at the default base port', () => {
    expect(ephemeralPortClash(portSpan(config(7100)), [32768, 60999])).toBeUndefined();
  });

  it('warn, naming a base port that fits, when any port falls in the ephemeral range', () => {
    const warning = ephemeralPortClash(portSpan(config(31_000)), [32768, 60999]);
    expect(warning).toContain('31000-33107');
    expect(warning).toContain('below 30660');
    expect(ephemeralPortClash(portSpan(config(60_000)), [32768, 60999])).toBeDefined();
    expect(ephemeralPortClash([30_000, 32_768], [32768, 60999])).toBeDefined();
    expect(ephemeralPortClash([30_000, 32_767], [32768, 60999])).toBeUndefined();
  });

  it('read the kernel range, and nothing from garbage', () => {
    expect(parsePortRange('32768\t60999\n')).toEqual([32768, 60999]);
    expect(parsePortRange('')).toBeUndefined();
    expect(parsePortRange('32768')).toBeUndefined();
  });
});
