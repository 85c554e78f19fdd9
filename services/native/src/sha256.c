/*
 * Batched SHA-256 for the hot paths of the ledger (trie nodes, Merkle levels, transaction ids).
 *
 * Why native: a block of 100,000 transfers needs about 800,000 SHA-256 of 33–550 bytes. Through
 * node:crypto each one costs ~0.7 us, almost all of it call overhead (JS -> C++ -> EVP, a new
 * Buffer per digest), so hashing alone would take most of a second per block. Here one call
 * hashes a whole batch of spans of one input buffer into caller-owned memory, and the
 * compression runs on the x86 SHA extensions when the CPU has them (~30 ns per 64-byte block),
 * with a portable C version otherwise. Both are checked against node:crypto by the tests.
 */
#include <node_api.h>
#include <stdint.h>
#include <string.h>
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#include <immintrin.h>
#define HAVE_X86 1
#endif

static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

static const uint32_t IV[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                               0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};

typedef void (*compress_fn)(uint32_t state[8], const uint8_t *data, size_t blocks);

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

/* FIPS 180-4 §6.2.2, one 64-byte block at a time. */
static void compress_portable(uint32_t s[8], const uint8_t *p, size_t blocks) {
  uint32_t w[64];
  while (blocks--) {
    for (int i = 0; i < 16; i++)
      w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
    for (int i = 16; i < 64; i++) {
      uint32_t s0 = ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^ (w[i - 15] >> 3);
      uint32_t s1 = ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^ (w[i - 2] >> 10);
      w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    uint32_t a = s[0], b = s[1], c = s[2], d = s[3], e = s[4], f = s[5], g = s[6], h = s[7];
    for (int i = 0; i < 64; i++) {
      uint32_t t1 = h + (ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i];
      uint32_t t2 = (ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
      h = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
    }
    s[0] += a; s[1] += b; s[2] += c; s[3] += d; s[4] += e; s[5] += f; s[6] += g; s[7] += h;
    p += 64;
  }
}

#ifdef HAVE_X86
/*
 * The same compression with the SHA-NI instructions, after Intel's reference code ("Intel SHA
 * Extensions", 2013). The state is kept as ABEF/CDGH halves, as sha256rnds2 wants it; each group
 * of four rounds adds K to four schedule words and runs two double-rounds.
 */
__attribute__((target("sha,sse4.1,ssse3"))) static void compress_shani(uint32_t s[8], const uint8_t *p, size_t blocks) {
  const __m128i MASK = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
  __m128i tmp = _mm_loadu_si128((const __m128i *)&s[0]);
  __m128i st1 = _mm_loadu_si128((const __m128i *)&s[4]);
  tmp = _mm_shuffle_epi32(tmp, 0xB1);          /* CDAB */
  st1 = _mm_shuffle_epi32(st1, 0x1B);          /* EFGH */
  __m128i st0 = _mm_alignr_epi8(tmp, st1, 8);  /* ABEF */
  st1 = _mm_blend_epi16(st1, tmp, 0xF0);       /* CDGH */
  while (blocks--) {
    const __m128i abef = st0, cdgh = st1;
    __m128i w[4];
    for (int g = 0; g < 16; g++) {
      __m128i m;
      if (g < 4) {
        m = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 16 * g)), MASK);
      } else {
        /* W[g] from W[g-4..g-1]: msg1(W[g-4], W[g-3]) + alignr(W[g-1], W[g-2]), then msg2 with W[g-1]. */
        m = _mm_sha256msg1_epu32(w[g & 3], w[(g + 1) & 3]);
        m = _mm_add_epi32(m, _mm_alignr_epi8(w[(g + 3) & 3], w[(g + 2) & 3], 4));
        m = _mm_sha256msg2_epu32(m, w[(g + 3) & 3]);
      }
      w[g & 3] = m;
      __m128i k = _mm_add_epi32(m, _mm_loadu_si128((const __m128i *)&K[4 * g]));
      st1 = _mm_sha256rnds2_epu32(st1, st0, k);
      st0 = _mm_sha256rnds2_epu32(st0, st1, _mm_shuffle_epi32(k, 0x0E));
    }
    st0 = _mm_add_epi32(st0, abef);
    st1 = _mm_add_epi32(st1, cdgh);
    p += 64;
  }
  tmp = _mm_shuffle_epi32(st0, 0x1B);          /* FEBA */
  st1 = _mm_shuffle_epi32(st1, 0xB1);          /* DCHG */
  st0 = _mm_blend_epi16(tmp, st1, 0xF0);       /* DCBA */
  st1 = _mm_alignr_epi8(st1, tmp, 8);          /* ABEF */
  _mm_storeu_si128((__m128i *)&s[0], st0);
  _mm_storeu_si128((__m128i *)&s[4], st1);
}

static int cpu_has_shani(void) {
  unsigned a, b, c, d;
  if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
  int ssse3 = (c >> 9) & 1, sse41 = (c >> 19) & 1;
  if (__get_cpuid_max(0, 0) < 7) return 0;
  __cpuid_count(7, 0, a, b, c, d);
  return ssse3 && sse41 && ((b >> 29) & 1);
}
#endif

static compress_fn best_compress = compress_portable;
static compress_fn active_compress = compress_portable;

/* One whole message: full blocks straight from the input, then the padded tail. */
static void sha256_one(compress_fn compress, const uint8_t *msg, size_t len, uint8_t *out) {
  uint32_t s[8];
  memcpy(s, IV, sizeof s);
  size_t full = len / 64;
  if (full) compress(s, msg, full);
  uint8_t tail[128];
  size_t rest = len - full * 64;
  memcpy(tail, msg + full * 64, rest);
  tail[rest] = 0x80;
  size_t tail_len = rest + 9 <= 64 ? 64 : 128;
  memset(tail + rest + 1, 0, tail_len - rest - 9);
  uint64_t bits = (uint64_t)len * 8;
  for (int i = 0; i < 8; i++) tail[tail_len - 1 - i] = (uint8_t)(bits >> (8 * i));
  compress(s, tail, tail_len / 64);
  for (int i = 0; i < 8; i++) {
    out[4 * i] = (uint8_t)(s[i] >> 24);
    out[4 * i + 1] = (uint8_t)(s[i] >> 16);
    out[4 * i + 2] = (uint8_t)(s[i] >> 8);
    out[4 * i + 3] = (uint8_t)s[i];
  }
}

static napi_value throw_range(napi_env env, const char *msg) {
  napi_throw_range_error(env, "ERR_SHA256_BATCH", msg);
  return NULL;
}

static int typed_array(napi_env env, napi_value v, napi_typedarray_type want, void **data, size_t *length) {
  bool is;
  if (napi_is_typedarray(env, v, &is) != napi_ok || !is) return 0;
  napi_typedarray_type t;
  napi_value ab;
  size_t off;
  if (napi_get_typedarray_info(env, v, &t, length, data, &ab, &off) != napi_ok) return 0;
  return t == want;
}

/*
 * sha256Spans(input: Uint8Array, spans: Uint32Array, count: number, out: Uint8Array, slots: Uint32Array | null)
 * Digest i is SHA-256 of input[spans[2i], spans[2i+1]); it is written at out[32 * (slots ? slots[i] : i)].
 * Every span and slot is checked before anything is hashed, so bad arguments change nothing.
 */
static napi_value sha256_spans(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 5) return throw_range(env, "sha256Spans needs 5 arguments");
  uint8_t *input, *out;
  uint32_t *spans, *slots = NULL;
  size_t input_len, spans_len, out_len, slots_len = 0;
  uint32_t count;
  if (!typed_array(env, argv[0], napi_uint8_array, (void **)&input, &input_len)) return throw_range(env, "input must be a Uint8Array");
  if (!typed_array(env, argv[1], napi_uint32_array, (void **)&spans, &spans_len)) return throw_range(env, "spans must be a Uint32Array");
  if (napi_get_value_uint32(env, argv[2], &count) != napi_ok) return throw_range(env, "count must be a number");
  if (!typed_array(env, argv[3], napi_uint8_array, (void **)&out, &out_len)) return throw_range(env, "out must be a Uint8Array");
  napi_valuetype slots_type;
  napi_typeof(env, argv[4], &slots_type);
  if (slots_type != napi_null && slots_type != napi_undefined) {
    if (!typed_array(env, argv[4], napi_uint32_array, (void **)&slots, &slots_len)) return throw_range(env, "slots must be a Uint32Array or null");
    if (slots_len < count) return throw_range(env, "fewer slots than count");
  }
  if (spans_len < 2 * (size_t)count) return throw_range(env, "fewer spans than count");
  for (uint32_t i = 0; i < count; i++) {
    if (spans[2 * i] > spans[2 * i + 1] || spans[2 * i + 1] > input_len) return throw_range(env, "span outside the input");
    size_t at = slots ? (size_t)slots[i] : i;
    if ((at + 1) * 32 > out_len) return throw_range(env, "digest slot outside out");
  }
  const compress_fn compress = active_compress;
  for (uint32_t i = 0; i < count; i++) {
    size_t at = slots ? (size_t)slots[i] : i;
    sha256_one(compress, input + spans[2 * i], spans[2 * i + 1] - spans[2 * i], out + 32 * at);
  }
  return NULL;
}

/* implementation(): "sha-ni" or "portable" — what sha256Spans uses now. */
static napi_value implementation(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value s;
  napi_create_string_utf8(env, active_compress == compress_portable ? "portable" : "sha-ni", NAPI_AUTO_LENGTH, &s);
  return s;
}

/* usePortable(flag): tests force the portable path so both are checked on a machine with SHA-NI. */
static napi_value use_portable(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  bool flag = false;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc >= 1) napi_get_value_bool(env, argv[0], &flag);
  active_compress = flag ? compress_portable : best_compress;
  return NULL;
}

NAPI_MODULE_INIT() {
#ifdef HAVE_X86
  if (cpu_has_shani()) best_compress = compress_shani;
#endif
  active_compress = best_compress;
  napi_property_descriptor props[] = {
      {"sha256Spans", NULL, sha256_spans, NULL, NULL, NULL, napi_enumerable, NULL},
      {"implementation", NULL, implementation, NULL, NULL, NULL, napi_enumerable, NULL},
      {"usePortable", NULL, use_portable, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}
