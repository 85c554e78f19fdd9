import type { TrieLeaf } from './node.js';

/** A leaf holding plain value bytes: for tries whose values are not objects of their own (contract storage, tests). */
export class ValueLeaf implements TrieLeaf {
  hashSlot = -1;
  hashValid = false;

  constructor(
    readonly key: string,
    readonly value: Uint8Array,
  ) {}

  get maxValueBytes(): number {
    return this.value.length;
  }

  writeValue(out: Uint8Array, offset: number): number {
    out.set(this.value, offset);
    return offset + this.value.length;
  }
}
