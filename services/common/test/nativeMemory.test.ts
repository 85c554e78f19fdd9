import { nodeProcessEnv } from '../src/nativeMemory.js';

describe('the environment of the node processes we start', () => {
  it('when the operator set nothing, then glibc is held to two malloc arenas; the rest of the environment passes through', () => {
    expect(nodeProcessEnv({ PATH: '/bin' })).toEqual({ PATH: '/bin', MALLOC_ARENA_MAX: '2' });
  });

  it('when the operator set MALLOC_ARENA_MAX, then their value is kept', () => {
    expect(nodeProcessEnv({ MALLOC_ARENA_MAX: '4' })['MALLOC_ARENA_MAX']).toBe('4');
  });
});
