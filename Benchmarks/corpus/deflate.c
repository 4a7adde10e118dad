/* deflate: a raw DEFLATE (RFC 1951) compressor and inflater, round trip verified.
 *
 * The compressor does LZ77 with hash chains over a 32 KiB window and writes
 * dynamic-Huffman blocks (length-limited canonical codes, run-length coded
 * code lengths). The inflater handles stored, fixed and dynamic blocks with a
 * table-driven decoder. Stresses byte loads/stores, bit twiddling, data-
 * dependent branches and small table lookups.
 *
 * usage: deflate [rounds] [dump]
 *   dump: also print round 0's compressed stream in hex, so check.py can
 *   confirm that zlib inflates it to the same data.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_ROUNDS 10
#define INPUT_SIZE (2u << 20)

#define WINDOW_SIZE 32768
#define WINDOW_MASK (WINDOW_SIZE - 1)
#define HASH_BITS 15
#define HASH_SIZE (1 << HASH_BITS)
#define MIN_MATCH 3
#define MAX_MATCH 258
#define MAX_CHAIN 48
#define NICE_MATCH 128
#define BLOCK_TOKENS 32768

#define NUM_LITLEN 286
#define NUM_DIST 30
#define NUM_CODELEN 19
#define MAX_BITS 15

static const uint16_t LEN_BASE[29] = {3,  4,  5,  6,  7,  8,  9,  10, 11,  13,  15,  17,  19,  23, 27,
                                      31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258};
static const uint8_t LEN_EXTRA[29] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2,
                                      2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
static const uint16_t DIST_BASE[30] = {1,   2,   3,   4,   5,   7,    9,    13,   17,   25,   33,   49,    65,    97,    129,
                                       193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577};
static const uint8_t DIST_EXTRA[30] = {0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6,
                                       6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13};
static const uint8_t CODELEN_ORDER[NUM_CODELEN] = {16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15};

static uint8_t length_code[MAX_MATCH + 1]; /* match length -> index into LEN_BASE */
static uint8_t dist_code[WINDOW_SIZE + 1]; /* distance -> index into DIST_BASE */

static void init_code_tables(void) {
    for (int c = 0; c < 29; c++) {
        int top = c == 28 ? MAX_MATCH : LEN_BASE[c] + (1 << LEN_EXTRA[c]) - 1;
        for (int len = LEN_BASE[c]; len <= top && len <= MAX_MATCH; len++) length_code[len] = (uint8_t)c;
    }
    length_code[MAX_MATCH] = 28; /* 258 has its own code, not 284 + 31 */
    for (int c = 0; c < 30; c++)
        for (int d = DIST_BASE[c]; d < DIST_BASE[c] + (1 << DIST_EXTRA[c]) && d <= WINDOW_SIZE; d++)
            dist_code[d] = (uint8_t)c;
}

static void *xmalloc(size_t n) {
    void *p = malloc(n);
    if (!p) {
        fprintf(stderr, "out of memory\n");
        exit(2);
    }
    return p;
}

/* ---------------- Huffman code construction ---------------- */

typedef struct {
    uint32_t freq;
    uint16_t sym;
} Leaf;

static int leaf_order(const void *a, const void *b) {
    const Leaf *x = a, *y = b;
    if (x->freq != y->freq) return x->freq < y->freq ? -1 : 1;
    return (int)x->sym - (int)y->sym; /* total order: same result with any qsort */
}

/* Computes code lengths (at most max_bits) for n symbols. Symbols with zero
   frequency get length 0. Callers guarantee at least two used symbols. */
static void build_lengths(const uint32_t *freq_in, int n, int max_bits, uint8_t *lengths) {
    uint32_t freq[NUM_LITLEN];
    Leaf leaves[NUM_LITLEN];
    uint32_t weight[2 * NUM_LITLEN];
    int parent[2 * NUM_LITLEN];
    memcpy(freq, freq_in, (size_t)n * sizeof freq[0]);
    for (;;) {
        int m = 0;
        for (int s = 0; s < n; s++)
            if (freq[s]) leaves[m].freq = freq[s], leaves[m].sym = (uint16_t)s, m++;
        qsort(leaves, (size_t)m, sizeof leaves[0], leaf_order);
        /* Two-queue construction: leaves are 0..m-1, internal nodes m.. */
        for (int i = 0; i < m; i++) weight[i] = leaves[i].freq;
        int next_leaf = 0, next_node = m, end_node = m;
        while (end_node < 2 * m - 1) {
            int pick[2];
            for (int k = 0; k < 2; k++) {
                if (next_leaf < m && (next_node >= end_node || weight[next_leaf] <= weight[next_node]))
                    pick[k] = next_leaf++;
                else
                    pick[k] = next_node++;
            }
            weight[end_node] = weight[pick[0]] + weight[pick[1]];
            parent[pick[0]] = parent[pick[1]] = end_node;
            end_node++;
        }
        /* Depths from the root down; internal nodes were created in order. */
        int depth[2 * NUM_LITLEN];
        int root = 2 * m - 2, too_long = 0;
        depth[root] = 0;
        for (int i = root - 1; i >= 0; i--) depth[i] = depth[parent[i]] + 1;
        memset(lengths, 0, (size_t)n);
        for (int i = 0; i < m; i++) {
            lengths[leaves[i].sym] = (uint8_t)depth[i];
            if (depth[i] > max_bits) too_long = 1;
        }
        if (!too_long) return;
        /* Flatten the distribution and retry; nonzero counts stay nonzero. */
        for (int s = 0; s < n; s++)
            if (freq[s]) freq[s] = (freq[s] + 1) / 2;
    }
}

/* Canonical codes (RFC 1951 3.2.2), stored bit-reversed for an LSB-first writer. */
static void build_codes(const uint8_t *lengths, int n, uint16_t *codes) {
    int bl_count[MAX_BITS + 1] = {0};
    int next_code[MAX_BITS + 1];
    for (int s = 0; s < n; s++) bl_count[lengths[s]]++;
    bl_count[0] = 0;
    int code = 0;
    for (int bits = 1; bits <= MAX_BITS; bits++) {
        code = (code + bl_count[bits - 1]) << 1;
        next_code[bits] = code;
    }
    for (int s = 0; s < n; s++) {
        int len = lengths[s];
        if (!len) continue;
        int c = next_code[len]++, r = 0;
        for (int i = 0; i < len; i++) r = r << 1 | (c >> i & 1);
        codes[s] = (uint16_t)r;
    }
}

/* ---------------- bit writer ---------------- */

typedef struct {
    uint8_t *out;
    size_t len, cap;
    uint64_t bits;
    int count;
} BitWriter;

static void put_bits(BitWriter *w, uint32_t value, int n) {
    w->bits |= (uint64_t)value << w->count;
    w->count += n;
    while (w->count >= 8) {
        if (w->len == w->cap) {
            fprintf(stderr, "compressed output overflow\n");
            exit(1);
        }
        w->out[w->len++] = (uint8_t)w->bits;
        w->bits >>= 8;
        w->count -= 8;
    }
}

static void flush_bits(BitWriter *w) {
    if (w->count > 0) put_bits(w, 0, 8 - w->count);
}

/* ---------------- compressor ---------------- */

typedef struct {
    int32_t head[HASH_SIZE];
    int32_t prev[WINDOW_SIZE];
    uint32_t tokens[BLOCK_TOKENS]; /* literal: byte; match: length << 16 | distance */
} Compressor;

static inline uint32_t hash3(const uint8_t *p) {
    return ((uint32_t)p[0] << 10 ^ (uint32_t)p[1] << 5 ^ p[2]) & (HASH_SIZE - 1);
}

static void write_block(BitWriter *w, const uint32_t *tokens, int ntokens, int final) {
    uint32_t lit_freq[NUM_LITLEN] = {0}, dist_freq[NUM_DIST] = {0}, cl_freq[NUM_CODELEN] = {0};
    for (int i = 0; i < ntokens; i++) {
        uint32_t t = tokens[i];
        if (t < 256) {
            lit_freq[t]++;
        } else {
            lit_freq[257 + length_code[t >> 16]]++;
            dist_freq[dist_code[t & 0xFFFF]]++;
        }
    }
    lit_freq[256] = 1;
    /* Keep both codes complete: at least two used symbols each. */
    if (!lit_freq[0]) lit_freq[0] = 1;
    if (!dist_freq[0]) dist_freq[0] = 1;
    if (!dist_freq[1]) dist_freq[1] = 1;

    uint8_t lit_len[NUM_LITLEN], dist_len[NUM_DIST], cl_len[NUM_CODELEN];
    uint16_t lit_code[NUM_LITLEN], dist_codes[NUM_DIST], cl_code[NUM_CODELEN];
    build_lengths(lit_freq, NUM_LITLEN, MAX_BITS, lit_len);
    build_lengths(dist_freq, NUM_DIST, MAX_BITS, dist_len);
    build_codes(lit_len, NUM_LITLEN, lit_code);
    build_codes(dist_len, NUM_DIST, dist_codes);

    int hlit = NUM_LITLEN, hdist = NUM_DIST;
    while (hlit > 257 && !lit_len[hlit - 1]) hlit--;
    while (hdist > 1 && !dist_len[hdist - 1]) hdist--;

    /* Run-length code the concatenated lengths: 16 repeats the previous
       length 3-6 times, 17 and 18 code runs of zeros (3-10, 11-138). */
    uint8_t all[NUM_LITLEN + NUM_DIST];
    memcpy(all, lit_len, (size_t)hlit);
    memcpy(all + hlit, dist_len, (size_t)hdist);
    int total = hlit + hdist;
    uint8_t rle_sym[NUM_LITLEN + NUM_DIST], rle_extra[NUM_LITLEN + NUM_DIST];
    int nrle = 0;
    for (int i = 0; i < total;) {
        int len = all[i], run = 1;
        while (i + run < total && all[i + run] == len) run++;
        if (len == 0 && run >= 3) {
            int r = run > 138 ? 138 : run;
            rle_sym[nrle] = r >= 11 ? 18 : 17;
            rle_extra[nrle++] = (uint8_t)(r >= 11 ? r - 11 : r - 3);
            i += r;
        } else if (len != 0 && run >= 4) {
            rle_sym[nrle] = (uint8_t)len;
            rle_extra[nrle++] = 0;
            int r = run - 1 > 6 ? 6 : run - 1;
            rle_sym[nrle] = 16;
            rle_extra[nrle++] = (uint8_t)(r - 3);
            i += 1 + r;
        } else {
            rle_sym[nrle] = (uint8_t)len;
            rle_extra[nrle++] = 0;
            i++;
        }
    }
    for (int i = 0; i < nrle; i++) cl_freq[rle_sym[i]]++;
    int used = 0;
    for (int s = 0; s < NUM_CODELEN; s++) used += cl_freq[s] != 0;
    for (int s = 0; used < 2; s++)
        if (!cl_freq[s]) cl_freq[s] = 1, used++;
    build_lengths(cl_freq, NUM_CODELEN, 7, cl_len);
    build_codes(cl_len, NUM_CODELEN, cl_code);
    int hclen = NUM_CODELEN;
    while (hclen > 4 && !cl_len[CODELEN_ORDER[hclen - 1]]) hclen--;

    put_bits(w, final ? 1 : 0, 1);
    put_bits(w, 2, 2); /* dynamic Huffman */
    put_bits(w, (uint32_t)(hlit - 257), 5);
    put_bits(w, (uint32_t)(hdist - 1), 5);
    put_bits(w, (uint32_t)(hclen - 4), 4);
    for (int i = 0; i < hclen; i++) put_bits(w, cl_len[CODELEN_ORDER[i]], 3);
    for (int i = 0; i < nrle; i++) {
        int s = rle_sym[i];
        put_bits(w, cl_code[s], cl_len[s]);
        if (s == 16) put_bits(w, rle_extra[i], 2);
        else if (s == 17) put_bits(w, rle_extra[i], 3);
        else if (s == 18) put_bits(w, rle_extra[i], 7);
    }
    for (int i = 0; i < ntokens; i++) {
        uint32_t t = tokens[i];
        if (t < 256) {
            put_bits(w, lit_code[t], lit_len[t]);
            continue;
        }
        int len = (int)(t >> 16), dist = (int)(t & 0xFFFF);
        int lc = length_code[len], dc = dist_code[dist];
        put_bits(w, lit_code[257 + lc], lit_len[257 + lc]);
        put_bits(w, (uint32_t)(len - LEN_BASE[lc]), LEN_EXTRA[lc]);
        put_bits(w, dist_codes[dc], dist_len[dc]);
        put_bits(w, (uint32_t)(dist - DIST_BASE[dc]), DIST_EXTRA[dc]);
    }
    put_bits(w, lit_code[256], lit_len[256]);
}

static size_t compress(Compressor *c, const uint8_t *in, size_t n, uint8_t *out, size_t cap) {
    BitWriter w = {out, 0, cap, 0, 0};
    int ntokens = 0;
    for (int i = 0; i < HASH_SIZE; i++) c->head[i] = -1;
    size_t pos = 0;
    if (n == 0) {
        write_block(&w, c->tokens, 0, 1);
        flush_bits(&w);
        return w.len;
    }
    while (pos < n) {
        int best_len = 0, best_dist = 0;
        if (pos + MIN_MATCH <= n) {
            uint32_t h = hash3(in + pos);
            int32_t cand = c->head[h];
            int chain = MAX_CHAIN;
            size_t max_len = n - pos < MAX_MATCH ? n - pos : MAX_MATCH;
            while (cand >= 0 && pos - (size_t)cand <= WINDOW_SIZE && chain-- > 0) {
                const uint8_t *a = in + cand, *b = in + pos;
                if (a[best_len] == b[best_len] && a[0] == b[0]) {
                    size_t len = 0;
                    while (len < max_len && a[len] == b[len]) len++;
                    if ((int)len > best_len) {
                        best_len = (int)len;
                        best_dist = (int)(pos - (size_t)cand);
                        if (len >= NICE_MATCH || len == max_len) break;
                    }
                }
                int32_t next = c->prev[cand & WINDOW_MASK];
                if (next >= cand) break;
                cand = next;
            }
            c->prev[pos & WINDOW_MASK] = c->head[h];
            c->head[h] = (int32_t)pos;
        }
        if (best_len >= MIN_MATCH) {
            c->tokens[ntokens++] = (uint32_t)best_len << 16 | (uint32_t)best_dist;
            /* Index the positions the match covers so later matches find them. */
            size_t end = pos + (size_t)best_len;
            for (pos++; pos < end; pos++) {
                if (pos + MIN_MATCH <= n) {
                    uint32_t h = hash3(in + pos);
                    c->prev[pos & WINDOW_MASK] = c->head[h];
                    c->head[h] = (int32_t)pos;
                }
            }
        } else {
            c->tokens[ntokens++] = in[pos++];
        }
        if (ntokens == BLOCK_TOKENS || pos == n) {
            write_block(&w, c->tokens, ntokens, pos == n);
            ntokens = 0;
        }
    }
    flush_bits(&w);
    return w.len;
}

/* ---------------- inflater ---------------- */

#define FAST_BITS 10

typedef struct {
    uint16_t count[MAX_BITS + 1];
    uint16_t symbol[NUM_LITLEN + 2];
    uint16_t fast[1 << FAST_BITS]; /* symbol << 4 | length, or 0 for long codes */
} Huffman;

typedef struct {
    const uint8_t *in;
    size_t n, pos;
    uint64_t bits;
    int count;
    const char *error;
} BitReader;

static inline void need_bits(BitReader *r, int n) {
    while (r->count < n) {
        /* Past the end, feed zeros; inflate() checks for overrun at the end. */
        uint64_t byte = r->pos < r->n ? r->in[r->pos] : 0;
        r->pos++;
        r->bits |= byte << r->count;
        r->count += 8;
    }
}

static inline uint32_t get_bits(BitReader *r, int n) {
    if (n == 0) return 0;
    need_bits(r, n);
    uint32_t v = (uint32_t)(r->bits & ((1ull << n) - 1));
    r->bits >>= n;
    r->count -= n;
    return v;
}

/* Returns 0 on an over-subscribed set of lengths. Incomplete codes are
   allowed (a single distance code is legal). */
static int build_huffman(Huffman *h, const uint8_t *lengths, int n) {
    uint16_t offs[MAX_BITS + 2];
    memset(h->count, 0, sizeof h->count);
    for (int s = 0; s < n; s++) h->count[lengths[s]]++;
    int left = 1;
    for (int len = 1; len <= MAX_BITS; len++) {
        left <<= 1;
        left -= h->count[len];
        if (left < 0) return 0;
    }
    offs[1] = 0;
    for (int len = 1; len < MAX_BITS; len++) offs[len + 1] = (uint16_t)(offs[len] + h->count[len]);
    for (int s = 0; s < n; s++)
        if (lengths[s]) h->symbol[offs[lengths[s]]++] = (uint16_t)s;
    memset(h->fast, 0, sizeof h->fast);
    int code = 0, index = 0;
    for (int len = 1; len <= FAST_BITS; len++) {
        for (int k = 0; k < h->count[len]; k++, code++, index++) {
            int rev = 0;
            for (int i = 0; i < len; i++) rev = rev << 1 | (code >> i & 1);
            for (int fill = rev; fill < (1 << FAST_BITS); fill += 1 << len)
                h->fast[fill] = (uint16_t)(h->symbol[index] << 4 | len);
        }
        code <<= 1;
    }
    return 1;
}

static int decode_symbol(BitReader *r, const Huffman *h) {
    need_bits(r, FAST_BITS);
    uint16_t e = h->fast[r->bits & ((1u << FAST_BITS) - 1)];
    if (e) {
        r->bits >>= e & 15;
        r->count -= e & 15;
        return e >> 4;
    }
    /* Long code: canonical decode one bit at a time (as in zlib's puff.c). */
    int code = 0, first = 0, index = 0;
    for (int len = 1; len <= MAX_BITS; len++) {
        code |= (int)get_bits(r, 1);
        int count = h->count[len];
        if (code - count < first) return h->symbol[index + (code - first)];
        index += count;
        first += count;
        first <<= 1;
        code <<= 1;
    }
    r->error = "invalid Huffman code";
    return -1;
}

static int inflate_codes(BitReader *r, const Huffman *lit, const Huffman *dist, uint8_t *out, size_t *outpos,
                         size_t cap) {
    size_t o = *outpos;
    for (;;) {
        int sym = decode_symbol(r, lit);
        if (sym < 0) return 0;
        if (sym < 256) {
            if (o >= cap) return r->error = "output overflow", 0;
            out[o++] = (uint8_t)sym;
        } else if (sym == 256) {
            *outpos = o;
            return 1;
        } else {
            sym -= 257;
            if (sym >= 29) return r->error = "bad length symbol", 0;
            size_t len = LEN_BASE[sym] + get_bits(r, LEN_EXTRA[sym]);
            int ds = decode_symbol(r, dist);
            if (ds < 0 || ds >= 30) return r->error = "bad distance symbol", 0;
            size_t d = DIST_BASE[ds] + get_bits(r, DIST_EXTRA[ds]);
            if (d > o) return r->error = "distance too far back", 0;
            if (o + len > cap) return r->error = "output overflow", 0;
            const uint8_t *from = out + o - d;
            for (size_t i = 0; i < len; i++) out[o + i] = from[i]; /* may overlap */
            o += len;
        }
    }
}

static size_t inflate(const uint8_t *in, size_t n, uint8_t *out, size_t cap, const char **error) {
    static Huffman lit, dist;
    BitReader r = {in, n, 0, 0, 0, NULL};
    size_t o = 0;
    int final;
    do {
        final = (int)get_bits(&r, 1);
        int type = (int)get_bits(&r, 2);
        if (type == 0) {
            r.bits >>= r.count & 7; /* to a byte boundary */
            r.count -= r.count & 7;
            uint32_t len = get_bits(&r, 16), nlen = get_bits(&r, 16);
            if ((len ^ 0xFFFF) != nlen) r.error = "stored length mismatch";
            else if (o + len > cap) r.error = "output overflow";
            else
                for (uint32_t i = 0; i < len; i++) out[o++] = (uint8_t)get_bits(&r, 8);
        } else if (type == 1) {
            uint8_t lengths[288];
            for (int s = 0; s < 288; s++) lengths[s] = s < 144 ? 8 : s < 256 ? 9 : s < 280 ? 7 : 8;
            build_huffman(&lit, lengths, 288);
            for (int s = 0; s < 30; s++) lengths[s] = 5;
            build_huffman(&dist, lengths, 30);
            inflate_codes(&r, &lit, &dist, out, &o, cap);
        } else if (type == 2) {
            int hlit = (int)get_bits(&r, 5) + 257, hdist = (int)get_bits(&r, 5) + 1, hclen = (int)get_bits(&r, 4) + 4;
            uint8_t lengths[NUM_LITLEN + NUM_DIST + 2] = {0};
            uint8_t cl_len[NUM_CODELEN] = {0};
            for (int i = 0; i < hclen; i++) cl_len[CODELEN_ORDER[i]] = (uint8_t)get_bits(&r, 3);
            Huffman cl;
            if (hlit > NUM_LITLEN || !build_huffman(&cl, cl_len, NUM_CODELEN)) {
                r.error = "bad code length code";
                break;
            }
            for (int i = 0; i < hlit + hdist && !r.error;) {
                int sym = decode_symbol(&r, &cl);
                int rep = 0, value = 0;
                if (sym < 0) break;
                if (sym < 16) {
                    lengths[i++] = (uint8_t)sym;
                    continue;
                }
                if (sym == 16) {
                    if (i == 0) {
                        r.error = "repeat with no previous length";
                        break;
                    }
                    value = lengths[i - 1];
                    rep = 3 + (int)get_bits(&r, 2);
                } else if (sym == 17) {
                    rep = 3 + (int)get_bits(&r, 3);
                } else {
                    rep = 11 + (int)get_bits(&r, 7);
                }
                if (i + rep > hlit + hdist) {
                    r.error = "too many code lengths";
                    break;
                }
                while (rep--) lengths[i++] = (uint8_t)value;
            }
            if (r.error) break;
            if (!build_huffman(&lit, lengths, hlit) || !build_huffman(&dist, lengths + hlit, hdist)) {
                r.error = "over-subscribed code";
                break;
            }
            inflate_codes(&r, &lit, &dist, out, &o, cap);
        } else {
            r.error = "reserved block type";
        }
    } while (!final && !r.error);
    if (!r.error && (r.pos - (size_t)(r.count / 8)) > n) r.error = "input overrun";
    *error = r.error;
    return o;
}

/* ---------------- input generator and checks ---------------- */

static uint32_t crc_table[256];

static void init_crc(void) {
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++) c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        crc_table[i] = c;
    }
}

static uint32_t crc32(const uint8_t *p, size_t n) {
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++) c = crc_table[(c ^ p[i]) & 0xFF] ^ (c >> 8);
    return c ^ 0xFFFFFFFFu;
}

static uint64_t rng_state;

static uint32_t rng(void) {
    rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
    return (uint32_t)(rng_state >> 33);
}

static const char *const VOCAB[] = {
    "the",     "of",       "and",    "to",      "in",       "a",       "is",     "that",    "for",   "it",
    "module",  "function", "memory", "table",   "global",   "export",  "import", "section", "type",  "value",
    "compile", "native",   "bounds", "check",   "trap",     "stack",   "frame",  "local",   "block", "loop",
    "branch",  "return",   "call",   "indirect", "element", "data",    "start",  "custom",  "name",  "code",
    "linear",  "page",     "grow",   "size",    "load",     "store",   "align",  "offset",  "lane",  "result",
};
#define NVOCAB (sizeof VOCAB / sizeof VOCAB[0])

/* Text-like data with a skewed word distribution, numbers, and occasional
   incompressible noise, so both literal-heavy and match-heavy paths run. */
static void generate_input(uint8_t *buf, size_t n, uint64_t seed) {
    rng_state = seed;
    size_t i = 0;
    while (i < n) {
        uint32_t r = rng() % 1000;
        if (r < 6) {
            size_t run = 16 + rng() % 200;
            for (size_t k = 0; k < run && i < n; k++) buf[i++] = (uint8_t)rng();
        } else if (r < 80) {
            char num[16];
            int len = snprintf(num, sizeof num, "%u", rng() % 100000);
            for (int k = 0; k < len && i < n; k++) buf[i++] = (uint8_t)num[k];
            if (i < n) buf[i++] = ' ';
        } else {
            uint32_t a = rng() % NVOCAB, b = rng() % NVOCAB;
            const char *w = VOCAB[a < b ? a : b]; /* favour the front of the list */
            for (size_t k = 0; w[k] && i < n; k++) buf[i++] = (uint8_t)w[k];
            if (i < n) buf[i++] = r % 17 == 0 ? '.' : r % 29 == 0 ? '\n' : ' ';
        }
    }
}

int main(int argc, char **argv) {
    int rounds = argc > 1 ? atoi(argv[1]) : DEFAULT_ROUNDS;
    int dump = argc > 2 && strcmp(argv[2], "dump") == 0;
    init_code_tables();
    init_crc();

    size_t cap = INPUT_SIZE + INPUT_SIZE / 8 + 1024;
    uint8_t *input = xmalloc(INPUT_SIZE), *packed = xmalloc(cap), *output = xmalloc(INPUT_SIZE);
    Compressor *c = xmalloc(sizeof *c);
    uint64_t total_in = 0, total_out = 0;
    uint32_t crc_all = 0;

    for (int round = 0; round < rounds; round++) {
        /* Sizes vary per round so block boundaries move around. */
        size_t n = INPUT_SIZE - (size_t)round * 4099 % 65536;
        generate_input(input, n, 0x243F6A8885A308D3ull + (uint64_t)round);
        size_t packed_len = compress(c, input, n, packed, cap);
        const char *error = NULL;
        memset(output, 0, n);
        size_t out_len = inflate(packed, packed_len, output, INPUT_SIZE, &error);
        if (error || out_len != n || memcmp(input, output, n) != 0) {
            fprintf(stderr, "round %d: round trip failed (%s)\n", round, error ? error : "data differs");
            return 1;
        }
        uint32_t crc = crc32(input, n);
        if (dump && round == 0) {
            printf("input-crc32 %08x\ncompressed ", crc);
            for (size_t i = 0; i < packed_len; i++) printf("%02x", packed[i]);
            printf("\n");
        }
        crc_all ^= crc32(packed, packed_len) + (uint32_t)round;
        total_in += n;
        total_out += packed_len;
    }
    printf("rounds %d in %llu out %llu ratio %.4f\n", rounds, (unsigned long long)total_in,
           (unsigned long long)total_out, total_in ? (double)total_out / (double)total_in : 0.0);
    printf("compressed-crc %08x\n", crc_all);
    free(input);
    free(packed);
    free(output);
    free(c);
    return 0;
}
