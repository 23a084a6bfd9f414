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
 * W3: per-sample AdaGrad on sparse logistic regression, the lazy update on the sample's k features, the full-data
 * loss at the start and the end. Input: int32 samples, features, k, steps; float64 lr, eps; then samples·k int32
 * feature indices, `steps` int32 sample indices (the order), samples uint8 labels.
 */
static void w3(const char *path, int repeats) {
  size_t size;
  char *in = read_file(path, &size);
  int32_t head[4];
  double lr, eps;
  memcpy(head, in, 16);
  memcpy(&lr, in + 16, 8);
  memcpy(&eps, in + 24, 8);
  const int n = head[0], d = head[1], k = head[2], steps = head[3];
  const int32_t *idx = (const int32_t *)(in + 32);
  const int32_t *order = idx + (size_t)n * k;
  const uint8_t *labels = (const uint8_t *)(order + steps);
  double *theta = malloc((size_t)d * 8), *G = malloc((size_t)d * 8);
  double seconds[64], checksum = 0;
  for (int rep = 0; rep < repeats; rep++) {
    for (int i = 0; i < d; i++) { theta[i] = 0; G[i] = 0; }
    double t0 = now();
    double first = full_loss(theta, idx, labels, n, k), check = 0;
    const double rate = -lr;
    for (int t = 0; t < steps; t++) {
      const int32_t *row = idx + (size_t)order[t] * k;
      double m = 0;
      for (int j = 0; j < k; j++) m += theta[row[j]];
      const double e = exp(-fabs(m));
      const double r = (m >= 0 ? 1 : e) / (1 + e) - labels[order[t]];
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
