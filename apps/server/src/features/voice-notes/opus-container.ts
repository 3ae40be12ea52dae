import type { VoiceNoteContentType } from '@gapal/shared';

const EBML_MAGIC = Buffer.from([0x1a, 0x45, 0xdf, 0xa3]);
const WEBM_OPUS_CODEC = Buffer.from('A_OPUS', 'latin1');
const OGG_MAGIC = Buffer.from('OggS', 'latin1');
const OPUS_HEAD = Buffer.from('OpusHead', 'latin1');
/** The codec id sits in the Tracks element, before the first Cluster: within the first kilobytes. */
const WEBM_HEADER_SCAN_BYTES = 16 * 1024;
/** An Ogg page header: 27 bytes, then one lacing value per segment (the count is byte 26). */
const OGG_PAGE_HEADER_BYTES = 27;

/**
 * Whether `bytes` are Opus in the container `mediaType` names: WebM (the EBML magic, then the
 * track's `A_OPUS` codec id) or Ogg (a first page whose packet is the `OpusHead` header).
 * Only the headers are read, not the audio: this tells a voice note from another file sent with
 * an audio type, it does not decode it.
 */
export function isOpusIn(mediaType: VoiceNoteContentType, bytes: Buffer): boolean {
  return mediaType === 'audio/webm' ? isWebmOpus(bytes) : isOggOpus(bytes);
}

function isWebmOpus(bytes: Buffer): boolean {
  return (
    bytes.subarray(0, 4).equals(EBML_MAGIC) &&
    bytes.subarray(0, WEBM_HEADER_SCAN_BYTES).includes(WEBM_OPUS_CODEC)
  );
}

function isOggOpus(bytes: Buffer): boolean {
  if (bytes.length < OGG_PAGE_HEADER_BYTES || !bytes.subarray(0, 4).equals(OGG_MAGIC)) return false;
  const payload = OGG_PAGE_HEADER_BYTES + (bytes[26] ?? 0);
  return bytes.subarray(payload, payload + OPUS_HEAD.length).equals(OPUS_HEAD);
}
