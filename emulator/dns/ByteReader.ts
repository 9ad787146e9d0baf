/**
 * A drop-in source for dns2's decoders (`Packet.Header.parse(reader)`, `Packet.Question.parse
 * (reader)`): the same `read(bits)` / bit `offset` interface as dns2 3.0.0's Packet.Reader,
 * which converts every byte to an array of bits first, but reading whole bytes when aligned.
 * Reading past the end throws a RangeError, as dns2's does.
 */
export class ByteReader {
  /** Position in bits (dns2's name decoder sets it to follow compression pointers). */
  offset = 0;

  constructor(private readonly buffer: Buffer) {}

  read(size: number): number {
    let value = 0;
    if ((this.offset & 7) === 0 && (size & 7) === 0) {
      let byte = this.offset >> 3;
      if (byte + size / 8 > this.buffer.length) throw new RangeError('read past the end of the message');
      for (let i = 0; i < size; i += 8) value = value * 256 + this.buffer[byte++]!;
    } else {
      if (this.offset + size > this.buffer.length * 8) throw new RangeError('read past the end of the message');
      for (let i = 0; i < size; i++) {
        const bit = this.offset + i;
        value = value * 2 + ((this.buffer[bit >> 3]! >> (7 - (bit & 7))) & 1);
      }
    }
    this.offset += size;
    return value;
  }
}
