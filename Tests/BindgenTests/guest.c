/*
 * The round-trip test guest: its exports echo what the host sends (host → guest), and
 * `run` sends edge values through every host import and checks what comes back
 * (guest → host → guest). `malformed` and `bad-result` break the ABI on purpose.
 */
#include "roundtrip.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef test_roundtrip_types_point_t point_t;
typedef test_roundtrip_types_shape_t shape_t;
typedef test_roundtrip_types_everything_t everything_t;
typedef roundtrip_string_t string_t;

/* ---- deep equality ------------------------------------------------------ */

static bool eq_string(const string_t *a, const string_t *b) {
  return a->len == b->len && (a->len == 0 || memcmp(a->ptr, b->ptr, a->len) == 0);
}

static bool eq_bytes(const roundtrip_list_u8_t *a, const roundtrip_list_u8_t *b) {
  return a->len == b->len && (a->len == 0 || memcmp(a->ptr, b->ptr, a->len) == 0);
}

static bool eq_f64(double a, double b) { return memcmp(&a, &b, sizeof a) == 0; }
static bool eq_f32(float a, float b) { return memcmp(&a, &b, sizeof a) == 0; }

static bool eq_point(const point_t *a, const point_t *b) {
  return a->x == b->x && eq_f64(a->y, b->y) && eq_string(&a->label, &b->label);
}

static bool eq_points(const roundtrip_list_point_t *a, const roundtrip_list_point_t *b) {
  if (a->len != b->len)
    return false;
  for (size_t i = 0; i < a->len; i++)
    if (!eq_point(&a->ptr[i], &b->ptr[i]))
      return false;
  return true;
}

static bool eq_shape(const shape_t *a, const shape_t *b) {
  if (a->tag != b->tag)
    return false;
  switch (a->tag) {
  case TEST_ROUNDTRIP_TYPES_SHAPE_NOTHING: return true;
  case TEST_ROUNDTRIP_TYPES_SHAPE_CIRCLE: return eq_f32(a->val.circle, b->val.circle);
  case TEST_ROUNDTRIP_TYPES_SHAPE_RECT:
    return a->val.rect.f0 == b->val.rect.f0 && a->val.rect.f1 == b->val.rect.f1;
  case TEST_ROUNDTRIP_TYPES_SHAPE_POLYGON: return eq_points(&a->val.polygon, &b->val.polygon);
  case TEST_ROUNDTRIP_TYPES_SHAPE_NAMED: return eq_string(&a->val.named, &b->val.named);
  case TEST_ROUNDTRIP_TYPES_SHAPE_CODE: return a->val.code == b->val.code;
  case TEST_ROUNDTRIP_TYPES_SHAPE_LETTER: return a->val.letter == b->val.letter;
  }
  return false;
}

static bool eq_strings(const roundtrip_list_string_t *a, const roundtrip_list_string_t *b) {
  if (a->len != b->len)
    return false;
  for (size_t i = 0; i < a->len; i++)
    if (!eq_string(&a->ptr[i], &b->ptr[i]))
      return false;
  return true;
}

static bool eq_everything(const everything_t *a, const everything_t *b) {
  if (a->b != b->b || a->i8v != b->i8v || a->u8v != b->u8v || a->i16v != b->i16v || a->u16v != b->u16v ||
      a->i32v != b->i32v || a->u32v != b->u32v || a->i64v != b->i64v || a->u64v != b->u64v ||
      !eq_f32(a->f32v, b->f32v) || !eq_f64(a->f64v, b->f64v) || a->c != b->c || !eq_string(&a->s, &b->s) ||
      !eq_bytes(&a->bytes, &b->bytes) || !eq_points(&a->points, &b->points) ||
      !eq_shape(&a->shape, &b->shape) || a->color != b->color || a->perms != b->perms)
    return false;
  if (a->maybe.is_some != b->maybe.is_some)
    return false;
  if (a->maybe.is_some) {
    if (a->maybe.val.is_some != b->maybe.val.is_some)
      return false;
    if (a->maybe.val.is_some && !eq_string(&a->maybe.val.val, &b->maybe.val.val))
      return false;
  }
  if (a->outcome.is_err != b->outcome.is_err)
    return false;
  if (a->outcome.is_err ? !eq_shape(&a->outcome.val.err, &b->outcome.val.err)
                        : !eq_strings(&a->outcome.val.ok, &b->outcome.val.ok))
    return false;
  if (a->pair.f0 != b->pair.f0 || !eq_string(&a->pair.f1, &b->pair.f1))
    return false;
  if (a->shapes.len != b->shapes.len)
    return false;
  for (size_t i = 0; i < a->shapes.len; i++)
    if (!eq_shape(&a->shapes.ptr[i], &b->shapes.ptr[i]))
      return false;
  return true;
}

/* ---- values ------------------------------------------------------------- */

static string_t str(const char *s) {
  string_t result;
  roundtrip_string_set(&result, s);
  return result;
}

/* A string of n bytes, cycling through printable ASCII. */
static string_t long_string(size_t n) {
  string_t result = {malloc(n ? n : 1), n};
  for (size_t i = 0; i < n; i++)
    result.ptr[i] = (uint8_t)(' ' + i % 95);
  return result;
}

static point_t points_storage[1000];
static char labels[1000][16];

static roundtrip_list_point_t make_points(size_t n) {
  for (size_t i = 0; i < n; i++) {
    size_t v = i, length = 0;
    char digits[8];
    do
      digits[length++] = (char)('0' + v % 10);
    while ((v /= 10) != 0);
    labels[i][0] = 'p';
    for (size_t j = 0; j < length; j++)
      labels[i][1 + j] = digits[length - 1 - j];
    labels[i][1 + length] = 0;
    points_storage[i] = (point_t){(int32_t)i - 500, (double)i / 3.0, str(i % 7 == 0 ? "" : labels[i])};
  }
  return (roundtrip_list_point_t){points_storage, n};
}

/* Every case of shape, in tag order. */
static shape_t shape_case(int which) {
  shape_t s;
  memset(&s, 0, sizeof s);
  s.tag = (uint8_t)which;
  switch (which) {
  case TEST_ROUNDTRIP_TYPES_SHAPE_CIRCLE: s.val.circle = -1.5f; break;
  case TEST_ROUNDTRIP_TYPES_SHAPE_RECT:
    s.val.rect.f0 = 0;
    s.val.rect.f1 = UINT32_MAX;
    break;
  case TEST_ROUNDTRIP_TYPES_SHAPE_POLYGON: s.val.polygon = make_points(3); break;
  case TEST_ROUNDTRIP_TYPES_SHAPE_NAMED: s.val.named = str("héllo ✓"); break;
  case TEST_ROUNDTRIP_TYPES_SHAPE_CODE: s.val.code = UINT64_MAX - 1; break;
  case TEST_ROUNDTRIP_TYPES_SHAPE_LETTER: s.val.letter = 0x1F600; break;
  }
  return s;
}
#define SHAPE_CASES 7

static string_t list_items[3];
static shape_t shapes_storage[SHAPE_CASES];

static everything_t make_everything(int variant) {
  everything_t e;
  memset(&e, 0, sizeof e);
  e.b = variant & 1;
  e.i8v = variant ? INT8_MIN : INT8_MAX;
  e.u8v = variant ? UINT8_MAX : 0;
  e.i16v = variant ? INT16_MIN : -1;
  e.u16v = UINT16_MAX;
  e.i32v = variant ? INT32_MIN : INT32_MAX;
  e.u32v = UINT32_MAX;
  e.i64v = variant ? INT64_MIN : INT64_MAX;
  e.u64v = variant ? UINT64_MAX : 0;
  e.f32v = variant ? -0.0f : 3.25f;
  e.f64v = variant ? INFINITY : -1e300;
  e.c = variant ? 0x10FFFF : 'A';
  e.s = variant ? str("") : str("everything");
  static uint8_t bytes[256];
  for (int i = 0; i < 256; i++)
    bytes[i] = (uint8_t)i;
  e.bytes = (roundtrip_list_u8_t){bytes, variant ? 0 : 256};
  e.points = make_points(variant ? 0 : 5);
  e.shape = shape_case(variant ? TEST_ROUNDTRIP_TYPES_SHAPE_POLYGON : TEST_ROUNDTRIP_TYPES_SHAPE_LETTER);
  e.color = variant ? TEST_ROUNDTRIP_TYPES_COLOR_BLUE : TEST_ROUNDTRIP_TYPES_COLOR_RED;
  e.perms = variant ? 0 : (TEST_ROUNDTRIP_TYPES_PERMS_READ | TEST_ROUNDTRIP_TYPES_PERMS_EXEC);
  e.maybe.is_some = variant != 2;
  e.maybe.val.is_some = variant == 0;
  e.maybe.val.val = str("inner");
  list_items[0] = str("a");
  list_items[1] = str("");
  list_items[2] = str("ccc");
  e.outcome.is_err = variant == 1;
  if (variant == 1)
    e.outcome.val.err = shape_case(TEST_ROUNDTRIP_TYPES_SHAPE_NAMED);
  else
    e.outcome.val.ok = (roundtrip_list_string_t){list_items, variant ? 0 : 3};
  e.pair.f0 = 7;
  e.pair.f1 = str("pair");
  for (int i = 0; i < SHAPE_CASES; i++)
    shapes_storage[i] = shape_case(i);
  e.shapes = (roundtrip_list_shape_t){shapes_storage, variant ? 0 : SHAPE_CASES};
  return e;
}

/* ---- run: guest → host → guest ----------------------------------------- */

static char failure[200];
static uint32_t checks;

/* No stdio: the guest imports nothing but the host's interface (so it is a component as is). */
static void format_failure(const char *what, long long n) {
  size_t length = strlen(what);
  if (length > sizeof failure - 24)
    length = sizeof failure - 24;
  memcpy(failure, what, length);
  char digits[24];
  int count = 0;
  unsigned long long magnitude = n < 0 ? 0ull - (unsigned long long)n : (unsigned long long)n;
  do
    digits[count++] = (char)('0' + magnitude % 10);
  while ((magnitude /= 10) != 0);
  failure[length++] = ' ';
  if (n < 0)
    failure[length++] = '-';
  while (count > 0)
    failure[length++] = digits[--count];
  failure[length] = 0;
}

#define CHECK(condition, what, n)           \
  do {                                      \
    checks++;                               \
    if (!(condition)) {                     \
      format_failure(what, (long long)(n)); \
      return false;                         \
    }                                       \
  } while (0)

static bool run_strings(void) {
  const size_t lengths[] = {0, 1, 100, 100000};
  for (size_t i = 0; i < 4; i++) {
    string_t in = long_string(lengths[i]), out;
    test_roundtrip_host_api_echo_string(&in, &out);
    CHECK(eq_string(&in, &out), "echo-string of bytes:", lengths[i]);
    free(in.ptr);
    roundtrip_string_free(&out);
  }
  string_t unicode = str("héllo ✓ 😀"), out;
  test_roundtrip_host_api_echo_string(&unicode, &out);
  CHECK(eq_string(&unicode, &out), "echo-string of UTF-8", 0);
  roundtrip_string_free(&out);
  return true;
}

static bool run_bytes(void) {
  const size_t lengths[] = {0, 1, 65536};
  for (size_t i = 0; i < 3; i++) {
    roundtrip_list_u8_t in = {malloc(lengths[i] + 1), lengths[i]}, out;
    for (size_t j = 0; j < lengths[i]; j++)
      in.ptr[j] = (uint8_t)(j * 7);
    test_roundtrip_host_api_echo_bytes(&in, &out);
    CHECK(eq_bytes(&in, &out), "echo-bytes of bytes:", lengths[i]);
    free(in.ptr);
    roundtrip_list_u8_free(&out);
  }
  return true;
}

static bool run_points(void) {
  const size_t counts[] = {0, 1, 1000};
  for (size_t i = 0; i < 3; i++) {
    roundtrip_list_point_t in = make_points(counts[i]), out;
    test_roundtrip_host_api_echo_points(&in, &out);
    CHECK(eq_points(&in, &out), "echo-points of points:", counts[i]);
    roundtrip_list_point_free(&out);
  }
  return true;
}

static bool run_shapes(void) {
  for (int i = 0; i < SHAPE_CASES; i++) {
    shape_t in = shape_case(i), out;
    test_roundtrip_host_api_echo_shape(&in, &out);
    CHECK(eq_shape(&in, &out), "echo-shape case", i);
    test_roundtrip_types_shape_free(&out);
  }
  return true;
}

static bool run_options(void) {
  for (int i = 0; i < 4; i++) {
    roundtrip_option_option_u32_t in = {i > 0, {i > 1, i == 3 ? UINT32_MAX : 0}};
    roundtrip_option_u32_t out = {false, 0};
    bool some = test_roundtrip_host_api_echo_option(&in, &out);
    CHECK(some == in.is_some, "echo-option outer, case", i);
    if (some)
      CHECK(out.is_some == in.val.is_some && (!out.is_some || out.val == in.val.val),
            "echo-option inner, case", i);
  }
  return true;
}

static bool run_results(void) {
  for (int i = 0; i < 5; i++) {
    roundtrip_result_string_color_t in;
    in.is_err = i >= 2;
    if (in.is_err)
      in.val.err = (test_roundtrip_types_color_t)(i - 2);
    else
      in.val.ok = str(i ? "ok" : "");
    string_t ok = {0, 0};
    test_roundtrip_types_color_t err = 99;
    bool is_ok = test_roundtrip_host_api_echo_result(&in, &ok, &err);
    CHECK(is_ok == !in.is_err, "echo-result ok or err, case", i);
    if (is_ok) {
      CHECK(eq_string(&ok, &in.val.ok), "echo-result ok value, case", i);
      roundtrip_string_free(&ok);
    } else {
      CHECK(err == in.val.err, "echo-result err value, case", i);
    }
  }
  for (int i = 0; i < 2; i++) {
    roundtrip_result_void_void_t in = {i == 1};
    CHECK(test_roundtrip_host_api_echo_unit_result(&in) == (i == 0), "echo-unit-result case", i);
  }
  return true;
}

static bool run_flags(void) {
  for (unsigned p = 0; p < 8; p++)
    for (unsigned c = 0; c < 3; c++) {
      roundtrip_tuple2_perms_color_t out;
      test_roundtrip_host_api_echo_flags((test_roundtrip_types_perms_t)p, (test_roundtrip_types_color_t)c,
                                         &out);
      CHECK(out.f0 == p && out.f1 == c, "echo-flags perms*3+color", p * 3 + c);
    }
  return true;
}

static double scalar_sum(int8_t a, uint16_t b, int64_t c, float d, double e, uint32_t f, bool g) {
  return (double)a + (double)b + (double)c + (double)d + e + (double)f + (g ? 1.0 : 0.0);
}

static bool run_scalars(void) {
  double got = test_roundtrip_host_api_scalars(INT8_MIN, UINT16_MAX, INT64_MIN, -0.5f, 1e300, 0x1F600, true);
  CHECK(eq_f64(got, scalar_sum(INT8_MIN, UINT16_MAX, INT64_MIN, -0.5f, 1e300, 0x1F600, true)),
        "scalars (extremes)", 0);
  got = test_roundtrip_host_api_scalars(0, 0, 0, 0.0f, 0.0, 0, false);
  CHECK(eq_f64(got, 0.0), "scalars (zeros)", 0);
  CHECK(roundtrip_tick(41) == 42, "tick (a world-level import)", roundtrip_tick(41));
  string_t flat = str("flat");
  CHECK(test_roundtrip_host_api_names(1, &flat, 2, 3, 4) == 1 + 4 + 2 + 3 + 4, "names", 0);
  string_t tail = long_string(33);
  uint64_t sum =
      test_roundtrip_host_api_many(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, UINT32_MAX, &tail);
  CHECK(sum == 120ull + UINT32_MAX + 33, "many (17 parameters, through memory)", sum);
  free(tail.ptr);
  return true;
}

static bool run_everything(void) {
  for (int variant = 0; variant < 3; variant++) {
    everything_t in = make_everything(variant), out;
    test_roundtrip_host_api_echo_everything(&in, &out);
    CHECK(eq_everything(&in, &out), "echo-everything variant", variant);
    test_roundtrip_types_everything_free(&out);
  }
  string_t message = str("round trip done");
  test_roundtrip_host_api_log(&message);
  return true;
}

bool exports_roundtrip_run(string_t *scenario, uint32_t *ret, string_t *err) {
  static const struct {
    const char *name;
    bool (*run)(void);
  } scenarios[] = {
      {"strings", run_strings}, {"bytes", run_bytes},     {"points", run_points},
      {"shapes", run_shapes},   {"options", run_options}, {"results", run_results},
      {"flags", run_flags},     {"scalars", run_scalars}, {"everything", run_everything},
  };
  checks = 0;
  for (size_t i = 0; i < sizeof scenarios / sizeof scenarios[0]; i++) {
    if (strlen(scenarios[i].name) != scenario->len ||
        memcmp(scenarios[i].name, scenario->ptr, scenario->len) != 0)
      continue;
    roundtrip_string_free(scenario);
    if (!scenarios[i].run()) {
      roundtrip_string_dup(err, failure);
      return false;
    }
    *ret = checks;
    return true;
  }
  roundtrip_string_free(scenario);
  roundtrip_string_dup(err, "no such scenario");
  return false;
}

/* ---- host → guest: echo what arrives ------------------------------------ */

void exports_roundtrip_echo_everything(everything_t *value, everything_t *ret) { *ret = *value; }
void exports_roundtrip_echo_shape(shape_t *s, shape_t *ret) { *ret = *s; }

bool exports_roundtrip_echo_option(roundtrip_option_option_u32_t *o, roundtrip_option_u32_t *ret) {
  *ret = o->val;
  return o->is_some;
}

bool exports_roundtrip_echo_result(roundtrip_result_string_color_t *r, string_t *ret,
                                   test_roundtrip_types_color_t *err) {
  if (r->is_err)
    *err = r->val.err;
  else
    *ret = r->val.ok;
  return !r->is_err;
}

void exports_roundtrip_echo_flags(test_roundtrip_types_perms_t p, test_roundtrip_types_color_t c,
                                  roundtrip_tuple2_perms_color_t *ret) {
  ret->f0 = p;
  ret->f1 = c;
}

double exports_roundtrip_scalars(int8_t a, uint16_t b, int64_t c, float d, double e, uint32_t f, bool g) {
  return scalar_sum(a, b, c, d, e, f, g);
}

uint64_t exports_roundtrip_many(uint32_t a1, uint32_t a2, uint32_t a3, uint32_t a4, uint32_t a5, uint32_t a6,
                                uint32_t a7, uint32_t a8, uint32_t a9, uint32_t a10, uint32_t a11,
                                uint32_t a12, uint32_t a13, uint32_t a14, uint32_t a15, uint32_t a16,
                                string_t *a17) {
  uint64_t sum = (uint64_t)a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11 + a12 + a13 + a14 + a15 +
                 a16 + a17->len;
  roundtrip_string_free(a17);
  return sum;
}

uint32_t exports_roundtrip_names(uint32_t result_, string_t *flat_, uint32_t guest, uint32_t memory,
                                 uint32_t switch_) {
  uint32_t sum = result_ + (uint32_t)flat_->len + guest + memory + switch_;
  roundtrip_string_free(flat_);
  return sum;
}

void exports_roundtrip_echo_strings(roundtrip_list_string_t *s, roundtrip_list_string_t *ret) { *ret = *s; }

/* ---- deliberately malformed values --------------------------------------- */

#define HOST_API(name) \
  __attribute__((__import_module__("test:roundtrip/host-api@0.1.0"), __import_name__(name)))
HOST_API("echo-string") extern void raw_echo_string(int32_t ptr, int32_t len, int32_t ret);
HOST_API("echo-bytes") extern void raw_echo_bytes(int32_t ptr, int32_t len, int32_t ret);
HOST_API("echo-points") extern void raw_echo_points(int32_t ptr, int32_t len, int32_t ret);
HOST_API("echo-shape")
extern void raw_echo_shape(int32_t tag, int64_t payload0, int32_t payload1, int32_t ret);
HOST_API("echo-option") extern void raw_echo_option(int32_t outer, int32_t inner, int32_t value, int32_t ret);
HOST_API("echo-result")
extern void raw_echo_result(int32_t tag, int32_t payload0, int32_t payload1, int32_t ret);
HOST_API("scalars")
extern double raw_scalars(int32_t a, int32_t b, int64_t c, float d, double e, int32_t f, int32_t g);
HOST_API("many") extern uint64_t raw_many(int32_t args);

static _Alignas(8) uint8_t scratch[64];

void exports_roundtrip_malformed(uint32_t which) {
  static const uint8_t not_utf8[] = {'a', 0xff, 0xfe};
  int32_t ret = (int32_t)(uintptr_t)scratch;
  switch (which) {
  case 0: raw_echo_string((int32_t)(uintptr_t)not_utf8, 3, ret); break; /* not UTF-8 */
  case 1: raw_echo_bytes((int32_t)0xfffff000, 0x2000, ret); break;      /* past the end of memory */
  case 2: raw_echo_shape(99, 0, 0, ret); break;                         /* bad variant tag */
  case 3: raw_echo_option(2, 0, 0, ret); break;                         /* bad option tag */
  case 4: raw_echo_result(1, 7, 0, ret); break;                         /* bad enum case in err */
  case 5: raw_scalars(0, 0, 0, 0, 0, 0xD800, 0); break;                 /* a surrogate is no char */
  case 6: raw_echo_points(2, 1, ret); break;                            /* misaligned list */
  case 7: raw_echo_points(8, 0x20000000, ret); break;                   /* list length overflows */
  case 8: raw_many((int32_t)0xfffffff0); break;                         /* arguments past memory */
  case 9:
    raw_echo_string((int32_t)(uintptr_t)not_utf8, 1, (int32_t)0xfffffffc);
    break; /* return area past memory */
  }
}

void exports_roundtrip_bad_result(uint32_t which, shape_t *ret) {
  static uint8_t not_utf8[] = {0xc3, 0x28};
  memset(ret, 0, sizeof *ret);
  switch (which) {
  case 0:
    ret->tag = TEST_ROUNDTRIP_TYPES_SHAPE_NAMED;
    ret->val.named = (string_t){malloc(2), 2};
    memcpy(ret->val.named.ptr, not_utf8, 2);
    break;
  case 1: ret->tag = 42; break;
  case 2:
    ret->tag = TEST_ROUNDTRIP_TYPES_SHAPE_POLYGON;
    ret->val.polygon = (roundtrip_list_point_t){(point_t *)0xffffff00, 100};
    break;
  }
}
