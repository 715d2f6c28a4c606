import { BitVectorClasses, type ClassVectors } from './bit-vector-classes.js';
import { ClassifierError } from '../../src/dataplane/classifier/classifier-error.js';

/** Cap on word ANDs for one cross product, so pathological port lists fail loudly instead of hanging. */
const MAX_WORK = 1 << 28;

/**
 * Interns the AND of every class pair of two fields (an RFC phase) and returns the pair -> class table,
 * a-major. Only words that are non-zero in both summaries are intersected.
 */
export function crossProduct(
  a: ClassVectors,
  countA: number,
  b: ClassVectors,
  countB: number,
  store: BitVectorClasses,
): Int32Array {
  const { words, summaryWords } = store;
  if (countA * countB * words > MAX_WORK) {
    throw new ClassifierError(
      'too-complex',
      `cross product of ${countA}x${countB} service classes is too large`,
    );
  }
  const vector = new Int32Array(words);
  const summary = new Int32Array(summaryWords);
  const table = new Int32Array(countA * countB);
  for (let i = 0; i < countA; i++) {
    for (let j = 0; j < countB; j++) {
      vector.fill(0);
      summary.fill(0);
      let hash = 0x811c9dc5;
      for (let s = 0; s < summaryWords; s++) {
        let both = a.summaries[i * summaryWords + s]! & b.summaries[j * summaryWords + s]!;
        while (both !== 0) {
          const lowest = both & -both;
          both ^= lowest;
          const w = (s << 5) + 31 - Math.clz32(lowest);
          const x = a.vectors[i * words + w]! & b.vectors[j * words + w]!;
          if (x === 0) continue;
          vector[w] = x;
          summary[s]! |= lowest;
          hash = Math.imul(Math.imul(hash ^ w, 0x01000193) ^ x, 0x01000193);
        }
      }
      table[i * countB + j] = store.intern(vector, hash & 0x3fffffff, summary);
    }
  }
  return table;
}
