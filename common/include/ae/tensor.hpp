// Matrices, labels and seeded random numbers: the vocabulary of every lesson.
// Shapes follow one convention everywhere: N batch, D input, H hidden, Z latent, K components.
#pragma once
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <xtensor/xtensor.hpp>
#include <xtensor/xview.hpp>  // rows and row ranges of a Matrix: how batches are taken

namespace ae {

using Matrix = xt::xtensor<float, 2>;  // row-major; one example per row
using Vector = xt::xtensor<float, 1>;
using MatrixD = xt::xtensor<double, 2>;  // for gradient checks and exact references
using Labels = std::vector<int>;

// A seeded random number generator; the same seed gives the same run on the same machine.
class Rng {
  public:
    explicit Rng(uint64_t seed = 42) : gen_(seed) {}
    float uniform();         // one draw in [0, 1)
    float normal();          // one draw from N(0, 1)
    size_t index(size_t n);  // uniform in [0, n)
    Matrix uniform(size_t rows, size_t cols, float lo = 0.f, float hi = 1.f);
    Matrix normal(size_t rows, size_t cols, float mean = 0.f, float stddev = 1.f);
    // The same distribution as normal(rows, cols, ...), several times faster: Box-Muller on
    // blocks, two 32-bit uniforms from one 64-bit draw per pair, log and sincos vectorised
    // (xsimd). Seeded and reproducible (same seed, same numbers up to float rounding on any SIMD
    // width: pair i fills entries 2i and 2i + 1), but another stream than normal(): |z| <= 6.8
    // (the chance of more is 1e-11 under N(0, 1)). Its plain twin: common/src/plain.hpp.
    Matrix normal_fast(size_t rows, size_t cols, float mean = 0.f, float stddev = 1.f);
    void normal_fast(float* out, size_t n, float mean = 0.f, float stddev = 1.f);
    std::vector<size_t> permutation(size_t n);
    Rng split();  // an independent stream, e.g. for noise, so data order stays reproducible
    std::mt19937_64& engine() { return gen_; }

  private:
    std::mt19937_64 gen_;
};

// rows idx[begin..end) of x, in that order: (end - begin, D)
Matrix gather_rows(const Matrix& x, const std::vector<size_t>& idx, size_t begin, size_t end);
Matrix gather_rows(const Matrix& x, const std::vector<size_t>& idx);
Labels gather(const Labels& labels, const std::vector<size_t>& idx);

// "(256, 784)"
std::string shape_str(const Matrix& m);
// Throws ae::ShapeError "<what>: expected (rows, cols), got (r, c)"; 0 means "any".
void require_shape(const Matrix& m, size_t rows, size_t cols, const std::string& what);

// True if every entry is finite.
bool all_finite(const Matrix& m);

// Keeps the memory of freed matrices in the process (glibc), so the next training step reuses it
// instead of asking the kernel for fresh zeroed pages: a step of the deep AE allocates and frees
// a few MB, and by default glibc hands blocks over 128 kB back at once. Called by guarded_main()
// and the training loop; idempotent. Figures: bench/README.md.
void keep_freed_memory();

// Asks the kernel to back a large, not yet written matrix with 2 MB pages (Linux transparent
// huge pages in their "madvise" mode), so that filling it faults 512x less often: 188 MB of
// training images are written in about 0.05 s instead of 0.5-0.65 s on a 2-core VM. A hint:
// where the kernel has no huge pages (or another OS) nothing changes but the speed.
void prefer_huge_pages(Matrix& m);

}  // namespace ae
