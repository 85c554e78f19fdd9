import { describeSignatureDifferential } from './support/signatureDifferential.js';

// One of four files (1..4) with distinct fixed seeds, split so that jest can run them on separate
// workers: together they check 100,840 cases. A failure prints this seed and the failing case.
describeSignatureDifferential(0x5eed0004);
