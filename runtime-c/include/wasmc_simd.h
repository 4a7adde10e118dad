/*
 * wasmc_simd.h: the C semantics of WebAssembly's 128-bit SIMD.
 *
 * One `static inline` function per instruction of fixed-width SIMD
 * (WebAssembly 2.0) and of relaxed SIMD (WebAssembly 3.0), named from the
 * instruction's text name: `wasmc_` + the name with '.' replaced by '_'
 * (`i8x16.add_sat_s` is `wasmc_i8x16_add_sat_s`). Values of type v128 are
 * `wasmc_v128`; i32 and i64 operands are `uint32_t` and `uint64_t`, f32 and
 * f64 operands `float` and `double`, as in the rest of wasmc's generated C.
 *
 * Semantics are exactly the specification's (WebAssembly 3.0, section
 * "Numerics"), including saturation, rounding (nearest: ties to even), -0 < +0
 * in min/max, shifts modulo the lane width and swizzle's out-of-range lanes.
 * Where the specification leaves a choice:
 *   - NaN results of float arithmetic are what the hardware gives; every
 *     function returns an arithmetic NaN (quiet bit set), and a canonical NaN
 *     when every NaN input is canonical, as the specification requires. The
 *     sign and payload may differ between x86-64 and aarch64 (so they may
 *     between any two engines).
 *   - Relaxed SIMD follows the deterministic profile (every choice is the
 *     first of the specification's list): relaxed_madd is a multiply and an
 *     add rounded separately (never fused), relaxed_trunc saturates like
 *     trunc_sat, relaxed_min/max are min/max, relaxed_swizzle is swizzle,
 *     relaxed_laneselect is bitselect, relaxed_q15mulr_s saturates like
 *     q15mulr_sat_s and the relaxed dot products multiply signed by signed
 *     and add adjacent products with signed saturation.
 *     wasmtime's deterministic mode (Config.relaxed_simd_deterministic)
 *     differs in two places: it fuses relaxed_madd/nmadd (one rounding), and
 *     its dot products do not saturate (-128 * -128 twice). The spec's profile
 *     is followed here; it is also the fast choice on x86-64-v2, which has no
 *     FMA instruction.
 *
 * Memory instructions need bounds checks from generated code, so this header
 * gives only their pure parts: a load of a v128 (or of the bytes a load form
 * reads) from an address already checked, combining a loaded scalar into a
 * lane, and extracting the lane a store writes. Lane order is little-endian
 * (lane 0 at the lowest address), which is the order of the GCC/clang vector
 * extensions on little-endian hosts; big-endian hosts are rejected.
 *
 * Portability: GCC and clang (vector extensions), x86-64 and aarch64 or any
 * other little-endian target. With SSE2/SSSE3/SSE4.1 (x86-64-v2 has all of
 * them) or NEON (aarch64) some instructions use intrinsics where the
 * generic code would compile poorly and the intrinsic's result is exactly the
 * specification's (each such block says why). Defining WASMC_SIMD_GENERIC
 * before including this header turns every intrinsic off (the portable code
 * alone, as the differential test checks).
 */
#ifndef WASMC_SIMD_H
#define WASMC_SIMD_H

#include <stdint.h>
#include <string.h>

#if !defined(__GNUC__)
#error "wasmc_simd.h needs GCC or clang vector extensions"
#endif
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "wasmc_simd.h supports little-endian targets only"
#endif

#if !defined(WASMC_SIMD_GENERIC)
#if defined(__SSE2__)
#define WASMC_SIMD_SSE2 1
#include <emmintrin.h>
#endif
#if defined(__SSSE3__)
#define WASMC_SIMD_SSSE3 1
#include <tmmintrin.h>
#endif
#if defined(__SSE4_1__)
#define WASMC_SIMD_SSE41 1
#include <smmintrin.h>
#endif
#if defined(__ARM_NEON) && defined(__aarch64__)
#define WASMC_SIMD_NEON 1
#include <arm_neon.h>
#endif
#endif

/* ------------------------------------------------------------------------ */
/* Types                                                                     */
/* ------------------------------------------------------------------------ */

/* A v128 value: 16 bytes, lane 0 first. Every lane view below is a bitcast. */
#ifndef WASMC_V128_TYPE /* also defined by wasmc_rt.h, for wasmc_value */
#define WASMC_V128_TYPE 1
typedef uint64_t wasmc_v128 __attribute__((vector_size(16)));
#endif

typedef int8_t wasmc_i8x16 __attribute__((vector_size(16)));
typedef uint8_t wasmc_u8x16 __attribute__((vector_size(16)));
typedef int16_t wasmc_i16x8 __attribute__((vector_size(16)));
typedef uint16_t wasmc_u16x8 __attribute__((vector_size(16)));
typedef int32_t wasmc_i32x4 __attribute__((vector_size(16)));
typedef uint32_t wasmc_u32x4 __attribute__((vector_size(16)));
typedef int64_t wasmc_i64x2 __attribute__((vector_size(16)));
typedef uint64_t wasmc_u64x2 __attribute__((vector_size(16)));
typedef float wasmc_f32x4 __attribute__((vector_size(16)));
typedef double wasmc_f64x2 __attribute__((vector_size(16)));

#define WASMC_SIMD_INLINE static inline __attribute__((always_inline))

/* Bitcasts to and from the intrinsics' types. */
#if WASMC_SIMD_SSE2
#define WASMC_TO_M128I(v) ((__m128i)(v))
#define WASMC_TO_M128(v) ((__m128)(v))
#define WASMC_TO_M128D(v) ((__m128d)(v))
#define WASMC_FROM_X86(v) ((wasmc_v128)(v))
#endif
#if WASMC_SIMD_NEON
#define WASMC_FROM_NEON(v) ((wasmc_v128)(v))
#endif

/* A lane mask (each lane all ones or all zeros) selects a's lanes over b's. */
WASMC_SIMD_INLINE wasmc_v128 wasmc_simd_select(wasmc_v128 mask, wasmc_v128 a, wasmc_v128 b) {
  return (a & mask) | (b & ~mask);
}

/* Hides a value from the optimiser so that an unfused multiply and add stay
 * two roundings: GCC contracts a*b+c into an FMA by default (-ffp-contract=
 * fast), on aarch64 even across statements; an empty asm between them cannot
 * be looked through. */
#if defined(__x86_64__) || defined(__i386__)
#define WASMC_SIMD_OPAQUE(v) __asm__("" : "+x"(v))
#elif defined(__aarch64__)
#define WASMC_SIMD_OPAQUE(v) __asm__("" : "+w"(v))
#else
#define WASMC_SIMD_OPAQUE(v)                    \
  do {                                          \
    volatile __typeof__(v) wasmc_opaque_ = (v); \
    (v) = wasmc_opaque_;                        \
  } while (0)
#endif

/* ------------------------------------------------------------------------ */
/* Constants, loads and stores (pure parts)                                  */
/* ------------------------------------------------------------------------ */

/* v128.const: lanes given as two little-endian halves. */
WASMC_SIMD_INLINE wasmc_v128 wasmc_v128_const(uint64_t low, uint64_t high) { return (wasmc_v128){low, high}; }

/* v128.load / v128.store at an address that is already bounds-checked. */
WASMC_SIMD_INLINE wasmc_v128 wasmc_v128_load(const void *address) {
  wasmc_v128 v;
  memcpy(&v, address, 16);
  return v;
}
WASMC_SIMD_INLINE void wasmc_v128_store(void *address, wasmc_v128 v) { memcpy(address, &v, 16); }

/* v128.loadMxN_s/u: 8 bytes read, each M-bit lane extended to 2M bits.
 * With SSE4.1 or NEON one widening instruction (pmovsx/pmovzx, sxtl/uxtl) does
 * exactly this; the generic code builds the vector lane by lane, which clang
 * compiles to a byte extraction and insertion per lane (measured: the image
 * kernels of the benchmark corpus ran 5x slower than native with it). */
WASMC_SIMD_INLINE wasmc_v128 wasmc_v128_load8x8_s(const void *address) {
  uint64_t bits;
  memcpy(&bits, address, 8);
#if WASMC_SIMD_SSE41
  return WASMC_FROM_X86(_mm_cvtepi8_epi16(_mm_cvtsi64_si128((long long)bits)));
#elif WASMC_SIMD_NEON
  return WASMC_FROM_NEON(vmovl_s8(vcreate_s8(bits)));
#else
  int8_t in[8];
  memcpy(in, &bits, 8);
  return (wasmc_v128)(wasmc_i16x8){in[0], in[1], in[2], in[3], in[4], in[5], in[6], in[7]};
#endif
}
WASMC_SIMD_INLINE wasmc_v128 wasmc_v128_load8x8_u(const void *address) {
  uint64_t bits;
  memcpy(&bits, address, 8);
#if WASMC_SIMD_SSE41
  return WASMC_FROM_X86(_mm_cvtepu8_epi16(_mm_cvtsi64_si128((long long)bits)));
#elif WASMC_SIMD_NEON
  return WASMC_FROM_NEON(vmovl_u8(vcreate_u8(bits)));
#else
  uint8_t in[8];
  memcpy(in, &bits, 8);
  return (wasmc_v128)(wasmc_u16x8){in[0], in[1], in[2], in[3], in[4], in[5], in[6], in[7]};
#endif
}
WASMC_SIMD_INLINE wasmc_v128 wasmc_v128_load16x4_s(const void *address) {
  uint64_t bits;
  memcpy(&bits, address, 8);
#if WASMC_SIMD_SSE41
  return WASMC_FROM_X86(_mm_cvtepi16_epi32(_mm_cvtsi64_si128((long long)bits)));
#elif WASMC_SIMD_NEON
  return WASMC_FROM_NEON(vmovl_s16(vcreate_s16(bits)));
#else
  int16_t in[4];
  memcpy(in, &bits, 8);
  return (wasmc_v128)(wasmc_i32x4){in[0], in[1], in[2], in[3]};
#endif
}
WASMC_SIMD_INLINE wasmc_v128 wasmc_v128_load16x4_u(const void *address) {
  uint64_t bits;
  memcpy(&bits, address, 8);
#if WASMC_SIMD_SSE41
  return WASMC_FROM_X86(_mm_cvtepu16_epi32(_mm_cvtsi64_si128((long long)bits)));
#elif WASMC_SIMD_NEON
  return WASMC_FROM_NEON(vmovl_u16(vcreate_u16(bits)));
#else
  uint16_t in[4];
  memcpy(in, &bits, 8);
  return (wasmc_v128)(wasmc_u32x4){in[0], in[1], in[2], in[3]};
#endif
}
WASMC_SIMD_INLINE wasmc_v128 wasmc_v128_load32x2_s(const void *address) {
  uint64_t bits;
  memcpy(&bits, address, 8);
#if WASMC_SIMD_SSE41
  return WASMC_FROM_X86(_mm_cvtepi32_epi64(_mm_cvtsi64_si128((long long)bits)));
#elif WASMC_SIMD_NEON
  return WASMC_FROM_NEON(vmovl_s32(vcreate_s32(bits)));
#else
  int32_t in[2];
  memcpy(in, &bits, 8);
  return (wasmc_v128)(wasmc_i64x2){in[0], in[1]};
#endif
}
WASMC_SIMD_INLINE wasmc_v128 wasmc_v128_load32x2_u(const void *address) {
  uint64_t bits;
  memcpy(&bits, address, 8);
#if WASMC_SIMD_SSE41
  return WASMC_FROM_X86(_mm_cvtepu32_epi64(_mm_cvtsi64_si128((long long)bits)));
#elif WASMC_SIMD_NEON
  return WASMC_FROM_NEON(vmovl_u32(vcreate_u32(bits)));
#else
  uint32_t in[2];
  memcpy(in, &bits, 8);
  return (wasmc_v128)(wasmc_u64x2){in[0], in[1]};
#endif
}

/* ------------------------------------------------------------------------ */
/* Splat, lane access, shuffle, swizzle                                      */
/* ------------------------------------------------------------------------ */

WASMC_SIMD_INLINE wasmc_v128 wasmc_i8x16_splat(uint32_t x) {
  uint8_t b = (uint8_t)x;
  return (wasmc_v128)(wasmc_u8x16){b, b, b, b, b, b, b, b, b, b, b, b, b, b, b, b};
}
WASMC_SIMD_INLINE wasmc_v128 wasmc_i16x8_splat(uint32_t x) {
  uint16_t h = (uint16_t)x;
  return (wasmc_v128)(wasmc_u16x8){h, h, h, h, h, h, h, h};
}
WASMC_SIMD_INLINE wasmc_v128 wasmc_i32x4_splat(uint32_t x) { return (wasmc_v128)(wasmc_u32x4){x, x, x, x}; }
WASMC_SIMD_INLINE wasmc_v128 wasmc_i64x2_splat(uint64_t x) { return (wasmc_v128){x, x}; }
/* Float splats copy bits (an initializer, never arithmetic, keeps -0 and NaN
 * payloads). */
WASMC_SIMD_INLINE wasmc_v128 wasmc_f32x4_splat(float x) { return (wasmc_v128)(wasmc_f32x4){x, x, x, x}; }
WASMC_SIMD_INLINE wasmc_v128 wasmc_f64x2_splat(double x) { return (wasmc_v128)(wasmc_f64x2){x, x}; }

/* v128.loadN_splat and v128.loadN_zero read N bits at a checked address. */
WASMC_SIMD_INLINE wasmc_v128 wasmc_v128_load8_splat(const void *address) {
  uint8_t x;
  memcpy(&x, address, 1);
  return wasmc_i8x16_splat(x);
}
WASMC_SIMD_INLINE wasmc_v128 wasmc_v128_load16_splat(const void *address) {
  uint16_t x;
  memcpy(&x, address, 2);
  return wasmc_i16x8_splat(x);
}
WASMC_SIMD_INLINE wasmc_v128 wasmc_v128_load32_splat(const void *address) {
  uint32_t x;
  memcpy(&x, address, 4);
  return wasmc_i32x4_splat(x);
}
WASMC_SIMD_INLINE wasmc_v128 wasmc_v128_load64_splat(const void *address) {
  uint64_t x;
  memcpy(&x, address, 8);
  return wasmc_i64x2_splat(x);
}
WASMC_SIMD_INLINE wasmc_v128 wasmc_v128_load32_zero(const void *address) {
  uint32_t x;
  memcpy(&x, address, 4);
  return (wasmc_v128)(wasmc_u32x4){x, 0, 0, 0};
}
WASMC_SIMD_INLINE wasmc_v128 wasmc_v128_load64_zero(const void *address) {
  uint64_t x;
  memcpy(&x, address, 8);
  return (wasmc_v128){x, 0};
}

/* Lane immediates are constants in generated code (0 <= lane < lane count,
 * checked by validation); they are masked here so no value is out of range. */
WASMC_SIMD_INLINE uint32_t wasmc_i8x16_extract_lane_s(wasmc_v128 v, int lane) {
  return (uint32_t)(int32_t)((wasmc_i8x16)v)[lane & 15];
}
WASMC_SIMD_INLINE uint32_t wasmc_i8x16_extract_lane_u(wasmc_v128 v, int lane) {
  return ((wasmc_u8x16)v)[lane & 15];
}
WASMC_SIMD_INLINE uint32_t wasmc_i16x8_extract_lane_s(wasmc_v128 v, int lane) {
  return (uint32_t)(int32_t)((wasmc_i16x8)v)[lane & 7];
}
WASMC_SIMD_INLINE uint32_t wasmc_i16x8_extract_lane_u(wasmc_v128 v, int lane) {
  return ((wasmc_u16x8)v)[lane & 7];
}
WASMC_SIMD_INLINE uint32_t wasmc_i32x4_extract_lane(wasmc_v128 v, int lane) {
  return ((wasmc_u32x4)v)[lane & 3];
}
WASMC_SIMD_INLINE uint64_t wasmc_i64x2_extract_lane(wasmc_v128 v, int lane) { return v[lane & 1]; }
WASMC_SIMD_INLINE float wasmc_f32x4_extract_lane(wasmc_v128 v, int lane) {
  return ((wasmc_f32x4)v)[lane & 3];
}
WASMC_SIMD_INLINE double wasmc_f64x2_extract_lane(wasmc_v128 v, int lane) {
  return ((wasmc_f64x2)v)[lane & 1];
}

WASMC_SIMD_INLINE wasmc_v128 wasmc_i8x16_replace_lane(wasmc_v128 v, int lane, uint32_t x) {
  wasmc_u8x16 r = (wasmc_u8x16)v;
  r[lane & 15] = (uint8_t)x;
  return (wasmc_v128)r;
}
WASMC_SIMD_INLINE wasmc_v128 wasmc_i16x8_replace_lane(wasmc_v128 v, int lane, uint32_t x) {
  wasmc_u16x8 r = (wasmc_u16x8)v;
  r[lane & 7] = (uint16_t)x;
  return (wasmc_v128)r;
}
WASMC_SIMD_INLINE wasmc_v128 wasmc_i32x4_replace_lane(wasmc_v128 v, int lane, uint32_t x) {
  wasmc_u32x4 r = (wasmc_u32x4)v;
  r[lane & 3] = x;
  return (wasmc_v128)r;
}
WASMC_SIMD_INLINE wasmc_v128 wasmc_i64x2_replace_lane(wasmc_v128 v, int lane, uint64_t x) {
  v[lane & 1] = x;
  return v;
}
WASMC_SIMD_INLINE wasmc_v128 wasmc_f32x4_replace_lane(wasmc_v128 v, int lane, float x) {
  wasmc_f32x4 r = (wasmc_f32x4)v;
  r[lane & 3] = x;
  return (wasmc_v128)r;
}
WASMC_SIMD_INLINE wasmc_v128 wasmc_f64x2_replace_lane(wasmc_v128 v, int lane, double x) {
  wasmc_f64x2 r = (wasmc_f64x2)v;
  r[lane & 1] = x;
  return (wasmc_v128)r;
}

/* v128.loadN_lane: the compiler checks and loads the N-bit scalar, this puts
 * it in its lane. v128.storeN_lane: the compiler stores the lane's value
 * (extract_lane of the unsigned or integer form) at the checked address. */
WASMC_SIMD_INLINE wasmc_v128 wasmc_v128_load8_lane(wasmc_v128 v, uint8_t x, int lane) {
  return wasmc_i8x16_replace_lane(v, lane, x);
}
WASMC_SIMD_INLINE wasmc_v128 wasmc_v128_load16_lane(wasmc_v128 v, uint16_t x, int lane) {
  return wasmc_i16x8_replace_lane(v, lane, x);
}
WASMC_SIMD_INLINE wasmc_v128 wasmc_v128_load32_lane(wasmc_v128 v, uint32_t x, int lane) {
  return wasmc_i32x4_replace_lane(v, lane, x);
}
WASMC_SIMD_INLINE wasmc_v128 wasmc_v128_load64_lane(wasmc_v128 v, uint64_t x, int lane) {
  return wasmc_i64x2_replace_lane(v, lane, x);
}
WASMC_SIMD_INLINE uint8_t wasmc_v128_store8_lane(wasmc_v128 v, int lane) {
  return (uint8_t)wasmc_i8x16_extract_lane_u(v, lane);
}
WASMC_SIMD_INLINE uint16_t wasmc_v128_store16_lane(wasmc_v128 v, int lane) {
  return (uint16_t)wasmc_i16x8_extract_lane_u(v, lane);
}
WASMC_SIMD_INLINE uint32_t wasmc_v128_store32_lane(wasmc_v128 v, int lane) {
  return wasmc_i32x4_extract_lane(v, lane);
}
WASMC_SIMD_INLINE uint64_t wasmc_v128_store64_lane(wasmc_v128 v, int lane) {
  return wasmc_i64x2_extract_lane(v, lane);
}

/* i8x16.shuffle with its 16 lane immediates (0-31: a's lanes, then b's), as a
 * macro so the compiler sees constants and picks the best permute. */
#if defined(__has_builtin)
#if __has_builtin(__builtin_shufflevector) && !defined(WASMC_SIMD_GENERIC)
#define WASMC_SIMD_HAS_SHUFFLEVECTOR 1
#endif
#endif
#if WASMC_SIMD_HAS_SHUFFLEVECTOR
#define wasmc_i8x16_shuffle(a, b, l0, l1, l2, l3, l4, l5, l6, l7, l8, l9, l10, l11, l12, l13, l14, l15)    \
  ((wasmc_v128)__builtin_shufflevector((wasmc_u8x16)(a), (wasmc_u8x16)(b), l0, l1, l2, l3, l4, l5, l6, l7, \
                                       l8, l9, l10, l11, l12, l13, l14, l15))
#else
#define wasmc_i8x16_shuffle(a, b, l0, l1, l2, l3, l4, l5, l6, l7, l8, l9, l10, l11, l12, l13, l14, l15) \
  wasmc_i8x16_shuffle_lanes(                                                                            \
      (a), (b), (const uint8_t[16]){l0, l1, l2, l3, l4, l5, l6, l7, l8, l9, l10, l11, l12, l13, l14, l15})
#endif
/* The same with the lanes in an array (each taken modulo 32). */
WASMC_SIMD_INLINE wasmc_v128 wasmc_i8x16_shuffle_lanes(wasmc_v128 a, wasmc_v128 b, const uint8_t lanes[16]) {
  uint8_t bytes[32];
  memcpy(bytes, &a, 16);
  memcpy(bytes + 16, &b, 16);
  wasmc_u8x16 r;
  for (int i = 0; i < 16; i++)
    r[i] = bytes[lanes[i] & 31];
  return (wasmc_v128)r;
}

/* i8x16.swizzle: lanes of a chosen by s; an index of 16 or more gives 0. */
WASMC_SIMD_INLINE wasmc_v128 wasmc_i8x16_swizzle(wasmc_v128 a, wasmc_v128 s) {
#if WASMC_SIMD_SSSE3
  /* pshufb zeroes a lane whose index has its top bit set: adding 0x70 with
   * unsigned saturation sets it exactly for indices 16-255 and keeps the low
   * four bits of 0-15. */
  __m128i index = _mm_adds_epu8(WASMC_TO_M128I(s), _mm_set1_epi8(0x70));
  return WASMC_FROM_X86(_mm_shuffle_epi8(WASMC_TO_M128I(a), index));
#elif WASMC_SIMD_NEON
  /* tbl gives 0 for any index out of the table, as the spec does. */
  return WASMC_FROM_NEON(vqtbl1q_u8((uint8x16_t)a, (uint8x16_t)s));
#else
  wasmc_u8x16 x = (wasmc_u8x16)a, i = (wasmc_u8x16)s, r;
  for (int k = 0; k < 16; k++)
    r[k] = i[k] < 16 ? x[i[k]] : 0;
  return (wasmc_v128)r;
#endif
}

/* ------------------------------------------------------------------------ */
/* Comparisons: each lane all ones when true, zeros when false               */
/* ------------------------------------------------------------------------ */

#define WASMC_SIMD_COMPARE(name, T, op) \
  WASMC_SIMD_INLINE wasmc_v128 wasmc_##name(wasmc_v128 a, wasmc_v128 b) { return (wasmc_v128)((T)a op(T) b); }
WASMC_SIMD_COMPARE(i8x16_eq, wasmc_u8x16, ==)
WASMC_SIMD_COMPARE(i8x16_ne, wasmc_u8x16, !=)
WASMC_SIMD_COMPARE(i8x16_lt_s, wasmc_i8x16, <)
WASMC_SIMD_COMPARE(i8x16_lt_u, wasmc_u8x16, <)
WASMC_SIMD_COMPARE(i8x16_gt_s, wasmc_i8x16, >)
WASMC_SIMD_COMPARE(i8x16_gt_u, wasmc_u8x16, >)
WASMC_SIMD_COMPARE(i8x16_le_s, wasmc_i8x16, <=)
WASMC_SIMD_COMPARE(i8x16_le_u, wasmc_u8x16, <=)
WASMC_SIMD_COMPARE(i8x16_ge_s, wasmc_i8x16, >=)
WASMC_SIMD_COMPARE(i8x16_ge_u, wasmc_u8x16, >=)
WASMC_SIMD_COMPARE(i16x8_eq, wasmc_u16x8, ==)
WASMC_SIMD_COMPARE(i16x8_ne, wasmc_u16x8, !=)
WASMC_SIMD_COMPARE(i16x8_lt_s, wasmc_i16x8, <)
WASMC_SIMD_COMPARE(i16x8_lt_u, wasmc_u16x8, <)
WASMC_SIMD_COMPARE(i16x8_gt_s, wasmc_i16x8, >)
WASMC_SIMD_COMPARE(i16x8_gt_u, wasmc_u16x8, >)
WASMC_SIMD_COMPARE(i16x8_le_s, wasmc_i16x8, <=)
WASMC_SIMD_COMPARE(i16x8_le_u, wasmc_u16x8, <=)
WASMC_SIMD_COMPARE(i16x8_ge_s, wasmc_i16x8, >=)
WASMC_SIMD_COMPARE(i16x8_ge_u, wasmc_u16x8, >=)
WASMC_SIMD_COMPARE(i32x4_eq, wasmc_u32x4, ==)
WASMC_SIMD_COMPARE(i32x4_ne, wasmc_u32x4, !=)
WASMC_SIMD_COMPARE(i32x4_lt_s, wasmc_i32x4, <)
WASMC_SIMD_COMPARE(i32x4_lt_u, wasmc_u32x4, <)
WASMC_SIMD_COMPARE(i32x4_gt_s, wasmc_i32x4, >)
WASMC_SIMD_COMPARE(i32x4_gt_u, wasmc_u32x4, >)
WASMC_SIMD_COMPARE(i32x4_le_s, wasmc_i32x4, <=)
WASMC_SIMD_COMPARE(i32x4_le_u, wasmc_u32x4, <=)
WASMC_SIMD_COMPARE(i32x4_ge_s, wasmc_i32x4, >=)
WASMC_SIMD_COMPARE(i32x4_ge_u, wasmc_u32x4, >=)
WASMC_SIMD_COMPARE(i64x2_eq, wasmc_u64x2, ==)
WASMC_SIMD_COMPARE(i64x2_ne, wasmc_u64x2, !=)
WASMC_SIMD_COMPARE(i64x2_lt_s, wasmc_i64x2, <)
WASMC_SIMD_COMPARE(i64x2_gt_s, wasmc_i64x2, >)
WASMC_SIMD_COMPARE(i64x2_le_s, wasmc_i64x2, <=)
WASMC_SIMD_COMPARE(i64x2_ge_s, wasmc_i64x2, >=)
/* Float comparisons are IEEE's: false on NaN, except ne which is true. */
WASMC_SIMD_COMPARE(f32x4_eq, wasmc_f32x4, ==)
WASMC_SIMD_COMPARE(f32x4_ne, wasmc_f32x4, !=)
WASMC_SIMD_COMPARE(f32x4_lt, wasmc_f32x4, <)
WASMC_SIMD_COMPARE(f32x4_gt, wasmc_f32x4, >)
WASMC_SIMD_COMPARE(f32x4_le, wasmc_f32x4, <=)
WASMC_SIMD_COMPARE(f32x4_ge, wasmc_f32x4, >=)
WASMC_SIMD_COMPARE(f64x2_eq, wasmc_f64x2, ==)
WASMC_SIMD_COMPARE(f64x2_ne, wasmc_f64x2, !=)
WASMC_SIMD_COMPARE(f64x2_lt, wasmc_f64x2, <)
WASMC_SIMD_COMPARE(f64x2_gt, wasmc_f64x2, >)
WASMC_SIMD_COMPARE(f64x2_le, wasmc_f64x2, <=)
WASMC_SIMD_COMPARE(f64x2_ge, wasmc_f64x2, >=)
#undef WASMC_SIMD_COMPARE

/* ------------------------------------------------------------------------ */
/* Bitwise operations and tests                                              */
/* ------------------------------------------------------------------------ */

WASMC_SIMD_INLINE wasmc_v128 wasmc_v128_not(wasmc_v128 a) { return ~a; }
WASMC_SIMD_INLINE wasmc_v128 wasmc_v128_and(wasmc_v128 a, wasmc_v128 b) { return a & b; }
WASMC_SIMD_INLINE wasmc_v128 wasmc_v128_andnot(wasmc_v128 a, wasmc_v128 b) { return a & ~b; }
WASMC_SIMD_INLINE wasmc_v128 wasmc_v128_or(wasmc_v128 a, wasmc_v128 b) { return a | b; }
WASMC_SIMD_INLINE wasmc_v128 wasmc_v128_xor(wasmc_v128 a, wasmc_v128 b) { return a ^ b; }
/* v128.bitselect(a, b, c): a's bits where c has ones, b's elsewhere. */
WASMC_SIMD_INLINE wasmc_v128 wasmc_v128_bitselect(wasmc_v128 a, wasmc_v128 b, wasmc_v128 c) {
  return (a & c) | (b & ~c);
}
WASMC_SIMD_INLINE uint32_t wasmc_v128_any_true(wasmc_v128 a) { return (a[0] | a[1]) != 0; }

WASMC_SIMD_INLINE uint32_t wasmc_i8x16_all_true(wasmc_v128 a) {
#if WASMC_SIMD_SSE2
  return _mm_movemask_epi8(_mm_cmpeq_epi8(WASMC_TO_M128I(a), _mm_setzero_si128())) == 0;
#elif WASMC_SIMD_NEON
  return vminvq_u8((uint8x16_t)a) != 0;
#else
  wasmc_u8x16 x = (wasmc_u8x16)a;
  uint32_t all = 1;
  for (int i = 0; i < 16; i++)
    all &= x[i] != 0;
  return all;
#endif
}
WASMC_SIMD_INLINE uint32_t wasmc_i16x8_all_true(wasmc_v128 a) {
#if WASMC_SIMD_SSE2
  return _mm_movemask_epi8(_mm_cmpeq_epi16(WASMC_TO_M128I(a), _mm_setzero_si128())) == 0;
#elif WASMC_SIMD_NEON
  return vminvq_u16((uint16x8_t)a) != 0;
#else
  wasmc_u16x8 x = (wasmc_u16x8)a;
  uint32_t all = 1;
  for (int i = 0; i < 8; i++)
    all &= x[i] != 0;
  return all;
#endif
}
WASMC_SIMD_INLINE uint32_t wasmc_i32x4_all_true(wasmc_v128 a) {
#if WASMC_SIMD_SSE2
  return _mm_movemask_epi8(_mm_cmpeq_epi32(WASMC_TO_M128I(a), _mm_setzero_si128())) == 0;
#elif WASMC_SIMD_NEON
  return vminvq_u32((uint32x4_t)a) != 0;
#else
  wasmc_u32x4 x = (wasmc_u32x4)a;
  return x[0] != 0 && x[1] != 0 && x[2] != 0 && x[3] != 0;
#endif
}
WASMC_SIMD_INLINE uint32_t wasmc_i64x2_all_true(wasmc_v128 a) { return a[0] != 0 && a[1] != 0; }

/* bitmask: bit i of the result is the top bit of lane i. */
WASMC_SIMD_INLINE uint32_t wasmc_i8x16_bitmask(wasmc_v128 a) {
#if WASMC_SIMD_SSE2
  return (uint32_t)_mm_movemask_epi8(WASMC_TO_M128I(a));
#elif WASMC_SIMD_NEON
  /* Each lane's top bit moved to its bit position within its half, then
   * each half summed across. */
  const int8x16_t shifts = {0, 1, 2, 3, 4, 5, 6, 7, 0, 1, 2, 3, 4, 5, 6, 7};
  uint8x16_t bits = vshlq_u8(vshrq_n_u8((uint8x16_t)a, 7), shifts);
  return (uint32_t)vaddv_u8(vget_low_u8(bits)) | (uint32_t)vaddv_u8(vget_high_u8(bits)) << 8;
#else
  wasmc_u8x16 x = (wasmc_u8x16)a;
  uint32_t mask = 0;
  for (int i = 0; i < 16; i++)
    mask |= (uint32_t)(x[i] >> 7) << i;
  return mask;
#endif
}
WASMC_SIMD_INLINE uint32_t wasmc_i16x8_bitmask(wasmc_v128 a) {
#if WASMC_SIMD_SSE2
  /* Signed saturation keeps each lane's sign in its byte. */
  __m128i packed = _mm_packs_epi16(WASMC_TO_M128I(a), _mm_setzero_si128());
  return (uint32_t)_mm_movemask_epi8(packed);
#elif WASMC_SIMD_NEON
  const int16x8_t shifts = {0, 1, 2, 3, 4, 5, 6, 7};
  return vaddvq_u16(vshlq_u16(vshrq_n_u16((uint16x8_t)a, 15), shifts));
#else
  wasmc_u16x8 x = (wasmc_u16x8)a;
  uint32_t mask = 0;
  for (int i = 0; i < 8; i++)
    mask |= (uint32_t)(x[i] >> 15) << i;
  return mask;
#endif
}
WASMC_SIMD_INLINE uint32_t wasmc_i32x4_bitmask(wasmc_v128 a) {
#if WASMC_SIMD_SSE2
  return (uint32_t)_mm_movemask_ps(WASMC_TO_M128(a));
#elif WASMC_SIMD_NEON
  const int32x4_t shifts = {0, 1, 2, 3};
  return vaddvq_u32(vshlq_u32(vshrq_n_u32((uint32x4_t)a, 31), shifts));
#else
  wasmc_u32x4 x = (wasmc_u32x4)a;
  return (x[0] >> 31) | (x[1] >> 31) << 1 | (x[2] >> 31) << 2 | (x[3] >> 31) << 3;
#endif
}
WASMC_SIMD_INLINE uint32_t wasmc_i64x2_bitmask(wasmc_v128 a) {
  return (uint32_t)(a[0] >> 63) | (uint32_t)(a[1] >> 63) << 1;
}

/* ------------------------------------------------------------------------ */
/* Integer arithmetic                                                        */
/* ------------------------------------------------------------------------ */
/* Lane arithmetic is done on unsigned lanes: it wraps, as the spec's does,
 * where signed lanes would overflow (undefined in C). */

#define WASMC_SIMD_INT_SHAPE(shape, U, S, bits)                                                          \
  WASMC_SIMD_INLINE wasmc_v128 wasmc_##shape##_add(wasmc_v128 a, wasmc_v128 b) {                         \
    return (wasmc_v128)((U)a + (U)b);                                                                    \
  }                                                                                                      \
  WASMC_SIMD_INLINE wasmc_v128 wasmc_##shape##_sub(wasmc_v128 a, wasmc_v128 b) {                         \
    return (wasmc_v128)((U)a - (U)b);                                                                    \
  }                                                                                                      \
  WASMC_SIMD_INLINE wasmc_v128 wasmc_##shape##_neg(wasmc_v128 a) { return (wasmc_v128)((U){0} - (U)a); } \
  WASMC_SIMD_INLINE wasmc_v128 wasmc_##shape##_abs(wasmc_v128 a) {                                       \
    U sign = (U)((S)a >> (bits - 1));                                                                    \
    return (wasmc_v128)(((U)a ^ sign) - sign);                                                           \
  }                                                                                                      \
  WASMC_SIMD_INLINE wasmc_v128 wasmc_##shape##_shl(wasmc_v128 a, uint32_t n) {                           \
    return (wasmc_v128)((U)a << (int)(n & (bits - 1)));                                                  \
  }                                                                                                      \
  WASMC_SIMD_INLINE wasmc_v128 wasmc_##shape##_shr_s(wasmc_v128 a, uint32_t n) {                         \
    return (wasmc_v128)((S)a >> (int)(n & (bits - 1)));                                                  \
  }                                                                                                      \
  WASMC_SIMD_INLINE wasmc_v128 wasmc_##shape##_shr_u(wasmc_v128 a, uint32_t n) {                         \
    return (wasmc_v128)((U)a >> (int)(n & (bits - 1)));                                                  \
  }
WASMC_SIMD_INT_SHAPE(i8x16, wasmc_u8x16, wasmc_i8x16, 8)
WASMC_SIMD_INT_SHAPE(i16x8, wasmc_u16x8, wasmc_i16x8, 16)
WASMC_SIMD_INT_SHAPE(i32x4, wasmc_u32x4, wasmc_i32x4, 32)
WASMC_SIMD_INT_SHAPE(i64x2, wasmc_u64x2, wasmc_i64x2, 64)
#undef WASMC_SIMD_INT_SHAPE

WASMC_SIMD_INLINE wasmc_v128 wasmc_i16x8_mul(wasmc_v128 a, wasmc_v128 b) {
  return (wasmc_v128)((wasmc_u16x8)a * (wasmc_u16x8)b);
}
WASMC_SIMD_INLINE wasmc_v128 wasmc_i32x4_mul(wasmc_v128 a, wasmc_v128 b) {
  return (wasmc_v128)((wasmc_u32x4)a * (wasmc_u32x4)b);
}
WASMC_SIMD_INLINE wasmc_v128 wasmc_i64x2_mul(wasmc_v128 a, wasmc_v128 b) { return a * b; }

/* Integer min and max (lane-wise, signed or unsigned). */
#define WASMC_SIMD_MINMAX(shape, T, sfx)                                                         \
  WASMC_SIMD_INLINE wasmc_v128 wasmc_##shape##_min_##sfx##_generic(wasmc_v128 a, wasmc_v128 b) { \
    return wasmc_simd_select((wasmc_v128)((T)a < (T)b), a, b);                                   \
  }                                                                                              \
  WASMC_SIMD_INLINE wasmc_v128 wasmc_##shape##_max_##sfx##_generic(wasmc_v128 a, wasmc_v128 b) { \
    return wasmc_simd_select((wasmc_v128)((T)a > (T)b), a, b);                                   \
  }
WASMC_SIMD_MINMAX(i8x16, wasmc_i8x16, s)
WASMC_SIMD_MINMAX(i8x16, wasmc_u8x16, u)
WASMC_SIMD_MINMAX(i16x8, wasmc_i16x8, s)
WASMC_SIMD_MINMAX(i16x8, wasmc_u16x8, u)
WASMC_SIMD_MINMAX(i32x4, wasmc_i32x4, s)
WASMC_SIMD_MINMAX(i32x4, wasmc_u32x4, u)
#undef WASMC_SIMD_MINMAX

/* Each of these has one exact instruction on SSE4.1 (or SSE2) and NEON. */
#if WASMC_SIMD_SSE41
#define WASMC_SIMD_MINMAX_OP(name, sse, neon, neon_t)                     \
  WASMC_SIMD_INLINE wasmc_v128 wasmc_##name(wasmc_v128 a, wasmc_v128 b) { \
    return WASMC_FROM_X86(sse(WASMC_TO_M128I(a), WASMC_TO_M128I(b)));     \
  }
#elif WASMC_SIMD_NEON
#define WASMC_SIMD_MINMAX_OP(name, sse, neon, neon_t)                     \
  WASMC_SIMD_INLINE wasmc_v128 wasmc_##name(wasmc_v128 a, wasmc_v128 b) { \
    return WASMC_FROM_NEON(neon((neon_t)a, (neon_t)b));                   \
  }
#else
#define WASMC_SIMD_MINMAX_OP(name, sse, neon, neon_t)                     \
  WASMC_SIMD_INLINE wasmc_v128 wasmc_##name(wasmc_v128 a, wasmc_v128 b) { \
    return wasmc_##name##_generic(a, b);                                  \
  }
#endif
WASMC_SIMD_MINMAX_OP(i8x16_min_s, _mm_min_epi8, vminq_s8, int8x16_t)
WASMC_SIMD_MINMAX_OP(i8x16_min_u, _mm_min_epu8, vminq_u8, uint8x16_t)
WASMC_SIMD_MINMAX_OP(i8x16_max_s, _mm_max_epi8, vmaxq_s8, int8x16_t)
WASMC_SIMD_MINMAX_OP(i8x16_max_u, _mm_max_epu8, vmaxq_u8, uint8x16_t)
WASMC_SIMD_MINMAX_OP(i16x8_min_s, _mm_min_epi16, vminq_s16, int16x8_t)
WASMC_SIMD_MINMAX_OP(i16x8_min_u, _mm_min_epu16, vminq_u16, uint16x8_t)
WASMC_SIMD_MINMAX_OP(i16x8_max_s, _mm_max_epi16, vmaxq_s16, int16x8_t)
WASMC_SIMD_MINMAX_OP(i16x8_max_u, _mm_max_epu16, vmaxq_u16, uint16x8_t)
WASMC_SIMD_MINMAX_OP(i32x4_min_s, _mm_min_epi32, vminq_s32, int32x4_t)
WASMC_SIMD_MINMAX_OP(i32x4_min_u, _mm_min_epu32, vminq_u32, uint32x4_t)
WASMC_SIMD_MINMAX_OP(i32x4_max_s, _mm_max_epi32, vmaxq_s32, int32x4_t)
WASMC_SIMD_MINMAX_OP(i32x4_max_u, _mm_max_epu32, vmaxq_u32, uint32x4_t)
#undef WASMC_SIMD_MINMAX_OP

/* Saturating add and sub: SSE2 and NEON have each exactly; the generic code
 * computes in 32 bits and clamps. */
#define WASMC_SIMD_SAT(name, T, N, wide_t, lo, hi, op, sse, neon, neon_t) \
  WASMC_SIMD_INLINE wasmc_v128 wasmc_##name(wasmc_v128 a, wasmc_v128 b) { \
    WASMC_SIMD_SAT_FAST(sse, neon, neon_t)                                \
    T x = (T)a, y = (T)b, r;                                              \
    for (int i = 0; i < N; i++) {                                         \
      wide_t v = (wide_t)x[i] op(wide_t) y[i];                            \
      r[i] = v < (lo) ? (lo) : v > (hi) ? (hi) : v;                       \
    }                                                                     \
    return (wasmc_v128)r;                                                 \
  }
#if WASMC_SIMD_SSE2
#define WASMC_SIMD_SAT_FAST(sse, neon, neon_t) \
  return WASMC_FROM_X86(sse(WASMC_TO_M128I(a), WASMC_TO_M128I(b)));
#elif WASMC_SIMD_NEON
#define WASMC_SIMD_SAT_FAST(sse, neon, neon_t) return WASMC_FROM_NEON(neon((neon_t)a, (neon_t)b));
#else
#define WASMC_SIMD_SAT_FAST(sse, neon, neon_t)
#endif
WASMC_SIMD_SAT(i8x16_add_sat_s, wasmc_i8x16, 16, int32_t, -128, 127, +, _mm_adds_epi8, vqaddq_s8, int8x16_t)
WASMC_SIMD_SAT(i8x16_add_sat_u, wasmc_u8x16, 16, int32_t, 0, 255, +, _mm_adds_epu8, vqaddq_u8, uint8x16_t)
WASMC_SIMD_SAT(i8x16_sub_sat_s, wasmc_i8x16, 16, int32_t, -128, 127, -, _mm_subs_epi8, vqsubq_s8, int8x16_t)
WASMC_SIMD_SAT(i8x16_sub_sat_u, wasmc_u8x16, 16, int32_t, 0, 255, -, _mm_subs_epu8, vqsubq_u8, uint8x16_t)
WASMC_SIMD_SAT(i16x8_add_sat_s, wasmc_i16x8, 8, int32_t, -32768, 32767, +, _mm_adds_epi16, vqaddq_s16,
               int16x8_t)
WASMC_SIMD_SAT(i16x8_add_sat_u, wasmc_u16x8, 8, int32_t, 0, 65535, +, _mm_adds_epu16, vqaddq_u16, uint16x8_t)
WASMC_SIMD_SAT(i16x8_sub_sat_s, wasmc_i16x8, 8, int32_t, -32768, 32767, -, _mm_subs_epi16, vqsubq_s16,
               int16x8_t)
WASMC_SIMD_SAT(i16x8_sub_sat_u, wasmc_u16x8, 8, int32_t, 0, 65535, -, _mm_subs_epu16, vqsubq_u16, uint16x8_t)
#undef WASMC_SIMD_SAT
#undef WASMC_SIMD_SAT_FAST

/* avgr_u: (a + b + 1) / 2 without overflow. */
WASMC_SIMD_INLINE wasmc_v128 wasmc_i8x16_avgr_u(wasmc_v128 a, wasmc_v128 b) {
#if WASMC_SIMD_SSE2
  return WASMC_FROM_X86(_mm_avg_epu8(WASMC_TO_M128I(a), WASMC_TO_M128I(b)));
#elif WASMC_SIMD_NEON
  return WASMC_FROM_NEON(vrhaddq_u8((uint8x16_t)a, (uint8x16_t)b));
#else
  wasmc_u8x16 x = (wasmc_u8x16)a, y = (wasmc_u8x16)b;
  return (wasmc_v128)((x | y) - ((x ^ y) >> 1));
#endif
}
WASMC_SIMD_INLINE wasmc_v128 wasmc_i16x8_avgr_u(wasmc_v128 a, wasmc_v128 b) {
#if WASMC_SIMD_SSE2
  return WASMC_FROM_X86(_mm_avg_epu16(WASMC_TO_M128I(a), WASMC_TO_M128I(b)));
#elif WASMC_SIMD_NEON
  return WASMC_FROM_NEON(vrhaddq_u16((uint16x8_t)a, (uint16x8_t)b));
#else
  wasmc_u16x8 x = (wasmc_u16x8)a, y = (wasmc_u16x8)b;
  return (wasmc_v128)((x | y) - ((x ^ y) >> 1));
#endif
}

/* i8x16.popcnt: bits set in each byte. */
WASMC_SIMD_INLINE wasmc_v128 wasmc_i8x16_popcnt(wasmc_v128 a) {
#if WASMC_SIMD_SSSE3
  /* Two table lookups, one per nibble (pshufb as a 16-entry table). */
  const __m128i table = _mm_setr_epi8(0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
  const __m128i low_nibble = _mm_set1_epi8(0x0f);
  __m128i x = WASMC_TO_M128I(a);
  __m128i low = _mm_shuffle_epi8(table, _mm_and_si128(x, low_nibble));
  __m128i high = _mm_shuffle_epi8(table, _mm_and_si128(_mm_srli_epi16(x, 4), low_nibble));
  return WASMC_FROM_X86(_mm_add_epi8(low, high));
#elif WASMC_SIMD_NEON
  return WASMC_FROM_NEON(vcntq_u8((uint8x16_t)a));
#else
  wasmc_u8x16 x = (wasmc_u8x16)a;
  x = x - ((x >> 1) & 0x55);
  x = (x & 0x33) + ((x >> 2) & 0x33);
  return (wasmc_v128)((x + (x >> 4)) & 0x0f);
#endif
}

/* i16x8.q15mulr_sat_s: (a * b + 2^14) >> 15, saturated (only -1 * -1 in
 * Q15, 0x8000 * 0x8000, overflows). */
WASMC_SIMD_INLINE wasmc_v128 wasmc_i16x8_q15mulr_sat_s(wasmc_v128 a, wasmc_v128 b) {
#if WASMC_SIMD_SSSE3
  /* pmulhrsw computes the same rounding but wraps the one overflow to
   * 0x8000; flipping exactly those lanes gives 0x7fff. */
  __m128i r = _mm_mulhrs_epi16(WASMC_TO_M128I(a), WASMC_TO_M128I(b));
  __m128i overflow = _mm_cmpeq_epi16(r, _mm_set1_epi16((short)0x8000));
  return WASMC_FROM_X86(_mm_xor_si128(r, overflow));
#elif WASMC_SIMD_NEON
  /* sqrdmulh: (2ab + 2^15) >> 16, saturating: the same value. */
  return WASMC_FROM_NEON(vqrdmulhq_s16((int16x8_t)a, (int16x8_t)b));
#else
  wasmc_i16x8 x = (wasmc_i16x8)a, y = (wasmc_i16x8)b, r;
  for (int i = 0; i < 8; i++) {
    int32_t v = ((int32_t)x[i] * y[i] + 0x4000) >> 15;
    r[i] = (int16_t)(v > 32767 ? 32767 : v);
  }
  return (wasmc_v128)r;
#endif
}

/* i32x4.dot_i16x8_s: sums of adjacent signed products, wrapping (only
 * 0x8000 * 0x8000 twice overflows, to 0x80000000). */
WASMC_SIMD_INLINE wasmc_v128 wasmc_i32x4_dot_i16x8_s(wasmc_v128 a, wasmc_v128 b) {
#if WASMC_SIMD_SSE2
  return WASMC_FROM_X86(_mm_madd_epi16(WASMC_TO_M128I(a), WASMC_TO_M128I(b)));
#else
  wasmc_i16x8 x = (wasmc_i16x8)a, y = (wasmc_i16x8)b;
  wasmc_u32x4 r;
  for (int i = 0; i < 4; i++)
    r[i] = (uint32_t)((int32_t)x[2 * i] * y[2 * i]) + (uint32_t)((int32_t)x[2 * i + 1] * y[2 * i + 1]);
  return (wasmc_v128)r;
#endif
}

/* ------------------------------------------------------------------------ */
/* Narrowing, widening, extended multiplies, pairwise adds                   */
/* ------------------------------------------------------------------------ */

/* narrow: a's lanes then b's, each saturated to the narrower lane (signed
 * input, signed or unsigned output). */
WASMC_SIMD_INLINE wasmc_v128 wasmc_i8x16_narrow_i16x8_s(wasmc_v128 a, wasmc_v128 b) {
#if WASMC_SIMD_SSE2
  return WASMC_FROM_X86(_mm_packs_epi16(WASMC_TO_M128I(a), WASMC_TO_M128I(b)));
#elif WASMC_SIMD_NEON
  return WASMC_FROM_NEON(vcombine_s8(vqmovn_s16((int16x8_t)a), vqmovn_s16((int16x8_t)b)));
#else
  wasmc_i16x8 x = (wasmc_i16x8)a, y = (wasmc_i16x8)b;
  wasmc_i8x16 r;
  for (int i = 0; i < 8; i++) {
    r[i] = (int8_t)(x[i] < -128 ? -128 : x[i] > 127 ? 127 : x[i]);
    r[i + 8] = (int8_t)(y[i] < -128 ? -128 : y[i] > 127 ? 127 : y[i]);
  }
  return (wasmc_v128)r;
#endif
}
WASMC_SIMD_INLINE wasmc_v128 wasmc_i8x16_narrow_i16x8_u(wasmc_v128 a, wasmc_v128 b) {
#if WASMC_SIMD_SSE2
  return WASMC_FROM_X86(_mm_packus_epi16(WASMC_TO_M128I(a), WASMC_TO_M128I(b)));
#elif WASMC_SIMD_NEON
  return WASMC_FROM_NEON(vcombine_u8(vqmovun_s16((int16x8_t)a), vqmovun_s16((int16x8_t)b)));
#else
  wasmc_i16x8 x = (wasmc_i16x8)a, y = (wasmc_i16x8)b;
  wasmc_u8x16 r;
  for (int i = 0; i < 8; i++) {
    r[i] = (uint8_t)(x[i] < 0 ? 0 : x[i] > 255 ? 255 : x[i]);
    r[i + 8] = (uint8_t)(y[i] < 0 ? 0 : y[i] > 255 ? 255 : y[i]);
  }
  return (wasmc_v128)r;
#endif
}
WASMC_SIMD_INLINE wasmc_v128 wasmc_i16x8_narrow_i32x4_s(wasmc_v128 a, wasmc_v128 b) {
#if WASMC_SIMD_SSE2
  return WASMC_FROM_X86(_mm_packs_epi32(WASMC_TO_M128I(a), WASMC_TO_M128I(b)));
#elif WASMC_SIMD_NEON
  return WASMC_FROM_NEON(vcombine_s16(vqmovn_s32((int32x4_t)a), vqmovn_s32((int32x4_t)b)));
#else
  wasmc_i32x4 x = (wasmc_i32x4)a, y = (wasmc_i32x4)b;
  wasmc_i16x8 r;
  for (int i = 0; i < 4; i++) {
    r[i] = (int16_t)(x[i] < -32768 ? -32768 : x[i] > 32767 ? 32767 : x[i]);
    r[i + 4] = (int16_t)(y[i] < -32768 ? -32768 : y[i] > 32767 ? 32767 : y[i]);
  }
  return (wasmc_v128)r;
#endif
}
WASMC_SIMD_INLINE wasmc_v128 wasmc_i16x8_narrow_i32x4_u(wasmc_v128 a, wasmc_v128 b) {
#if WASMC_SIMD_SSE41
  return WASMC_FROM_X86(_mm_packus_epi32(WASMC_TO_M128I(a), WASMC_TO_M128I(b)));
#elif WASMC_SIMD_NEON
  return WASMC_FROM_NEON(vcombine_u16(vqmovun_s32((int32x4_t)a), vqmovun_s32((int32x4_t)b)));
#else
  wasmc_i32x4 x = (wasmc_i32x4)a, y = (wasmc_i32x4)b;
  wasmc_u16x8 r;
  for (int i = 0; i < 4; i++) {
    r[i] = (uint16_t)(x[i] < 0 ? 0 : x[i] > 65535 ? 65535 : x[i]);
    r[i + 4] = (uint16_t)(y[i] < 0 ? 0 : y[i] > 65535 ? 65535 : y[i]);
  }
  return (wasmc_v128)r;
#endif
}

/* extend_low/high: the low or high half's lanes, sign- or zero-extended. */
#define WASMC_SIMD_EXTEND(name, From, To, N, first)         \
  WASMC_SIMD_INLINE wasmc_v128 wasmc_##name(wasmc_v128 a) { \
    From x = (From)a;                                       \
    To r;                                                   \
    for (int i = 0; i < N; i++)                             \
      r[i] = x[i + (first)];                                \
    return (wasmc_v128)r;                                   \
  }
WASMC_SIMD_EXTEND(i16x8_extend_low_i8x16_s, wasmc_i8x16, wasmc_i16x8, 8, 0)
WASMC_SIMD_EXTEND(i16x8_extend_high_i8x16_s, wasmc_i8x16, wasmc_i16x8, 8, 8)
WASMC_SIMD_EXTEND(i16x8_extend_low_i8x16_u, wasmc_u8x16, wasmc_u16x8, 8, 0)
WASMC_SIMD_EXTEND(i16x8_extend_high_i8x16_u, wasmc_u8x16, wasmc_u16x8, 8, 8)
WASMC_SIMD_EXTEND(i32x4_extend_low_i16x8_s, wasmc_i16x8, wasmc_i32x4, 4, 0)
WASMC_SIMD_EXTEND(i32x4_extend_high_i16x8_s, wasmc_i16x8, wasmc_i32x4, 4, 4)
WASMC_SIMD_EXTEND(i32x4_extend_low_i16x8_u, wasmc_u16x8, wasmc_u32x4, 4, 0)
WASMC_SIMD_EXTEND(i32x4_extend_high_i16x8_u, wasmc_u16x8, wasmc_u32x4, 4, 4)
WASMC_SIMD_EXTEND(i64x2_extend_low_i32x4_s, wasmc_i32x4, wasmc_i64x2, 2, 0)
WASMC_SIMD_EXTEND(i64x2_extend_high_i32x4_s, wasmc_i32x4, wasmc_i64x2, 2, 2)
WASMC_SIMD_EXTEND(i64x2_extend_low_i32x4_u, wasmc_u32x4, wasmc_u64x2, 2, 0)
WASMC_SIMD_EXTEND(i64x2_extend_high_i32x4_u, wasmc_u32x4, wasmc_u64x2, 2, 2)
#undef WASMC_SIMD_EXTEND

/* extmul_low/high: products of the extended halves (never overflow). */
#define WASMC_SIMD_EXTMUL(name, From, To, Wide, N, first)                 \
  WASMC_SIMD_INLINE wasmc_v128 wasmc_##name(wasmc_v128 a, wasmc_v128 b) { \
    From x = (From)a, y = (From)b;                                        \
    To r;                                                                 \
    for (int i = 0; i < N; i++)                                           \
      r[i] = (Wide)x[i + (first)] * (Wide)y[i + (first)];                 \
    return (wasmc_v128)r;                                                 \
  }
WASMC_SIMD_EXTMUL(i16x8_extmul_low_i8x16_s, wasmc_i8x16, wasmc_i16x8, int16_t, 8, 0)
WASMC_SIMD_EXTMUL(i16x8_extmul_high_i8x16_s, wasmc_i8x16, wasmc_i16x8, int16_t, 8, 8)
WASMC_SIMD_EXTMUL(i16x8_extmul_low_i8x16_u, wasmc_u8x16, wasmc_u16x8, uint16_t, 8, 0)
WASMC_SIMD_EXTMUL(i16x8_extmul_high_i8x16_u, wasmc_u8x16, wasmc_u16x8, uint16_t, 8, 8)
WASMC_SIMD_EXTMUL(i32x4_extmul_low_i16x8_s, wasmc_i16x8, wasmc_i32x4, int32_t, 4, 0)
WASMC_SIMD_EXTMUL(i32x4_extmul_high_i16x8_s, wasmc_i16x8, wasmc_i32x4, int32_t, 4, 4)
WASMC_SIMD_EXTMUL(i32x4_extmul_low_i16x8_u, wasmc_u16x8, wasmc_u32x4, uint32_t, 4, 0)
WASMC_SIMD_EXTMUL(i32x4_extmul_high_i16x8_u, wasmc_u16x8, wasmc_u32x4, uint32_t, 4, 4)
WASMC_SIMD_EXTMUL(i64x2_extmul_low_i32x4_s, wasmc_i32x4, wasmc_i64x2, int64_t, 2, 0)
WASMC_SIMD_EXTMUL(i64x2_extmul_high_i32x4_s, wasmc_i32x4, wasmc_i64x2, int64_t, 2, 2)
WASMC_SIMD_EXTMUL(i64x2_extmul_low_i32x4_u, wasmc_u32x4, wasmc_u64x2, uint64_t, 2, 0)
WASMC_SIMD_EXTMUL(i64x2_extmul_high_i32x4_u, wasmc_u32x4, wasmc_u64x2, uint64_t, 2, 2)
#undef WASMC_SIMD_EXTMUL

/* extadd_pairwise: sums of adjacent extended lanes (never overflow). */
#define WASMC_SIMD_EXTADD(name, From, To, Wide, N)                    \
  WASMC_SIMD_INLINE wasmc_v128 wasmc_##name##_generic(wasmc_v128 a) { \
    From x = (From)a;                                                 \
    To r;                                                             \
    for (int i = 0; i < N; i++)                                       \
      r[i] = (Wide)x[2 * i] + (Wide)x[2 * i + 1];                     \
    return (wasmc_v128)r;                                             \
  }
WASMC_SIMD_EXTADD(i16x8_extadd_pairwise_i8x16_s, wasmc_i8x16, wasmc_i16x8, int16_t, 8)
WASMC_SIMD_EXTADD(i16x8_extadd_pairwise_i8x16_u, wasmc_u8x16, wasmc_u16x8, uint16_t, 8)
WASMC_SIMD_EXTADD(i32x4_extadd_pairwise_i16x8_s, wasmc_i16x8, wasmc_i32x4, int32_t, 4)
WASMC_SIMD_EXTADD(i32x4_extadd_pairwise_i16x8_u, wasmc_u16x8, wasmc_u32x4, uint32_t, 4)
#undef WASMC_SIMD_EXTADD
WASMC_SIMD_INLINE wasmc_v128 wasmc_i16x8_extadd_pairwise_i8x16_s(wasmc_v128 a) {
#if WASMC_SIMD_SSSE3
  /* pmaddubsw(1s as unsigned, a as signed): the pairwise signed sums, which
   * are far from its saturation. */
  return WASMC_FROM_X86(_mm_maddubs_epi16(_mm_set1_epi8(1), WASMC_TO_M128I(a)));
#elif WASMC_SIMD_NEON
  return WASMC_FROM_NEON(vpaddlq_s8((int8x16_t)a));
#else
  return wasmc_i16x8_extadd_pairwise_i8x16_s_generic(a);
#endif
}
WASMC_SIMD_INLINE wasmc_v128 wasmc_i16x8_extadd_pairwise_i8x16_u(wasmc_v128 a) {
#if WASMC_SIMD_SSSE3
  return WASMC_FROM_X86(_mm_maddubs_epi16(WASMC_TO_M128I(a), _mm_set1_epi8(1)));
#elif WASMC_SIMD_NEON
  return WASMC_FROM_NEON(vpaddlq_u8((uint8x16_t)a));
#else
  return wasmc_i16x8_extadd_pairwise_i8x16_u_generic(a);
#endif
}
WASMC_SIMD_INLINE wasmc_v128 wasmc_i32x4_extadd_pairwise_i16x8_s(wasmc_v128 a) {
#if WASMC_SIMD_SSE2
  return WASMC_FROM_X86(_mm_madd_epi16(WASMC_TO_M128I(a), _mm_set1_epi16(1)));
#elif WASMC_SIMD_NEON
  return WASMC_FROM_NEON(vpaddlq_s16((int16x8_t)a));
#else
  return wasmc_i32x4_extadd_pairwise_i16x8_s_generic(a);
#endif
}
WASMC_SIMD_INLINE wasmc_v128 wasmc_i32x4_extadd_pairwise_i16x8_u(wasmc_v128 a) {
#if WASMC_SIMD_SSE2
  /* Flipping the top bit makes each lane its value less 32768, signed; pmaddwd
   * sums the pairs and 65536 puts the two 32768s back. */
  __m128i flipped = _mm_xor_si128(WASMC_TO_M128I(a), _mm_set1_epi16((short)0x8000));
  __m128i sums = _mm_madd_epi16(flipped, _mm_set1_epi16(1));
  return WASMC_FROM_X86(_mm_add_epi32(sums, _mm_set1_epi32(0x10000)));
#elif WASMC_SIMD_NEON
  return WASMC_FROM_NEON(vpaddlq_u16((uint16x8_t)a));
#else
  return wasmc_i32x4_extadd_pairwise_i16x8_u_generic(a);
#endif
}

/* ------------------------------------------------------------------------ */
/* Float arithmetic                                                          */
/* ------------------------------------------------------------------------ */

/* abs and neg change the sign bit only, NaNs included (no canonicalisation). */
WASMC_SIMD_INLINE wasmc_v128 wasmc_f32x4_abs(wasmc_v128 a) {
  return (wasmc_v128)((wasmc_u32x4)a & 0x7fffffffu);
}
WASMC_SIMD_INLINE wasmc_v128 wasmc_f32x4_neg(wasmc_v128 a) {
  return (wasmc_v128)((wasmc_u32x4)a ^ 0x80000000u);
}
WASMC_SIMD_INLINE wasmc_v128 wasmc_f64x2_abs(wasmc_v128 a) { return a & 0x7fffffffffffffffull; }
WASMC_SIMD_INLINE wasmc_v128 wasmc_f64x2_neg(wasmc_v128 a) { return a ^ 0x8000000000000000ull; }

/* The IEEE operations: the hardware's results are the spec's, NaN bits
 * aside (see the top of this file). */
#define WASMC_SIMD_FLOAT_OP(name, T, op) \
  WASMC_SIMD_INLINE wasmc_v128 wasmc_##name(wasmc_v128 a, wasmc_v128 b) { return (wasmc_v128)((T)a op(T) b); }
WASMC_SIMD_FLOAT_OP(f32x4_add, wasmc_f32x4, +)
WASMC_SIMD_FLOAT_OP(f32x4_sub, wasmc_f32x4, -)
WASMC_SIMD_FLOAT_OP(f32x4_mul, wasmc_f32x4, *)
WASMC_SIMD_FLOAT_OP(f32x4_div, wasmc_f32x4, /)
WASMC_SIMD_FLOAT_OP(f64x2_add, wasmc_f64x2, +)
WASMC_SIMD_FLOAT_OP(f64x2_sub, wasmc_f64x2, -)
WASMC_SIMD_FLOAT_OP(f64x2_mul, wasmc_f64x2, *)
WASMC_SIMD_FLOAT_OP(f64x2_div, wasmc_f64x2, /)
#undef WASMC_SIMD_FLOAT_OP

WASMC_SIMD_INLINE wasmc_v128 wasmc_f32x4_sqrt(wasmc_v128 a) {
#if WASMC_SIMD_SSE2
  return WASMC_FROM_X86(_mm_sqrt_ps(WASMC_TO_M128(a)));
#elif WASMC_SIMD_NEON
  return WASMC_FROM_NEON(vsqrtq_f32((float32x4_t)a));
#else
  wasmc_f32x4 x = (wasmc_f32x4)a, r;
  for (int i = 0; i < 4; i++)
    r[i] = __builtin_sqrtf(x[i]);
  return (wasmc_v128)r;
#endif
}
WASMC_SIMD_INLINE wasmc_v128 wasmc_f64x2_sqrt(wasmc_v128 a) {
#if WASMC_SIMD_SSE2
  return WASMC_FROM_X86(_mm_sqrt_pd(WASMC_TO_M128D(a)));
#elif WASMC_SIMD_NEON
  return WASMC_FROM_NEON(vsqrtq_f64((float64x2_t)a));
#else
  wasmc_f64x2 x = (wasmc_f64x2)a, r;
  for (int i = 0; i < 2; i++)
    r[i] = __builtin_sqrt(x[i]);
  return (wasmc_v128)r;
#endif
}

/* min and max: a NaN operand gives a NaN (x + y quiets it and keeps a
 * canonical one canonical), and -0 < +0. */
WASMC_SIMD_INLINE float wasmc_simd_f32_min(float x, float y) {
  if (x != x || y != y)
    return x + y;
  if (x == y) { /* equal, or zeros of either sign: the OR of the bits is -0 if either is */
    uint32_t bx, by;
    memcpy(&bx, &x, 4);
    memcpy(&by, &y, 4);
    bx |= by;
    memcpy(&x, &bx, 4);
    return x;
  }
  return x < y ? x : y;
}
WASMC_SIMD_INLINE float wasmc_simd_f32_max(float x, float y) {
  if (x != x || y != y)
    return x + y;
  if (x == y) { /* the AND of the bits is +0 if either is */
    uint32_t bx, by;
    memcpy(&bx, &x, 4);
    memcpy(&by, &y, 4);
    bx &= by;
    memcpy(&x, &bx, 4);
    return x;
  }
  return x > y ? x : y;
}
WASMC_SIMD_INLINE double wasmc_simd_f64_min(double x, double y) {
  if (x != x || y != y)
    return x + y;
  if (x == y) {
    uint64_t bx, by;
    memcpy(&bx, &x, 8);
    memcpy(&by, &y, 8);
    bx |= by;
    memcpy(&x, &bx, 8);
    return x;
  }
  return x < y ? x : y;
}
WASMC_SIMD_INLINE double wasmc_simd_f64_max(double x, double y) {
  if (x != x || y != y)
    return x + y;
  if (x == y) {
    uint64_t bx, by;
    memcpy(&bx, &x, 8);
    memcpy(&by, &y, 8);
    bx &= by;
    memcpy(&x, &bx, 8);
    return x;
  }
  return x > y ? x : y;
}

/* On SSE, minps/maxps return their second operand when either is NaN or both
 * are zeros; computing both orders and merging (OR for min: -0 wins; AND for
 * max: +0 wins) fixes the zeros, and NaN lanes are then set to the canonical
 * NaN (an arithmetic NaN, and canonical as required for canonical inputs).
 * NEON's fmin/fmax already order -0 < +0 and propagate (quieted) NaNs. */
WASMC_SIMD_INLINE wasmc_v128 wasmc_f32x4_min(wasmc_v128 a, wasmc_v128 b) {
#if WASMC_SIMD_SSE2
  __m128 x = WASMC_TO_M128(a), y = WASMC_TO_M128(b);
  __m128 m = _mm_or_ps(_mm_min_ps(x, y), _mm_min_ps(y, x));
  __m128 nan = _mm_cmpunord_ps(x, y);
  m = _mm_or_ps(m, nan);
  return WASMC_FROM_X86(_mm_andnot_ps(_mm_castsi128_ps(_mm_srli_epi32(_mm_castps_si128(nan), 10)), m));
#elif WASMC_SIMD_NEON
  return WASMC_FROM_NEON(vminq_f32((float32x4_t)a, (float32x4_t)b));
#else
  wasmc_f32x4 x = (wasmc_f32x4)a, y = (wasmc_f32x4)b, r;
  for (int i = 0; i < 4; i++)
    r[i] = wasmc_simd_f32_min(x[i], y[i]);
  return (wasmc_v128)r;
#endif
}
WASMC_SIMD_INLINE wasmc_v128 wasmc_f32x4_max(wasmc_v128 a, wasmc_v128 b) {
#if WASMC_SIMD_SSE2
  __m128 x = WASMC_TO_M128(a), y = WASMC_TO_M128(b);
  __m128 m = _mm_and_ps(_mm_max_ps(x, y), _mm_max_ps(y, x));
  __m128 nan = _mm_cmpunord_ps(x, y);
  m = _mm_or_ps(m, nan);
  return WASMC_FROM_X86(_mm_andnot_ps(_mm_castsi128_ps(_mm_srli_epi32(_mm_castps_si128(nan), 10)), m));
#elif WASMC_SIMD_NEON
  return WASMC_FROM_NEON(vmaxq_f32((float32x4_t)a, (float32x4_t)b));
#else
  wasmc_f32x4 x = (wasmc_f32x4)a, y = (wasmc_f32x4)b, r;
  for (int i = 0; i < 4; i++)
    r[i] = wasmc_simd_f32_max(x[i], y[i]);
  return (wasmc_v128)r;
#endif
}
WASMC_SIMD_INLINE wasmc_v128 wasmc_f64x2_min(wasmc_v128 a, wasmc_v128 b) {
#if WASMC_SIMD_SSE2
  __m128d x = WASMC_TO_M128D(a), y = WASMC_TO_M128D(b);
  __m128d m = _mm_or_pd(_mm_min_pd(x, y), _mm_min_pd(y, x));
  __m128d nan = _mm_cmpunord_pd(x, y);
  m = _mm_or_pd(m, nan);
  return WASMC_FROM_X86(_mm_andnot_pd(_mm_castsi128_pd(_mm_srli_epi64(_mm_castpd_si128(nan), 13)), m));
#elif WASMC_SIMD_NEON
  return WASMC_FROM_NEON(vminq_f64((float64x2_t)a, (float64x2_t)b));
#else
  wasmc_f64x2 x = (wasmc_f64x2)a, y = (wasmc_f64x2)b, r;
  for (int i = 0; i < 2; i++)
    r[i] = wasmc_simd_f64_min(x[i], y[i]);
  return (wasmc_v128)r;
#endif
}
WASMC_SIMD_INLINE wasmc_v128 wasmc_f64x2_max(wasmc_v128 a, wasmc_v128 b) {
#if WASMC_SIMD_SSE2
  __m128d x = WASMC_TO_M128D(a), y = WASMC_TO_M128D(b);
  __m128d m = _mm_and_pd(_mm_max_pd(x, y), _mm_max_pd(y, x));
  __m128d nan = _mm_cmpunord_pd(x, y);
  m = _mm_or_pd(m, nan);
  return WASMC_FROM_X86(_mm_andnot_pd(_mm_castsi128_pd(_mm_srli_epi64(_mm_castpd_si128(nan), 13)), m));
#elif WASMC_SIMD_NEON
  return WASMC_FROM_NEON(vmaxq_f64((float64x2_t)a, (float64x2_t)b));
#else
  wasmc_f64x2 x = (wasmc_f64x2)a, y = (wasmc_f64x2)b, r;
  for (int i = 0; i < 2; i++)
    r[i] = wasmc_simd_f64_max(x[i], y[i]);
  return (wasmc_v128)r;
#endif
}

/* pmin(a, b) = b < a ? b : a and pmax(a, b) = a < b ? b : a: plain selects,
 * bits kept (a NaN or a zero of either sign passes through unchanged). */
WASMC_SIMD_INLINE wasmc_v128 wasmc_f32x4_pmin(wasmc_v128 a, wasmc_v128 b) {
  return wasmc_simd_select((wasmc_v128)((wasmc_f32x4)b < (wasmc_f32x4)a), b, a);
}
WASMC_SIMD_INLINE wasmc_v128 wasmc_f32x4_pmax(wasmc_v128 a, wasmc_v128 b) {
  return wasmc_simd_select((wasmc_v128)((wasmc_f32x4)a < (wasmc_f32x4)b), b, a);
}
WASMC_SIMD_INLINE wasmc_v128 wasmc_f64x2_pmin(wasmc_v128 a, wasmc_v128 b) {
  return wasmc_simd_select((wasmc_v128)((wasmc_f64x2)b < (wasmc_f64x2)a), b, a);
}
WASMC_SIMD_INLINE wasmc_v128 wasmc_f64x2_pmax(wasmc_v128 a, wasmc_v128 b) {
  return wasmc_simd_select((wasmc_v128)((wasmc_f64x2)a < (wasmc_f64x2)b), b, a);
}

/* ceil, floor, trunc, nearest (ties to even). SSE4.1's roundps and NEON's
 * frint* are exact and quiet NaNs; the generic code quiets a NaN itself
 * (x + x), since a C library may return a signalling NaN unchanged. */
#if WASMC_SIMD_SSE41
#define WASMC_SIMD_ROUND(shape, name, mode, neon_op, fn32, fn64)      \
  WASMC_SIMD_INLINE wasmc_v128 wasmc_##shape##_##name(wasmc_v128 a) { \
    return WASMC_SIMD_ROUND_SSE_##shape(a, mode);                     \
  }
#define WASMC_SIMD_ROUND_SSE_f32x4(a, mode) \
  WASMC_FROM_X86(_mm_round_ps(WASMC_TO_M128(a), (mode) | _MM_FROUND_NO_EXC))
#define WASMC_SIMD_ROUND_SSE_f64x2(a, mode) \
  WASMC_FROM_X86(_mm_round_pd(WASMC_TO_M128D(a), (mode) | _MM_FROUND_NO_EXC))
#elif WASMC_SIMD_NEON
#define WASMC_SIMD_ROUND(shape, name, mode, neon_op, fn32, fn64)      \
  WASMC_SIMD_INLINE wasmc_v128 wasmc_##shape##_##name(wasmc_v128 a) { \
    return WASMC_SIMD_ROUND_NEON_##shape(a, neon_op);                 \
  }
#define WASMC_SIMD_ROUND_NEON_f32x4(a, op) WASMC_FROM_NEON(op##_f32((float32x4_t)(a)))
#define WASMC_SIMD_ROUND_NEON_f64x2(a, op) WASMC_FROM_NEON(op##_f64((float64x2_t)(a)))
#else
#define WASMC_SIMD_ROUND(shape, name, mode, neon_op, fn32, fn64)      \
  WASMC_SIMD_INLINE wasmc_v128 wasmc_##shape##_##name(wasmc_v128 a) { \
    return WASMC_SIMD_ROUND_GENERIC_##shape(a, fn32, fn64);           \
  }
#endif
#define WASMC_SIMD_ROUND_GENERIC_f32x4(a, fn32, fn64)             \
  __extension__({                                                 \
    wasmc_f32x4 x_ = (wasmc_f32x4)(a), r_;                        \
    for (int i_ = 0; i_ < 4; i_++)                                \
      r_[i_] = x_[i_] != x_[i_] ? x_[i_] + x_[i_] : fn32(x_[i_]); \
    (wasmc_v128) r_;                                              \
  })
#define WASMC_SIMD_ROUND_GENERIC_f64x2(a, fn32, fn64)             \
  __extension__({                                                 \
    wasmc_f64x2 x_ = (wasmc_f64x2)(a), r_;                        \
    for (int i_ = 0; i_ < 2; i_++)                                \
      r_[i_] = x_[i_] != x_[i_] ? x_[i_] + x_[i_] : fn64(x_[i_]); \
    (wasmc_v128) r_;                                              \
  })
/* nearbyint rounds in the current mode, which WebAssembly code never changes
 * from round-to-nearest-even. */
WASMC_SIMD_ROUND(f32x4, ceil, _MM_FROUND_TO_POS_INF, vrndpq, __builtin_ceilf, __builtin_ceil)
WASMC_SIMD_ROUND(f32x4, floor, _MM_FROUND_TO_NEG_INF, vrndmq, __builtin_floorf, __builtin_floor)
WASMC_SIMD_ROUND(f32x4, trunc, _MM_FROUND_TO_ZERO, vrndq, __builtin_truncf, __builtin_trunc)
WASMC_SIMD_ROUND(f32x4, nearest, _MM_FROUND_TO_NEAREST_INT, vrndnq, __builtin_nearbyintf, __builtin_nearbyint)
WASMC_SIMD_ROUND(f64x2, ceil, _MM_FROUND_TO_POS_INF, vrndpq, __builtin_ceilf, __builtin_ceil)
WASMC_SIMD_ROUND(f64x2, floor, _MM_FROUND_TO_NEG_INF, vrndmq, __builtin_floorf, __builtin_floor)
WASMC_SIMD_ROUND(f64x2, trunc, _MM_FROUND_TO_ZERO, vrndq, __builtin_truncf, __builtin_trunc)
WASMC_SIMD_ROUND(f64x2, nearest, _MM_FROUND_TO_NEAREST_INT, vrndnq, __builtin_nearbyintf, __builtin_nearbyint)
#undef WASMC_SIMD_ROUND

/* ------------------------------------------------------------------------ */
/* Conversions                                                               */
/* ------------------------------------------------------------------------ */

/* trunc_sat: NaN gives 0, out-of-range values the nearest bound. The
 * comparisons are exact: 2^31 and 2^32 are floats. */
WASMC_SIMD_INLINE int32_t wasmc_simd_trunc_sat_s32(double x) {
  if (x != x)
    return 0;
  if (x <= -2147483649.0)
    return INT32_MIN;
  if (x >= 2147483648.0)
    return INT32_MAX;
  return (int32_t)x;
}
WASMC_SIMD_INLINE uint32_t wasmc_simd_trunc_sat_u32(double x) {
  if (!(x > -1.0))
    return 0; /* NaN, or trunc(x) < 0 */
  if (x >= 4294967296.0)
    return UINT32_MAX;
  return (uint32_t)x;
}

WASMC_SIMD_INLINE wasmc_v128 wasmc_i32x4_trunc_sat_f32x4_s(wasmc_v128 a) {
#if WASMC_SIMD_SSE2
  /* cvttps2dq gives 0x80000000 for NaN and out of range: NaN lanes are
   * zeroed first, and lanes >= 2^31 flipped to 0x7fffffff after. */
  __m128 x = WASMC_TO_M128(a);
  __m128 not_nan = _mm_cmpord_ps(x, x);
  __m128 too_big = _mm_cmpge_ps(x, _mm_set1_ps(2147483648.0f));
  __m128i r = _mm_cvttps_epi32(_mm_and_ps(x, not_nan));
  return WASMC_FROM_X86(_mm_xor_si128(r, _mm_castps_si128(too_big)));
#elif WASMC_SIMD_NEON
  /* fcvtzs saturates and gives 0 for NaN, as the spec does. */
  return WASMC_FROM_NEON(vcvtq_s32_f32((float32x4_t)a));
#else
  wasmc_f32x4 x = (wasmc_f32x4)a;
  wasmc_i32x4 r;
  for (int i = 0; i < 4; i++)
    r[i] = wasmc_simd_trunc_sat_s32(x[i]);
  return (wasmc_v128)r;
#endif
}
WASMC_SIMD_INLINE wasmc_v128 wasmc_i32x4_trunc_sat_f32x4_u(wasmc_v128 a) {
#if WASMC_SIMD_SSE41
  /* maxps(x, 0) gives 0 for NaN and negatives. Below 2^31 cvttps2dq is exact;
   * from 2^31 the lane is converted less 2^31 (exact: such floats are
   * multiples of 256) and the top bit put back; from 2^32 it saturates. */
  const __m128 two31 = _mm_set1_ps(2147483648.0f);
  __m128 x = _mm_max_ps(WASMC_TO_M128(a), _mm_setzero_ps());
  __m128i low = _mm_cvttps_epi32(x);
  __m128i high = _mm_xor_si128(_mm_cvttps_epi32(_mm_sub_ps(x, two31)), _mm_set1_epi32((int)0x80000000u));
  __m128i big = _mm_castps_si128(_mm_cmpge_ps(x, two31));
  __m128i overflow = _mm_castps_si128(_mm_cmpge_ps(x, _mm_set1_ps(4294967296.0f)));
  return WASMC_FROM_X86(_mm_or_si128(_mm_blendv_epi8(low, high, big), overflow));
#elif WASMC_SIMD_NEON
  return WASMC_FROM_NEON(vcvtq_u32_f32((float32x4_t)a));
#else
  wasmc_f32x4 x = (wasmc_f32x4)a;
  wasmc_u32x4 r;
  for (int i = 0; i < 4; i++)
    r[i] = wasmc_simd_trunc_sat_u32(x[i]);
  return (wasmc_v128)r;
#endif
}
WASMC_SIMD_INLINE wasmc_v128 wasmc_i32x4_trunc_sat_f64x2_s_zero(wasmc_v128 a) {
#if WASMC_SIMD_SSE2
  /* cvttpd2dq zeroes lanes 2 and 3 and gives 0x80000000 for NaN and out of
   * range: NaN lanes are zeroed and large ones clamped to INT32_MAX first
   * (too negative ones give INT32_MIN, the right bound). */
  __m128d x = WASMC_TO_M128D(a);
  x = _mm_and_pd(x, _mm_cmpord_pd(x, x));
  return WASMC_FROM_X86(_mm_cvttpd_epi32(_mm_min_pd(x, _mm_set1_pd(2147483647.0))));
#elif WASMC_SIMD_NEON
  int64x2_t wide = vcvtq_s64_f64((float64x2_t)a);
  return WASMC_FROM_NEON(vcombine_s32(vqmovn_s64(wide), vdup_n_s32(0)));
#else
  wasmc_f64x2 x = (wasmc_f64x2)a;
  return (wasmc_v128)(wasmc_i32x4){wasmc_simd_trunc_sat_s32(x[0]), wasmc_simd_trunc_sat_s32(x[1]), 0, 0};
#endif
}
WASMC_SIMD_INLINE wasmc_v128 wasmc_i32x4_trunc_sat_f64x2_u_zero(wasmc_v128 a) {
#if WASMC_SIMD_SSE41
  /* Clamp to [0, 2^32 - 1] (maxpd(x, 0) gives 0 for NaN), truncate, and add
   * 2^52: the integer is then the low 32 bits of each double. */
  __m128d x = _mm_max_pd(WASMC_TO_M128D(a), _mm_setzero_pd());
  x = _mm_min_pd(x, _mm_set1_pd(4294967295.0));
  x = _mm_add_pd(_mm_round_pd(x, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC), _mm_set1_pd(4503599627370496.0));
  return WASMC_FROM_X86(_mm_shuffle_ps(_mm_castpd_ps(x), _mm_setzero_ps(), _MM_SHUFFLE(0, 0, 2, 0)));
#elif WASMC_SIMD_NEON
  uint64x2_t wide = vcvtq_u64_f64((float64x2_t)a);
  return WASMC_FROM_NEON(vcombine_u32(vqmovn_u64(wide), vdup_n_u32(0)));
#else
  wasmc_f64x2 x = (wasmc_f64x2)a;
  return (wasmc_v128)(wasmc_u32x4){wasmc_simd_trunc_sat_u32(x[0]), wasmc_simd_trunc_sat_u32(x[1]), 0, 0};
#endif
}

/* convert: round to nearest (even), as C's conversions do. */
WASMC_SIMD_INLINE wasmc_v128 wasmc_f32x4_convert_i32x4_s(wasmc_v128 a) {
#if WASMC_SIMD_SSE2
  return WASMC_FROM_X86(_mm_cvtepi32_ps(WASMC_TO_M128I(a)));
#else
  wasmc_i32x4 x = (wasmc_i32x4)a;
  return (wasmc_v128)(wasmc_f32x4){(float)x[0], (float)x[1], (float)x[2], (float)x[3]};
#endif
}
WASMC_SIMD_INLINE wasmc_v128 wasmc_f32x4_convert_i32x4_u(wasmc_v128 a) {
#if WASMC_SIMD_NEON
  return WASMC_FROM_NEON(vcvtq_f32_u32((uint32x4_t)a));
#else
  wasmc_u32x4 x = (wasmc_u32x4)a;
  return (wasmc_v128)(wasmc_f32x4){(float)x[0], (float)x[1], (float)x[2], (float)x[3]};
#endif
}
WASMC_SIMD_INLINE wasmc_v128 wasmc_f64x2_convert_low_i32x4_s(wasmc_v128 a) {
  wasmc_i32x4 x = (wasmc_i32x4)a;
  return (wasmc_v128)(wasmc_f64x2){(double)x[0], (double)x[1]};
}
WASMC_SIMD_INLINE wasmc_v128 wasmc_f64x2_convert_low_i32x4_u(wasmc_v128 a) {
  wasmc_u32x4 x = (wasmc_u32x4)a;
  return (wasmc_v128)(wasmc_f64x2){(double)x[0], (double)x[1]};
}
/* demote and promote: C's conversions are IEEE's (and quiet NaNs, keeping a
 * canonical NaN canonical). */
WASMC_SIMD_INLINE wasmc_v128 wasmc_f32x4_demote_f64x2_zero(wasmc_v128 a) {
#if WASMC_SIMD_SSE2
  return WASMC_FROM_X86(_mm_cvtpd_ps(WASMC_TO_M128D(a)));
#else
  wasmc_f64x2 x = (wasmc_f64x2)a;
  return (wasmc_v128)(wasmc_f32x4){(float)x[0], (float)x[1], 0.0f, 0.0f};
#endif
}
WASMC_SIMD_INLINE wasmc_v128 wasmc_f64x2_promote_low_f32x4(wasmc_v128 a) {
#if WASMC_SIMD_SSE2
  return WASMC_FROM_X86(_mm_cvtps_pd(WASMC_TO_M128(a)));
#else
  wasmc_f32x4 x = (wasmc_f32x4)a;
  return (wasmc_v128)(wasmc_f64x2){(double)x[0], (double)x[1]};
#endif
}

/* ------------------------------------------------------------------------ */
/* Relaxed SIMD, deterministic profile (WebAssembly 3.0)                     */
/* ------------------------------------------------------------------------ */

/* relaxed_swizzle: the profile's choice for indices 16-127 is 0, as swizzle. */
WASMC_SIMD_INLINE wasmc_v128 wasmc_i8x16_relaxed_swizzle(wasmc_v128 a, wasmc_v128 s) {
  return wasmc_i8x16_swizzle(a, s);
}
/* relaxed_trunc: the profile saturates (and gives 0 for NaN) like trunc_sat. */
WASMC_SIMD_INLINE wasmc_v128 wasmc_i32x4_relaxed_trunc_f32x4_s(wasmc_v128 a) {
  return wasmc_i32x4_trunc_sat_f32x4_s(a);
}
WASMC_SIMD_INLINE wasmc_v128 wasmc_i32x4_relaxed_trunc_f32x4_u(wasmc_v128 a) {
  return wasmc_i32x4_trunc_sat_f32x4_u(a);
}
WASMC_SIMD_INLINE wasmc_v128 wasmc_i32x4_relaxed_trunc_f64x2_s_zero(wasmc_v128 a) {
  return wasmc_i32x4_trunc_sat_f64x2_s_zero(a);
}
WASMC_SIMD_INLINE wasmc_v128 wasmc_i32x4_relaxed_trunc_f64x2_u_zero(wasmc_v128 a) {
  return wasmc_i32x4_trunc_sat_f64x2_u_zero(a);
}
/* relaxed_madd(a, b, c) = a * b + c and relaxed_nmadd = -a * b + c, with two
 * roundings in the deterministic profile (fadd(fmul(a, b), c)): the product
 * is kept from being fused into an FMA (see WASMC_SIMD_OPAQUE). */
WASMC_SIMD_INLINE wasmc_v128 wasmc_f32x4_relaxed_madd(wasmc_v128 a, wasmc_v128 b, wasmc_v128 c) {
  wasmc_f32x4 product = (wasmc_f32x4)a * (wasmc_f32x4)b;
  WASMC_SIMD_OPAQUE(product);
  return (wasmc_v128)(product + (wasmc_f32x4)c);
}
WASMC_SIMD_INLINE wasmc_v128 wasmc_f32x4_relaxed_nmadd(wasmc_v128 a, wasmc_v128 b, wasmc_v128 c) {
  return wasmc_f32x4_relaxed_madd(wasmc_f32x4_neg(a), b, c);
}
WASMC_SIMD_INLINE wasmc_v128 wasmc_f64x2_relaxed_madd(wasmc_v128 a, wasmc_v128 b, wasmc_v128 c) {
  wasmc_f64x2 product = (wasmc_f64x2)a * (wasmc_f64x2)b;
  WASMC_SIMD_OPAQUE(product);
  return (wasmc_v128)(product + (wasmc_f64x2)c);
}
WASMC_SIMD_INLINE wasmc_v128 wasmc_f64x2_relaxed_nmadd(wasmc_v128 a, wasmc_v128 b, wasmc_v128 c) {
  return wasmc_f64x2_relaxed_madd(wasmc_f64x2_neg(a), b, c);
}
/* relaxed_laneselect: the profile takes every mask bit, as bitselect. */
WASMC_SIMD_INLINE wasmc_v128 wasmc_i8x16_relaxed_laneselect(wasmc_v128 a, wasmc_v128 b, wasmc_v128 m) {
  return wasmc_v128_bitselect(a, b, m);
}
WASMC_SIMD_INLINE wasmc_v128 wasmc_i16x8_relaxed_laneselect(wasmc_v128 a, wasmc_v128 b, wasmc_v128 m) {
  return wasmc_v128_bitselect(a, b, m);
}
WASMC_SIMD_INLINE wasmc_v128 wasmc_i32x4_relaxed_laneselect(wasmc_v128 a, wasmc_v128 b, wasmc_v128 m) {
  return wasmc_v128_bitselect(a, b, m);
}
WASMC_SIMD_INLINE wasmc_v128 wasmc_i64x2_relaxed_laneselect(wasmc_v128 a, wasmc_v128 b, wasmc_v128 m) {
  return wasmc_v128_bitselect(a, b, m);
}
/* relaxed_min/max: the profile's choice is min/max. */
WASMC_SIMD_INLINE wasmc_v128 wasmc_f32x4_relaxed_min(wasmc_v128 a, wasmc_v128 b) {
  return wasmc_f32x4_min(a, b);
}
WASMC_SIMD_INLINE wasmc_v128 wasmc_f32x4_relaxed_max(wasmc_v128 a, wasmc_v128 b) {
  return wasmc_f32x4_max(a, b);
}
WASMC_SIMD_INLINE wasmc_v128 wasmc_f64x2_relaxed_min(wasmc_v128 a, wasmc_v128 b) {
  return wasmc_f64x2_min(a, b);
}
WASMC_SIMD_INLINE wasmc_v128 wasmc_f64x2_relaxed_max(wasmc_v128 a, wasmc_v128 b) {
  return wasmc_f64x2_max(a, b);
}
/* relaxed_q15mulr_s: the profile saturates, as q15mulr_sat_s. */
WASMC_SIMD_INLINE wasmc_v128 wasmc_i16x8_relaxed_q15mulr_s(wasmc_v128 a, wasmc_v128 b) {
  return wasmc_i16x8_q15mulr_sat_s(a, b);
}
/* relaxed_dot_i8x16_i7x16_s: the profile multiplies signed by signed and adds
 * adjacent products with signed saturation ($ivdot_sat_): -128 * -128 twice
 * is 32768, which saturates to 32767. */
WASMC_SIMD_INLINE wasmc_v128 wasmc_i16x8_relaxed_dot_i8x16_i7x16_s(wasmc_v128 a, wasmc_v128 b) {
#if WASMC_SIMD_SSE41
  /* The 16 products fit in 16 bits; phaddsw adds adjacent ones, saturating. */
  __m128i x = WASMC_TO_M128I(a), y = WASMC_TO_M128I(b);
  __m128i low = _mm_mullo_epi16(_mm_cvtepi8_epi16(x), _mm_cvtepi8_epi16(y));
  __m128i high =
      _mm_mullo_epi16(_mm_cvtepi8_epi16(_mm_srli_si128(x, 8)), _mm_cvtepi8_epi16(_mm_srli_si128(y, 8)));
  return WASMC_FROM_X86(_mm_hadds_epi16(low, high));
#elif WASMC_SIMD_NEON
  int8x16_t x = (int8x16_t)a, y = (int8x16_t)b;
  int16x8_t low = vmull_s8(vget_low_s8(x), vget_low_s8(y));
  int16x8_t high = vmull_high_s8(x, y);
  return WASMC_FROM_NEON(vqaddq_s16(vuzp1q_s16(low, high), vuzp2q_s16(low, high)));
#else
  wasmc_i8x16 x = (wasmc_i8x16)a, y = (wasmc_i8x16)b;
  wasmc_u16x8 r;
  for (int i = 0; i < 8; i++) {
    int32_t sum = (int32_t)x[2 * i] * y[2 * i] + (int32_t)x[2 * i + 1] * y[2 * i + 1];
    r[i] = (uint16_t)(sum > 32767 ? 32767 : sum); /* the least is -128 * 127 * 2 */
  }
  return (wasmc_v128)r;
#endif
}
/* relaxed_dot_i8x16_i7x16_add_s: the saturated 16-bit dot products above,
 * sign-extended and added in pairs to 32 bits (extadd_pairwise_s), plus c
 * (wrapping), as the spec composes it ($vextternop__ RELAXED_DOT_ADD). */
WASMC_SIMD_INLINE wasmc_v128 wasmc_i32x4_relaxed_dot_i8x16_i7x16_add_s(wasmc_v128 a, wasmc_v128 b,
                                                                       wasmc_v128 c) {
  wasmc_v128 dot16 = wasmc_i16x8_relaxed_dot_i8x16_i7x16_s(a, b);
#if WASMC_SIMD_SSE2
  __m128i sums = _mm_madd_epi16(WASMC_TO_M128I(dot16), _mm_set1_epi16(1));
  return WASMC_FROM_X86(_mm_add_epi32(sums, WASMC_TO_M128I(c)));
#elif WASMC_SIMD_NEON
  return WASMC_FROM_NEON(vpadalq_s16((int32x4_t)c, (int16x8_t)dot16));
#else
  wasmc_i16x8 dot = (wasmc_i16x8)dot16;
  wasmc_u32x4 acc = (wasmc_u32x4)c, r;
  for (int i = 0; i < 4; i++)
    r[i] = (uint32_t)((int32_t)dot[2 * i] + (int32_t)dot[2 * i + 1]) + acc[i];
  return (wasmc_v128)r;
#endif
}

#endif /* WASMC_SIMD_H */
