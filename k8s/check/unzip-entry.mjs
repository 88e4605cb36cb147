#!/usr/bin/env node
// Extract one entry of a zip archive with Node's zlib alone (no unzip binary needed):
//   node unzip-entry.mjs ARCHIVE.zip ENTRY/NAME OUTPUT_FILE
// Handles stored and deflated entries of a plain (non-zip64) archive.
import { readFileSync, writeFileSync } from "node:fs";
import { inflateRawSync } from "node:zlib";

const [archive, entryName, output] = process.argv.slice(2);
if (!archive || !entryName || !output) {
  console.error("usage: node unzip-entry.mjs ARCHIVE.zip ENTRY OUTPUT");
  process.exit(2);
}
const buf = readFileSync(archive);

// End of central directory record: signature 0x06054b50, within the last 64 KiB + 22 bytes.
let eocd = -1;
for (let i = buf.length - 22; i >= Math.max(0, buf.length - 65557); i--) {
  if (buf.readUInt32LE(i) === 0x06054b50) { eocd = i; break; }
}
if (eocd < 0) throw new Error(`${archive}: not a zip archive`);
const count = buf.readUInt16LE(eocd + 10);
let p = buf.readUInt32LE(eocd + 16);

for (let n = 0; n < count; n++) {
  if (buf.readUInt32LE(p) !== 0x02014b50) throw new Error(`${archive}: bad central directory`);
  const method = buf.readUInt16LE(p + 10);
  const compressedSize = buf.readUInt32LE(p + 20);
  const size = buf.readUInt32LE(p + 24);
  const nameLen = buf.readUInt16LE(p + 28);
  const extraLen = buf.readUInt16LE(p + 30);
  const commentLen = buf.readUInt16LE(p + 32);
  const localOffset = buf.readUInt32LE(p + 42);
  const name = buf.toString("utf8", p + 46, p + 46 + nameLen);
  if (name === entryName) {
    if (buf.readUInt32LE(localOffset) !== 0x04034b50) throw new Error(`${archive}: bad local header`);
    const start = localOffset + 30 + buf.readUInt16LE(localOffset + 26) + buf.readUInt16LE(localOffset + 28);
    const raw = buf.subarray(start, start + compressedSize);
    let data;
    if (method === 0) data = raw;
    else if (method === 8) data = inflateRawSync(raw);
    else throw new Error(`${entryName}: unsupported compression method ${method}`);
    if (data.length !== size) throw new Error(`${entryName}: size ${data.length}, expected ${size}`);
    writeFileSync(output, data, { mode: 0o755 });
    process.exit(0);
  }
  p += 46 + nameLen + extraLen + commentLen;
}
console.error(`${archive}: no entry ${entryName}`);
process.exit(1);
