/**
 * A drop-in sink for dns2's encoders (`packet.toBuffer(new ByteWriter())`). dns2 3.0.0's own
 * Packet.Writer keeps one array element per *bit* and rebuilds bytes by joining strings, so
 * a response with an NS authority section costs over half a millisecond to encode. This
 * writer has the same bit-level interface (write, bitLength, byteLength, patch, toBuffer,
 * the `names` compression table) but writes whole bytes straight into a Buffer whenever the
 * position is byte-aligned, which DNS fields almost always are.
 */
export class ByteWriter {
  /** dns2's name-compression table (suffix → byte offset); Packet.toBuffer fills it. */
  names?: Map<string, number>;
  private bytes = Buffer.alloc(512);
  private bits = 0;

  write(value: number, size: number): void {
    if ((this.bits & 7) === 0 && (size & 7) === 0) {
      this.ensure(this.bits + size);
      let offset = this.bits >> 3;
      for (let shift = size - 8; shift >= 0; shift -= 8) {
        this.bytes[offset++] = Math.floor(value / 2 ** shift) & 0xff;
      }
      this.bits += size;
      return;
    }
    this.ensure(this.bits + size);
    for (let i = size - 1; i >= 0; i--) this.setBit(this.bits++, Math.floor(value / 2 ** i) & 1);
  }

  /** Appends another writer's bits (dns2's writers keep them as a `buffer` array of 0/1). */
  writeBuffer(other: { buffer: number[] } | ByteWriter): void {
    if (other instanceof ByteWriter) {
      for (let i = 0; i < other.bits; i++) this.write(other.bit(i), 1);
      return;
    }
    for (const b of other.buffer) this.write(b, 1);
  }

  bitLength(): number {
    return this.bits;
  }

  byteLength(): number {
    return this.bits / 8;
  }

  patch(bitOffset: number, value: number, size: number): void {
    if ((bitOffset & 7) === 0 && (size & 7) === 0) {
      let offset = bitOffset >> 3;
      for (let shift = size - 8; shift >= 0; shift -= 8) this.bytes[offset++] = Math.floor(value / 2 ** shift) & 0xff;
      return;
    }
    for (let i = 0; i < size; i++) this.setBit(bitOffset + i, Math.floor(value / 2 ** (size - i - 1)) & 1);
  }

  toBuffer(): Buffer {
    return Buffer.from(this.bytes.subarray(0, Math.ceil(this.bits / 8)));
  }

  private bit(index: number): number {
    return (this.bytes[index >> 3]! >> (7 - (index & 7))) & 1;
  }

  private setBit(index: number, value: number): void {
    const mask = 1 << (7 - (index & 7));
    if (value) this.bytes[index >> 3]! |= mask;
    else this.bytes[index >> 3]! &= ~mask;
  }

  private ensure(bits: number): void {
    const needed = Math.ceil(bits / 8);
    if (needed <= this.bytes.length) return;
    const grown = Buffer.alloc(Math.max(needed, this.bytes.length * 2));
    this.bytes.copy(grown);
    this.bytes = grown;
  }
}
