/**
 * A small, valid Ogg Opus file built in code (no encoder on the test machines): the `OpusHead`
 * and `OpusTags` pages, then `seconds` of digital silence as 20 ms CELT frames (`F8 FF FE`, what
 * libopus writes for silence). Browsers decode it and read its length from the last granule
 * position, so an `<audio>` element reports a duration. Each call with a different `seed` gives
 * other bytes (the comment differs), for idempotency tests.
 */
export function oggOpus(options: { seconds?: number; seed?: string } = {}): Buffer {
  const { seconds = 1, seed = '' } = options;
  const serial = 0x4761_7061;
  const preSkip = 312;
  const head = Buffer.alloc(19);
  head.write('OpusHead', 0, 'latin1');
  head.writeUInt8(1, 8); // version
  head.writeUInt8(1, 9); // mono
  head.writeUInt16LE(preSkip, 10);
  head.writeUInt32LE(48_000, 12); // input sample rate
  head.writeInt16LE(0, 16); // output gain
  head.writeUInt8(0, 18); // channel mapping family
  const vendor = Buffer.from('gapal-test', 'latin1');
  const comment = Buffer.from(`seed=${seed}`, 'utf8');
  const tags = Buffer.concat([
    Buffer.from('OpusTags', 'latin1'),
    uint32(vendor.length),
    vendor,
    uint32(1),
    uint32(comment.length),
    comment,
  ]);
  const frames = Math.max(1, Math.round((seconds * 1000) / 20));
  const silence = Buffer.from([0xf8, 0xff, 0xfe]);
  const audioPages: Buffer[] = [];
  // At most 255 packets (one lacing value each) per page.
  for (let first = 0; first < frames; first += 255) {
    const count = Math.min(255, frames - first);
    const last = first + count >= frames;
    const granule = preSkip + (first + count) * 960;
    audioPages.push(
      oggPage(serial, 2 + audioPages.length, granule, last ? 0x04 : 0, Array(count).fill(silence)),
    );
  }
  return Buffer.concat([
    oggPage(serial, 0, 0, 0x02, [head]),
    oggPage(serial, 1, 0, 0, [tags]),
    ...audioPages,
  ]);
}

function uint32(value: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeUInt32LE(value);
  return buffer;
}

/** One Ogg page holding whole packets, each shorter than 255 bytes. */
function oggPage(
  serial: number,
  sequence: number,
  granule: number,
  flags: number,
  packets: Buffer[],
): Buffer {
  const header = Buffer.alloc(27 + packets.length);
  header.write('OggS', 0, 'latin1');
  header.writeUInt8(0, 4);
  header.writeUInt8(flags, 5);
  header.writeBigUInt64LE(BigInt(granule), 6);
  header.writeUInt32LE(serial, 14);
  header.writeUInt32LE(sequence, 18);
  header.writeUInt32LE(0, 22); // checksum, filled below
  header.writeUInt8(packets.length, 26);
  packets.forEach((packet, index) => {
    if (packet.length >= 255) throw new Error('oggPage: packets must be shorter than 255 bytes');
    header.writeUInt8(packet.length, 27 + index);
  });
  const page = Buffer.concat([header, ...packets]);
  page.writeUInt32LE(oggCrc(page), 22);
  return page;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, index) => {
  let crc = index << 24;
  for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000_0000 ? (crc << 1) ^ 0x04c1_1db7 : crc << 1;
  return crc >>> 0;
});

/** Ogg's CRC-32 (polynomial 0x04C11DB7, not reflected, initial 0). */
function oggCrc(bytes: Buffer): number {
  let crc = 0;
  for (const byte of bytes) crc = ((crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ byte) & 0xff]!) >>> 0;
  return crc;
}

/** A WebM header naming the Opus codec, enough for the server's container check (not playable). */
export function webmOpusHeader(): Buffer {
  return Buffer.concat([
    Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x82, 0x84]),
    Buffer.from('webm', 'latin1'),
    Buffer.from([0x86, 0x86]),
    Buffer.from('A_OPUS', 'latin1'),
  ]);
}
