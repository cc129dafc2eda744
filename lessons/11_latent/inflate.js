// Lesson 11's explorer page: unpacks the zlib streams (RFC 1950/1951) that given_explorer.cpp
// writes with zlib's compress2, synchronously, so the page is drawn before its load event (a
// browser's DecompressionStream is asynchronous). Follows zlib's contrib/puff, with a table
// lookup per Huffman code; the Adler-32 checksum and the expected size catch a damaged page.
"use strict";
const INFLATE = (() => {
  const LBASE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83,
                 99, 115, 131, 163, 195, 227, 258];
  const LEXT = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
  const DBASE = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769,
                 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577];
  const DEXT = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11,
                12, 12, 13, 13];
  const ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];
  const fail = (what) => { throw new Error("inflate: " + what + " (the page is damaged: write it again)"); };

  // A canonical Huffman code from its code lengths, as a table indexed by the next `bits` bits of
  // the stream (codes are stored first bit first, so each code is entered bit-reversed, repeated
  // for every value of the bits after it): entry = symbol << 4 | code length (0: no such code).
  function huffman(lengths) {
    const count = new Uint16Array(16), next = new Uint16Array(16);
    for (const l of lengths) count[l]++;
    count[0] = 0;
    let bits = 1;
    for (let len = 1, code = 0; len < 16; ++len) {
      code = (code + count[len - 1]) << 1, next[len] = code;
      if (count[len]) bits = len;
    }
    const table = new Uint32Array(1 << bits);
    lengths.forEach((len, s) => {
      if (!len) return;
      let code = next[len]++, rev = 0;
      for (let k = 0; k < len; ++k) rev = (rev << 1) | (code & 1), code >>= 1;
      for (let k = rev; k < table.length; k += 1 << len) table[k] = (s << 4) | len;
    });
    return { table, mask: table.length - 1 };
  }
  const fixedLit = huffman(Array.from({ length: 288 }, (_, s) => s < 144 ? 8 : s < 256 ? 9 : s < 280 ? 7 : 8));
  const fixedDist = huffman(new Array(30).fill(5));

  // The raw deflate stream src[pos..] into out, which must come out exactly full.
  function inflateRaw(src, pos, out) {
    let buf = 0, cnt = 0, o = 0;
    const bits = (n) => {
      while (cnt < n) {
        if (pos >= src.length) fail("the data ends early");
        buf |= src[pos++] << cnt, cnt += 8;
      }
      const v = buf & ((1 << n) - 1);
      buf >>>= n, cnt -= n;
      return v;
    };
    const decode = (h) => {
      while (cnt < 16 && pos < src.length) buf |= src[pos++] << cnt, cnt += 8;
      const e = h.table[buf & h.mask], len = e & 15;
      if (len === 0 || len > cnt) fail("a code that is not in the table");
      buf >>>= len, cnt -= len;
      return e >> 4;
    };
    function dynamicTables() {
      const nlen = bits(5) + 257, ndist = bits(5) + 1, ncode = bits(4) + 4;
      const lengths = new Array(19).fill(0);
      for (let i = 0; i < ncode; ++i) lengths[ORDER[i]] = bits(3);
      const lencode = huffman(lengths), all = [];
      while (all.length < nlen + ndist) {
        const sym = decode(lencode);
        if (sym < 16) { all.push(sym); continue; }
        const [value, repeat] = sym === 16 ? [all.length ? all[all.length - 1] : fail("a repeat with nothing before it"), 3 + bits(2)]
          : sym === 17 ? [0, 3 + bits(3)] : [0, 11 + bits(7)];
        for (let k = 0; k < repeat; ++k) all.push(value);
      }
      if (all.length > nlen + ndist) fail("too many code lengths");
      return [huffman(all.slice(0, nlen)), huffman(all.slice(nlen))];
    }
    for (let last = 0; !last;) {
      last = bits(1);
      const type = bits(2);
      if (type === 0) {  // stored: byte-aligned LEN, NLEN, then LEN bytes
        pos -= (cnt - (cnt & 7)) >> 3, buf = 0, cnt = 0;  // give back the whole bytes read ahead
        const len = src[pos] | (src[pos + 1] << 8);
        if (pos + 4 + len > src.length || (len ^ (src[pos + 2] | (src[pos + 3] << 8))) !== 0xffff) fail("a bad stored block");
        if (o + len > out.length) fail("more data than expected");
        out.set(src.subarray(pos + 4, pos + 4 + len), o);
        pos += 4 + len, o += len;
        continue;
      }
      if (type === 3) fail("an unknown block type");
      const [lit, dist] = type === 1 ? [fixedLit, fixedDist] : dynamicTables();
      for (let sym = decode(lit); sym !== 256; sym = decode(lit)) {
        if (sym < 256) {
          if (o >= out.length) fail("more data than expected");
          out[o++] = sym;
          continue;
        }
        if ((sym -= 257) >= 29) fail("a bad length code");
        const len = LBASE[sym] + bits(LEXT[sym]), d = decode(dist);
        if (d >= 30) fail("a bad distance code");
        const back = DBASE[d] + bits(DEXT[d]);
        if (back > o || o + len > out.length) fail("a copy outside the data");
        for (let k = 0; k < len; ++k, ++o) out[o] = out[o - back];
      }
    }
    if (o !== out.length) fail(`${o} bytes where ${out.length} were expected`);
  }

  // A zlib stream (2-byte header, deflate data, Adler-32) -> its `size` bytes.
  return function inflate(src, size) {
    if (src.length < 6 || (src[0] & 15) !== 8 || ((src[0] << 8) | src[1]) % 31 || src[1] & 32) fail("not a zlib stream");
    const out = new Uint8Array(size);
    inflateRaw(src, 2, out);
    let a = 1, b = 0;
    for (let i = 0; i < size;) {
      for (const end = Math.min(size, i + 5552); i < end; ++i) a += out[i], b += a;
      a %= 65521, b %= 65521;
    }
    const n = src.length, want = ((src[n - 4] << 24) | (src[n - 3] << 16) | (src[n - 2] << 8) | src[n - 1]) >>> 0;
    if ((((b << 16) | a) >>> 0) !== want) fail("the checksum does not match");
    return out;
  };
})();
