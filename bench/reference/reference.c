/*
 * The C reference for `npm run bench`: the three workloads as a C programmer would write them, compiled at bench time
 * with gcc -O3 (bench/c-reference.ts). Each reads its inputs from a binary file the bench writes (so C and JS start
 * from the same doubles), runs `repeats` times and prints one JSON line: the seconds of each repeat and a checksum of
 * the results, which the bench compares with the engine's.
 *
 * The arithmetic is the engine's, operation for operation (PyTorch's AdaGrad: G += g·g; θ += (−lr)·(g/(√G + eps))),
 * and the build forbids contraction into FMA (-ffp-contract=off), so W1 and W2 must agree with the engine bit for bit.
 * W3 calls exp, and glibc's exp is not V8's (fdlibm's): the two may differ in the last bit, so W3 agrees closely, not
 * exactly. -fno-math-errno lets sqrt compile to the instruction (no errno, same result), which lets W1 vectorize.
 *
 * Usage: reference w1|w2|w3 <input file> <repeats>
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* CPU time of this process, as the bench measures JavaScript: the machine may be shared with other work. */
static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void *read_file(const char *path, size_t *size) {
  FILE *f = fopen(path, "rb");
  if (!f) { perror(path); exit(2); }
  fseek(f, 0, SEEK_END);
  *size = (size_t)ftell(f);
  fseek(f, 0, SEEK_SET);
  void *data = malloc(*size);
  if (fread(data, 1, *size, f) != *size) { perror(path); exit(2); }
  fclose(f);
  return data;
}

static void print_result(const char *name, const double *seconds, int repeats, double checksum) {
  printf("{\"workload\":\"%s\",\"seconds\":[", name);
  for (int i = 0; i < repeats; i++) printf("%s%.9g", i ? "," : "", seconds[i]);
  printf("],\"checksum\":%.17g}\n", checksum);
}

/*
 * W1: runs side by side (struct of arrays), one step of every run at a time, so that the loop over runs vectorizes.
 * f = w² + 10b² from (1, 1); summary kept: final loss, best loss and its step; x − x sums flag a non-finite value.
 * Input: int32 runs, int32 steps, then runs lr, then runs eps (float64).
 */
static void w1(const char *path, int repeats) {
  size_t size;
  char *in = read_file(path, &size);
  int runs, steps;
  memcpy(&runs, in, 4);
  memcpy(&steps, in + 4, 4);
  double *lr = malloc(runs * 8), *eps = malloc(runs * 8);
  memcpy(lr, in + 8, runs * 8);
  memcpy(eps, in + 8 + runs * 8, runs * 8);
  double *w = malloc(runs * 8), *b = malloc(runs * 8);
  double *Gw = malloc(runs * 8), *Gb = malloc(runs * 8), *loss = malloc(runs * 8), *best = malloc(runs * 8);
  double *bestStep = malloc(runs * 8), *check = malloc(runs * 8);
  double seconds[64], checksum = 0;
  for (int rep = 0; rep < repeats; rep++) {
    double t0 = now();
    for (int r = 0; r < runs; r++) {
      w[r] = 1; b[r] = 1; Gw[r] = 0; Gb[r] = 0;
      loss[r] = w[r] * w[r] + 10 * (b[r] * b[r]);
      best[r] = loss[r]; bestStep[r] = 0; check[r] = 0;
    }
    for (int s = 1; s <= steps; s++) {
      const double step = s;
      for (int r = 0; r < runs; r++) {
        const double g0 = 2 * w[r], g1 = 20 * b[r];
        const double G0 = Gw[r] + g0 * g0, G1 = Gb[r] + g1 * g1;
        const double rate = -lr[r];
        const double x0 = w[r] + (rate * g0) / (sqrt(G0) + eps[r]);
        const double x1 = b[r] + (rate * g1) / (sqrt(G1) + eps[r]);
        const double f = x0 * x0 + 10 * (x1 * x1);
        Gw[r] = G0; Gb[r] = G1; w[r] = x0; b[r] = x1;
        loss[r] = f;
        check[r] += (G0 - G0) + (G1 - G1) + (x0 - x0) + (x1 - x1) + (f - f);
        const int better = f < best[r];
        best[r] = better ? f : best[r];
        bestStep[r] = better ? step : bestStep[r];
      }
    }
    seconds[rep] = now() - t0;
    checksum = 0;
    for (int r = 0; r < runs; r++) checksum += loss[r] + best[r] + bestStep[r] + check[r];
  }
  print_result("w1", seconds, repeats, checksum);
}

/*
 * W2: one run on ½ Σ κᵢ xᵢ² in d dimensions, fused into one pass per step: the gradient κᵢxᵢ, AdaGrad, and the loss at
 * the new point, reading x, κ, G and writing x, G. Input: int32 dim, int32 steps, float64 lr, float64 eps, then dim κ.
 */
static void w2(const char *path, int repeats) {
  size_t size;
  char *in = read_file(path, &size);
  int dim, steps;
  double lr, eps;
  memcpy(&dim, in, 4);
  memcpy(&steps, in + 4, 4);
  memcpy(&lr, in + 8, 8);
  memcpy(&eps, in + 16, 8);
  double *kappa = malloc((size_t)dim * 8), *x = malloc((size_t)dim * 8), *G = malloc((size_t)dim * 8);
  memcpy(kappa, in + 24, (size_t)dim * 8);
  double seconds[64], checksum = 0;
  for (int rep = 0; rep < repeats; rep++) {
    for (int i = 0; i < dim; i++) { x[i] = 1; G[i] = 0; }
    double t0 = now();
    double loss = 0, check = 0;
    const double rate = -lr;
    for (int s = 1; s <= steps; s++) {
      double twice = 0;
      for (int i = 0; i < dim; i++) {
        const double k = kappa[i], xi = x[i];
        const double g = k * xi;
        const double Gi = G[i] + g * g;
        const double xn = xi + (rate * g) / (sqrt(Gi) + eps);
        G[i] = Gi; x[i] = xn;
        twice += k * (xn * xn);
        check += (Gi - Gi) + (xn - xn);
      }
      loss = 0.5 * twice;
    }
    seconds[rep] = now() - t0;
    checksum = loss + check;
  }
  print_result("w2", seconds, repeats, checksum);
}

/* log(1 + eᵐ) − y·m, and σ(m) − y, with one exp, as src-core/objectives/sparse-logreg.ts writes them. */
static double full_loss(const double *theta, const int32_t *idx, const uint8_t *labels, int n, int k) {
  double loss = 0;
  for (int s = 0; s < n; s++) {
    double m = 0;
    for (int j = s * k; j < s * k + k; j++) m += theta[idx[j]];
    const double e = exp(-fabs(m));
    loss += (m > 0 ? m : 0) + log1p(e) - labels[s] * m;
  }
  return loss * (1.0 / n);
}

/*
 * The order of W3's samples as the engine draws it (src-core/objectives/sample-order.ts; wasm/adagrad.ts,
 * shuffleSamples): MT19937 seeded as NumPy's RandomState(seed) (init_genrand), and each epoch a permutation of 0…n−1 by
 * NumPy's legacy shuffle, for i from n−1 down to 1 a swap with j drawn by random_interval(i): draws masked by the
 * smallest all-ones mask ≥ i until one is ≤ i.
 */
enum { MT_N = 624, MT_M = 397 };
typedef struct { uint32_t key[MT_N]; int pos; } mt_state;

static void mt_seed(mt_state *st, uint32_t seed) {
  st->key[0] = seed;
  for (int i = 1; i < MT_N; i++) st->key[i] = 1812433253u * (st->key[i - 1] ^ (st->key[i - 1] >> 30)) + (uint32_t)i;
  st->pos = MT_N;
}

static void mt_twist_word(uint32_t *key, int i, int next, int far) {
  const uint32_t y = (key[i] & 0x80000000u) | (key[next] & 0x7fffffffu);
  key[i] = key[far] ^ (y >> 1) ^ (y & 1 ? 0x9908b0dfu : 0);
}

static uint32_t mt_next(mt_state *st) {
  if (st->pos == MT_N) {
    int i = 0;
    for (; i < MT_N - MT_M; i++) mt_twist_word(st->key, i, i + 1, i + MT_M);
    for (; i < MT_N - 1; i++) mt_twist_word(st->key, i, i + 1, i + MT_M - MT_N);
    mt_twist_word(st->key, MT_N - 1, 0, MT_M - 1);
    st->pos = 0;
  }
  uint32_t y = st->key[st->pos++];
  y ^= y >> 11;
  y ^= (y << 7) & 0x9d2c5680u;
  y ^= (y << 15) & 0xefc60000u;
  return y ^ (y >> 18);
}

/*
 * One draw a turn, as the engine's kernel draws them: a draw above i (rejected) swaps order[i] with itself and leaves
 * i as it is, without a branch on it (a rejection loop mispredicts about every other draw near the top of the mask).
 */
static void shuffle(mt_state *st, int32_t *order, int n) {
  for (int i = 0; i < n; i++) order[i] = i;
  if (n < 2) return;
  uint32_t mask = (uint32_t)(n - 1);
  mask |= mask >> 1; mask |= mask >> 2; mask |= mask >> 4; mask |= mask >> 8; mask |= mask >> 16;
  for (uint32_t i = (uint32_t)(n - 1); i >= 1;) {
    const uint32_t j = mt_next(st) & mask;
    const uint32_t accepted = j <= i;
    const uint32_t other = accepted ? j : i;
    const int32_t t = order[i];
    order[i] = order[other];
    order[other] = t;
    i -= accepted;
    if (i <= mask >> 1) mask >>= 1;
  }
}

/* The samples of `steps` steps from `seed`, epoch after epoch: what the engine's SampleOrder gives. */
static int orders_agree(uint32_t seed, int n, int steps, const int32_t *expected) {
  mt_state *mt = malloc(sizeof(mt_state));
  int32_t *perm = malloc((size_t)n * 4);
  int agree = 1;
  mt_seed(mt, seed);
  for (int t = 0; t < steps && agree; t++) {
    if (t % n == 0) shuffle(mt, perm, n);
    agree = perm[t % n] == expected[t];
  }
  free(perm);
  free(mt);
  return agree;
}

/*
 * W3: per-sample AdaGrad on sparse logistic regression, the lazy update on the sample's k features, the full-data
 * loss at the start and the end; timed as the engine times its run: θ and G zeroed and each epoch's order drawn
 * inside the timing (the engine's run does both). Input: int32 samples, features, k, steps; uint32 seed, int32 0;
 * float64 lr, eps; then samples·k int32 feature indices, `steps` int32 sample indices (the engine's order, which the
 * order drawn here is checked against), samples uint8 labels.
 */
static void w3(const char *path, int repeats) {
  size_t size;
  char *in = read_file(path, &size);
  int32_t head[4];
  uint32_t seed;
  double lr, eps;
  memcpy(head, in, 16);
  memcpy(&seed, in + 16, 4);
  memcpy(&lr, in + 24, 8);
  memcpy(&eps, in + 32, 8);
  const int n = head[0], d = head[1], k = head[2], steps = head[3];
  const int32_t *idx = (const int32_t *)(in + 40);
  const int32_t *expected = idx + (size_t)n * k;
  const uint8_t *labels = (const uint8_t *)(expected + steps);
  double *theta = malloc((size_t)d * 8), *G = malloc((size_t)d * 8);
  int32_t *perm = malloc((size_t)n * 4);
  mt_state *mt = malloc(sizeof(mt_state));
  double seconds[64], checksum = 0;
  for (int rep = 0; rep < repeats; rep++) {
    double t0 = now();
    memset(theta, 0, (size_t)d * 8);
    memset(G, 0, (size_t)d * 8);
    mt_seed(mt, seed);
    double first = full_loss(theta, idx, labels, n, k), check = 0;
    const double rate = -lr;
    for (int t = 0; t < steps; t++) {
      if (t % n == 0) shuffle(mt, perm, n);
      const int s = perm[t % n];
      const int32_t *row = idx + (size_t)s * k;
      double m = 0;
      for (int j = 0; j < k; j++) m += theta[row[j]];
      const double e = exp(-fabs(m));
      const double r = (m >= 0 ? 1 : e) / (1 + e) - labels[s];
      for (int j = 0; j < k; j++) {
        const int i = row[j];
        const double Gi = G[i] + r * r;
        const double p = theta[i] + (rate * r) / (sqrt(Gi) + eps);
        G[i] = Gi; theta[i] = p;
        check += (p - p) + (Gi - Gi);
      }
    }
    double last = full_loss(theta, idx, labels, n, k);
    seconds[rep] = now() - t0;
    checksum = first + last + check;
  }
  if (!orders_agree(seed, n, steps, expected)) { fprintf(stderr, "w3: the order drawn here is not the engine's\n"); exit(3); }
  print_result("w3", seconds, repeats, checksum);
}

int main(int argc, char **argv) {
  if (argc != 4) { fprintf(stderr, "usage: reference w1|w2|w3 <input> <repeats>\n"); return 2; }
  int repeats = atoi(argv[3]);
  if (repeats < 1 || repeats > 64) { fprintf(stderr, "repeats: 1 to 64\n"); return 2; }
  if (!strcmp(argv[1], "w1")) w1(argv[2], repeats);
  else if (!strcmp(argv[1], "w2")) w2(argv[2], repeats);
  else if (!strcmp(argv[1], "w3")) w3(argv[2], repeats);
  else { fprintf(stderr, "unknown workload %s\n", argv[1]); return 2; }
  return 0;
}
