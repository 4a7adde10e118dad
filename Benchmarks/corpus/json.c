/* json: a JSON parser and serializer round-tripping generated documents.
 *
 * Stresses byte-at-a-time parsing with unpredictable branches, recursion,
 * malloc/realloc/free of many small objects, and number conversion
 * (strtod / snprintf "%.17g" for doubles, hand-written code for integers).
 * Every document is serialized compactly and pretty-printed, parsed back, and
 * re-serialized; the texts must agree or the program exits with status 1.
 *
 * usage: json [documents]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_DOCUMENTS 400

typedef enum { J_NULL, J_FALSE, J_TRUE, J_INT, J_DOUBLE, J_STRING, J_ARRAY, J_OBJECT } Kind;

typedef struct Value Value;
typedef struct {
    char *key;
    Value *value;
} Member;

struct Value {
    Kind kind;
    union {
        int64_t i;
        double d;
        struct {
            char *chars;
            size_t len;
        } s;
        struct {
            Value **items;
            size_t count, cap;
        } a;
        struct {
            Member *members;
            size_t count, cap;
        } o;
    } u;
};

static void *xmalloc(size_t n) {
    void *p = malloc(n);
    if (!p) {
        fprintf(stderr, "out of memory\n");
        exit(2);
    }
    return p;
}

static void *xrealloc(void *p, size_t n) {
    p = realloc(p, n);
    if (!p) {
        fprintf(stderr, "out of memory\n");
        exit(2);
    }
    return p;
}

static Value *new_value(Kind kind) {
    Value *v = xmalloc(sizeof *v);
    memset(v, 0, sizeof *v);
    v->kind = kind;
    return v;
}

static void array_push(Value *a, Value *item) {
    if (a->u.a.count == a->u.a.cap) {
        a->u.a.cap = a->u.a.cap ? a->u.a.cap * 2 : 4;
        a->u.a.items = xrealloc(a->u.a.items, a->u.a.cap * sizeof(Value *));
    }
    a->u.a.items[a->u.a.count++] = item;
}

static void object_put(Value *o, char *key, Value *value) {
    if (o->u.o.count == o->u.o.cap) {
        o->u.o.cap = o->u.o.cap ? o->u.o.cap * 2 : 4;
        o->u.o.members = xrealloc(o->u.o.members, o->u.o.cap * sizeof(Member));
    }
    o->u.o.members[o->u.o.count].key = key;
    o->u.o.members[o->u.o.count].value = value;
    o->u.o.count++;
}

static void free_value(Value *v) {
    switch (v->kind) {
    case J_STRING: free(v->u.s.chars); break;
    case J_ARRAY:
        for (size_t i = 0; i < v->u.a.count; i++) free_value(v->u.a.items[i]);
        free(v->u.a.items);
        break;
    case J_OBJECT:
        for (size_t i = 0; i < v->u.o.count; i++) {
            free(v->u.o.members[i].key);
            free_value(v->u.o.members[i].value);
        }
        free(v->u.o.members);
        break;
    default: break;
    }
    free(v);
}

/* ---- output buffer ---- */

typedef struct {
    char *data;
    size_t len, cap;
} Buf;

static void buf_reserve(Buf *b, size_t extra) {
    if (b->len + extra <= b->cap) return;
    while (b->len + extra > b->cap) b->cap = b->cap ? b->cap * 2 : 256;
    b->data = xrealloc(b->data, b->cap);
}

static void buf_putc(Buf *b, char c) {
    buf_reserve(b, 1);
    b->data[b->len++] = c;
}

static void buf_puts(Buf *b, const char *s, size_t n) {
    buf_reserve(b, n);
    memcpy(b->data + b->len, s, n);
    b->len += n;
}

/* ---- serializer ---- */

static void write_string(Buf *b, const char *s, size_t n) {
    static const char hex[] = "0123456789abcdef";
    buf_putc(b, '"');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '"': buf_puts(b, "\\\"", 2); break;
        case '\\': buf_puts(b, "\\\\", 2); break;
        case '\n': buf_puts(b, "\\n", 2); break;
        case '\t': buf_puts(b, "\\t", 2); break;
        case '\r': buf_puts(b, "\\r", 2); break;
        default:
            if (c < 0x20) {
                char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
                buf_puts(b, esc, 6);
            } else {
                buf_putc(b, (char)c);
            }
        }
    }
    buf_putc(b, '"');
}

static void write_int(Buf *b, int64_t v) {
    char tmp[24];
    int n = 0;
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    do {
        tmp[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0) tmp[n++] = '-';
    buf_reserve(b, (size_t)n);
    while (n) b->data[b->len++] = tmp[--n];
}

static void write_indent(Buf *b, int indent, int depth) {
    if (indent < 0) return;
    buf_putc(b, '\n');
    for (int i = 0; i < indent * depth; i++) buf_putc(b, ' ');
}

/* indent < 0 writes compact JSON; otherwise nested lines are indented. */
static void write_value(Buf *b, const Value *v, int indent, int depth) {
    switch (v->kind) {
    case J_NULL: buf_puts(b, "null", 4); break;
    case J_FALSE: buf_puts(b, "false", 5); break;
    case J_TRUE: buf_puts(b, "true", 4); break;
    case J_INT: write_int(b, v->u.i); break;
    case J_DOUBLE: {
        char tmp[32];
        int n = snprintf(tmp, sizeof tmp, "%.17g", v->u.d);
        /* Keep a double recognizable as one when it prints like an integer. */
        if (!strpbrk(tmp, ".eEn")) tmp[n++] = '.', tmp[n++] = '0', tmp[n] = 0;
        buf_puts(b, tmp, (size_t)n);
        break;
    }
    case J_STRING: write_string(b, v->u.s.chars, v->u.s.len); break;
    case J_ARRAY:
        buf_putc(b, '[');
        for (size_t i = 0; i < v->u.a.count; i++) {
            if (i) buf_putc(b, ',');
            write_indent(b, indent, depth + 1);
            write_value(b, v->u.a.items[i], indent, depth + 1);
        }
        if (v->u.a.count) write_indent(b, indent, depth);
        buf_putc(b, ']');
        break;
    case J_OBJECT:
        buf_putc(b, '{');
        for (size_t i = 0; i < v->u.o.count; i++) {
            if (i) buf_putc(b, ',');
            write_indent(b, indent, depth + 1);
            write_string(b, v->u.o.members[i].key, strlen(v->u.o.members[i].key));
            buf_putc(b, ':');
            if (indent >= 0) buf_putc(b, ' ');
            write_value(b, v->u.o.members[i].value, indent, depth + 1);
        }
        if (v->u.o.count) write_indent(b, indent, depth);
        buf_putc(b, '}');
        break;
    }
}

/* ---- parser ---- */

typedef struct {
    const char *p, *end;
    const char *error;
} Parser;

static void skip_ws(Parser *ps) {
    while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\n' || *ps->p == '\t' || *ps->p == '\r')) ps->p++;
}

static int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static int parse_hex4(Parser *ps, unsigned *out) {
    if (ps->end - ps->p < 4) return 0;
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        int d = hex_digit(ps->p[i]);
        if (d < 0) return 0;
        v = v << 4 | (unsigned)d;
    }
    ps->p += 4;
    *out = v;
    return 1;
}

static void put_utf8(Buf *b, unsigned cp) {
    if (cp < 0x80) {
        buf_putc(b, (char)cp);
    } else if (cp < 0x800) {
        buf_putc(b, (char)(0xC0 | cp >> 6));
        buf_putc(b, (char)(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        buf_putc(b, (char)(0xE0 | cp >> 12));
        buf_putc(b, (char)(0x80 | (cp >> 6 & 0x3F)));
        buf_putc(b, (char)(0x80 | (cp & 0x3F)));
    } else {
        buf_putc(b, (char)(0xF0 | cp >> 18));
        buf_putc(b, (char)(0x80 | (cp >> 12 & 0x3F)));
        buf_putc(b, (char)(0x80 | (cp >> 6 & 0x3F)));
        buf_putc(b, (char)(0x80 | (cp & 0x3F)));
    }
}

/* Parses a string literal at ps->p (which is at the opening quote). */
static char *parse_string(Parser *ps, size_t *len_out) {
    Buf b = {0};
    ps->p++;
    for (;;) {
        if (ps->p >= ps->end) {
            ps->error = "unterminated string";
            break;
        }
        char c = *ps->p++;
        if (c == '"') break;
        if ((unsigned char)c < 0x20) {
            ps->error = "control character in string";
            break;
        }
        if (c != '\\') {
            buf_putc(&b, c);
            continue;
        }
        if (ps->p >= ps->end) {
            ps->error = "bad escape";
            break;
        }
        c = *ps->p++;
        unsigned cp;
        switch (c) {
        case '"': buf_putc(&b, '"'); break;
        case '\\': buf_putc(&b, '\\'); break;
        case '/': buf_putc(&b, '/'); break;
        case 'b': buf_putc(&b, '\b'); break;
        case 'f': buf_putc(&b, '\f'); break;
        case 'n': buf_putc(&b, '\n'); break;
        case 'r': buf_putc(&b, '\r'); break;
        case 't': buf_putc(&b, '\t'); break;
        case 'u':
            if (!parse_hex4(ps, &cp)) {
                ps->error = "bad \\u escape";
                break;
            }
            if (cp >= 0xD800 && cp < 0xDC00) {
                unsigned lo;
                if (ps->end - ps->p < 2 || ps->p[0] != '\\' || ps->p[1] != 'u') {
                    ps->error = "lone surrogate";
                    break;
                }
                ps->p += 2;
                if (!parse_hex4(ps, &lo) || lo < 0xDC00 || lo > 0xDFFF) {
                    ps->error = "bad surrogate pair";
                    break;
                }
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            }
            put_utf8(&b, cp);
            break;
        default: ps->error = "bad escape";
        }
        if (ps->error) break;
    }
    buf_putc(&b, 0);
    *len_out = b.len - 1;
    return b.data;
}

static Value *parse_value(Parser *ps, int depth);

static Value *parse_number(Parser *ps) {
    const char *start = ps->p;
    int is_double = 0;
    if (ps->p < ps->end && *ps->p == '-') ps->p++;
    if (ps->p >= ps->end || *ps->p < '0' || *ps->p > '9') {
        ps->error = "bad number";
        return NULL;
    }
    while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9') ps->p++;
    if (ps->p < ps->end && *ps->p == '.') {
        is_double = 1;
        ps->p++;
        while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9') ps->p++;
    }
    if (ps->p < ps->end && (*ps->p == 'e' || *ps->p == 'E')) {
        is_double = 1;
        ps->p++;
        if (ps->p < ps->end && (*ps->p == '+' || *ps->p == '-')) ps->p++;
        while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9') ps->p++;
    }
    if (is_double) {
        char tmp[64];
        size_t n = (size_t)(ps->p - start);
        if (n >= sizeof tmp) {
            ps->error = "number too long";
            return NULL;
        }
        memcpy(tmp, start, n);
        tmp[n] = 0;
        Value *v = new_value(J_DOUBLE);
        v->u.d = strtod(tmp, NULL);
        return v;
    }
    const char *q = start;
    int negative = *q == '-';
    if (negative) q++;
    uint64_t u = 0;
    for (; q < ps->p; q++) u = u * 10 + (uint64_t)(*q - '0');
    Value *v = new_value(J_INT);
    v->u.i = negative ? (int64_t)(0 - u) : (int64_t)u;
    return v;
}

static int match_word(Parser *ps, const char *word, size_t n) {
    if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, word, n) != 0) return 0;
    ps->p += n;
    return 1;
}

static Value *parse_value(Parser *ps, int depth) {
    if (depth > 200) {
        ps->error = "nesting too deep";
        return NULL;
    }
    skip_ws(ps);
    if (ps->p >= ps->end) {
        ps->error = "unexpected end";
        return NULL;
    }
    switch (*ps->p) {
    case 'n': return match_word(ps, "null", 4) ? new_value(J_NULL) : (ps->error = "bad literal", NULL);
    case 't': return match_word(ps, "true", 4) ? new_value(J_TRUE) : (ps->error = "bad literal", NULL);
    case 'f': return match_word(ps, "false", 5) ? new_value(J_FALSE) : (ps->error = "bad literal", NULL);
    case '"': {
        Value *v = new_value(J_STRING);
        v->u.s.chars = parse_string(ps, &v->u.s.len);
        return v;
    }
    case '[': {
        Value *a = new_value(J_ARRAY);
        ps->p++;
        skip_ws(ps);
        if (ps->p < ps->end && *ps->p == ']') {
            ps->p++;
            return a;
        }
        for (;;) {
            Value *item = parse_value(ps, depth + 1);
            if (!item) return a;
            array_push(a, item);
            if (ps->error) return a;
            skip_ws(ps);
            if (ps->p < ps->end && *ps->p == ',') {
                ps->p++;
                continue;
            }
            if (ps->p < ps->end && *ps->p == ']') {
                ps->p++;
                return a;
            }
            ps->error = "expected , or ]";
            return a;
        }
    }
    case '{': {
        Value *o = new_value(J_OBJECT);
        ps->p++;
        skip_ws(ps);
        if (ps->p < ps->end && *ps->p == '}') {
            ps->p++;
            return o;
        }
        for (;;) {
            skip_ws(ps);
            if (ps->p >= ps->end || *ps->p != '"') {
                ps->error = "expected key";
                return o;
            }
            size_t klen;
            char *key = parse_string(ps, &klen);
            skip_ws(ps);
            if (ps->error || ps->p >= ps->end || *ps->p != ':') {
                free(key);
                if (!ps->error) ps->error = "expected :";
                return o;
            }
            ps->p++;
            Value *item = parse_value(ps, depth + 1);
            if (!item) {
                free(key);
                return o;
            }
            object_put(o, key, item);
            if (ps->error) return o;
            skip_ws(ps);
            if (ps->p < ps->end && *ps->p == ',') {
                ps->p++;
                continue;
            }
            if (ps->p < ps->end && *ps->p == '}') {
                ps->p++;
                return o;
            }
            ps->error = "expected , or }";
            return o;
        }
    }
    default: return parse_number(ps);
    }
}

static Value *parse_document(const char *text, size_t n) {
    Parser ps = {text, text + n, NULL};
    Value *v = parse_value(&ps, 0);
    if (!ps.error) {
        skip_ws(&ps);
        if (ps.p != ps.end) ps.error = "trailing characters";
    }
    if (ps.error) {
        fprintf(stderr, "parse error at offset %ld: %s\n", (long)(ps.p - text), ps.error);
        exit(1);
    }
    return v;
}

/* ---- document generator ---- */

static uint64_t rng_state;

static uint32_t rng(void) {
    rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
    return (uint32_t)(rng_state >> 33);
}

static const char *const WORDS[] = {
    "alpha", "bravo",  "charlie", "delta", "echo",    "foxtrot", "golf",   "hotel",  "india", "juliet",
    "kilo",  "lima",   "mike",    "id",    "name",    "value",   "count",  "items",  "tags",  "enabled",
    "x",     "y",      "width",   "height", "created", "owner",  "status", "weight", "url",   "description",
};
#define NWORDS (sizeof WORDS / sizeof WORDS[0])

static char *random_string(size_t *len_out) {
    Buf b = {0};
    int words = 1 + (int)(rng() % 6);
    for (int w = 0; w < words; w++) {
        if (w) buf_putc(&b, ' ');
        const char *word = WORDS[rng() % NWORDS];
        buf_puts(&b, word, strlen(word));
        uint32_t r = rng() % 64;
        if (r == 0) buf_puts(&b, "\"q\"", 3);
        else if (r == 1) buf_puts(&b, "\\", 1);
        else if (r == 2) buf_putc(&b, '\n');
        else if (r == 3) buf_putc(&b, '\x01');
        else if (r == 4) buf_puts(&b, "\xc3\xa9", 2);         /* é */
        else if (r == 5) buf_puts(&b, "\xf0\x9f\x98\x80", 4); /* U+1F600 */
    }
    buf_putc(&b, 0);
    *len_out = b.len - 1;
    return b.data;
}

static Value *generate(int depth) {
    uint32_t r = rng() % 100;
    if (depth < 2 || (depth < 6 && r < 30)) {
        if (depth < 4 && r % 2 == 0) {
            Value *a = new_value(J_ARRAY);
            int n = (int)(rng() % (depth < 2 ? 12 : 6));
            for (int i = 0; i < n; i++) array_push(a, generate(depth + 1));
            return a;
        }
        Value *o = new_value(J_OBJECT);
        int n = 1 + (int)(rng() % 8);
        for (int i = 0; i < n; i++) {
            size_t len;
            char *key = random_string(&len);
            object_put(o, key, generate(depth + 1));
        }
        return o;
    }
    if (r < 40) return new_value(J_NULL + (Kind)(rng() % 3));
    if (r < 70) {
        Value *v = new_value(J_INT);
        v->u.i = (int64_t)rng() - (int64_t)(rng() % 3 == 0 ? 0x7fffffff : 0);
        if (rng() % 16 == 0) v->u.i *= 1000003;
        return v;
    }
    if (r < 80) {
        Value *v = new_value(J_DOUBLE);
        v->u.d = ((double)rng() - 2147483648.0) / (double)(1 + rng() % 100000);
        return v;
    }
    Value *v = new_value(J_STRING);
    v->u.s.chars = random_string(&v->u.s.len);
    return v;
}

/* ---- checks ---- */

static uint64_t fnv1a(const char *s, size_t n, uint64_t h) {
    for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 0x100000001b3ull;
    return h;
}

/* Sums wrap modulo 2^64 (unsigned) so the total is well defined. */
static uint64_t sum_ints(const Value *v, size_t *nodes) {
    (*nodes)++;
    uint64_t sum = 0;
    switch (v->kind) {
    case J_INT: return (uint64_t)v->u.i;
    case J_ARRAY:
        for (size_t i = 0; i < v->u.a.count; i++) sum += sum_ints(v->u.a.items[i], nodes);
        return sum;
    case J_OBJECT:
        for (size_t i = 0; i < v->u.o.count; i++) sum += sum_ints(v->u.o.members[i].value, nodes);
        return sum;
    default: return 0;
    }
}

int main(int argc, char **argv) {
    int documents = argc > 1 ? atoi(argv[1]) : DEFAULT_DOCUMENTS;
    uint64_t hash = 0xcbf29ce484222325ull;
    uint64_t bytes = 0, nodes_total = 0;
    uint64_t int_sum = 0;

    for (int d = 0; d < documents; d++) {
        rng_state = 0x9E3779B97F4A7C15ull * (uint64_t)(d + 1);
        Value *doc = new_value(J_ARRAY);
        int top = 40 + (int)(rng() % 40);
        for (int i = 0; i < top; i++) array_push(doc, generate(1));

        Buf compact = {0}, pretty = {0}, again = {0};
        write_value(&compact, doc, -1, 0);
        write_value(&pretty, doc, 2, 0);

        Value *from_compact = parse_document(compact.data, compact.len);
        Value *from_pretty = parse_document(pretty.data, pretty.len);
        write_value(&again, from_compact, -1, 0);
        if (again.len != compact.len || memcmp(again.data, compact.data, compact.len) != 0) {
            fprintf(stderr, "document %d: compact round trip differs\n", d);
            return 1;
        }
        again.len = 0;
        write_value(&again, from_pretty, -1, 0);
        if (again.len != compact.len || memcmp(again.data, compact.data, compact.len) != 0) {
            fprintf(stderr, "document %d: pretty round trip differs\n", d);
            return 1;
        }

        size_t nodes = 0;
        int_sum += sum_ints(from_pretty, &nodes);
        nodes_total += nodes;
        hash = fnv1a(compact.data, compact.len, hash);
        hash = fnv1a(pretty.data, pretty.len, hash);
        bytes += compact.len + pretty.len;

        free_value(doc);
        free_value(from_compact);
        free_value(from_pretty);
        free(compact.data);
        free(pretty.data);
        free(again.data);
    }
    printf("documents %d bytes %llu nodes %llu\n", documents, (unsigned long long)bytes,
           (unsigned long long)nodes_total);
    printf("int-sum %016llx fnv1a %016llx\n", (unsigned long long)int_sum, (unsigned long long)hash);
    return 0;
}
