/** The fingerprints of sweeps, trials and data live in core (the data layer names its splits with them too). */
export { canonicalJson, hashArrays, hashText } from '../core/hash.js';
