// The hand-vectorised kernels of the library against the plain code they replace: the blocked
// float sum behind the losses (common/src/simd.hpp) on the output layer's size, the Gaussian
// sampler Rng::normal_fast against Rng::normal (one std::normal_distribution draw per entry), and
// the BCE from logits as whole-matrix xtensor statements against std::exp/std::log1p per entry;
// and parallel_for / block_sums over 2^19 to 2^23 entries, where they use the cores (the thread
// pool; built with -fopenmp -DAE_PARALLEL_OPENMP, OpenMP instead: bench/README.md); and each fast
// kernel against its plain twin (common/src/plain.hpp) on one training batch and on a
// whole-dataset pass, where the fast ones split over the cores.
// Run: build/bin/bench_kernels   (one JSON line on stdout; fields: bench/README.md)
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <CLI/CLI.hpp>
#include <string>
#include <utility>
#include <vector>

#include "../common/src/plain.hpp"
#include "../common/src/simd.hpp"
#include "ae/io.hpp"
#include "ae/loss.hpp"
#include "ae/progress.hpp"

using namespace ae;

namespace {
// Best of 7 rounds of `reps` calls, in microseconds per call.
template <class F>
double best_us(int reps, F&& f) {
    double best = 1e30;
    for (int round = 0; round < 7; ++round) {
        Timer t;
        for (int r = 0; r < reps; ++r) f();
        best = std::min(best, t.seconds() / reps * 1e6);
    }
    return best;
}
// The library's elementwise work on n entries where it goes over the cores (an SGD-with-momentum
// update: three streams, y = 0.9 y + 0.1 g), and a loss's sum of squares through block_sums; in
// microseconds per call, for n = 2^19 (kMinParallel) to 2^23.
struct ParallelFigures {
    std::vector<double> sizes, for_us, sums_us;
};
ParallelFigures parallel_figures(Rng& rng, volatile double& sink) {
    ParallelFigures out;
    for (int log2n = 19; log2n <= 23; ++log2n) {
        const size_t n = size_t{1} << log2n;
        const Matrix g = rng.uniform(1, n);
        Matrix y = rng.uniform(1, n);
        const int reps = static_cast<int>(std::max<size_t>(2, (size_t{1} << 24) / n));
        out.sizes.push_back(static_cast<double>(n));
        out.for_us.push_back(best_us(reps, [&] {
            parallel::parallel_for(n, [&](size_t begin, size_t end) {
                auto v = parallel::span(y, begin, end);
                v = 0.9f * v + 0.1f * parallel::span(g, begin, end);
            });
        }));
        out.sums_us.push_back(best_us(reps, [&] {
            sink = parallel::block_sums(n, [&](size_t begin, size_t end, float* terms) {
                for (size_t i = begin; i < end; ++i) {
                    const float d = y.data()[i] - g.data()[i];
                    terms[i - begin] = d * d;
                }
            });
        }));
    }
    return out;
}

// Each fast kernel and its plain twin on an (n, 784) matrix: "name": [fast_us, plain_us], ...
Json twins_json(size_t n, int reps, Rng& rng, volatile double& sink) {
    const Matrix z = rng.normal(n, 784, 0.f, 3.f), t = rng.uniform(n, 784);
    std::vector<float> draws(z.size());
    Rng a(3), b(3);
    const std::pair<const char*, std::pair<double, double>> rows[] = {
        {"sigmoid",
         {best_us(reps, [&] { sink = sigmoid(z)(0, 0); }),
          best_us(reps, [&] { sink = plain::sigmoid(z)(0, 0); })}},
        {"mse_loss",
         {best_us(reps, [&] { sink = mse_loss(z, t).value; }),
          best_us(reps, [&] { sink = plain::mse_loss(z, t, Reduction::Mean).value; })}},
        {"bce_with_logits_loss",
         {best_us(reps, [&] { sink = bce_with_logits_loss(z, t).value; }),
          best_us(reps, [&] { sink = plain::bce_with_logits_loss(z, t, Reduction::Mean).value; })}},
        {"normal_fast",
         {best_us(reps, [&] { a.normal_fast(draws.data(), draws.size()); }),
          best_us(reps,
                  [&] { plain::normal_fast(b.engine(), draws.data(), draws.size(), 0, 1); })}},
    };
    Json out;
    for (const auto& [name, us] : rows)
        out.set(name, std::vector<double>{round_to(us.first, 1), round_to(us.second, 1)});
    return out;
}
}  // namespace

int main(int argc, char** argv) {
    // No flags: --help says what it measures; anything else is refused before any timing.
    CLI::App app(
        "The library's hand-vectorised and threaded kernels against their plain code "
        "(one JSON line; fields: bench/README.md)");
    CLI11_PARSE(app, argc, argv);
    keep_freed_memory();  // as guarded_main does in every program: no page faults per allocation
    Rng rng(1);
    const Matrix x = rng.uniform(256, 784);  // one batch of the output layer
    volatile double sink = 0;
    const double plain = best_us(200, [&] {
        double s = 0;
        for (size_t b = 0; b < x.size(); b += parallel::kBlock)
            s += parallel::block_sum_plain(x.data() + b, std::min(parallel::kBlock, x.size() - b));
        sink = s;
    });
    const double simd = best_us(200, [&] {
        double s = 0;
        for (size_t b = 0; b < x.size(); b += parallel::kBlock)
            s += parallel::block_sum(x.data() + b, std::min(parallel::kBlock, x.size() - b));
        sink = s;
    });
    // As a loss sums its terms: each block written to an L1 buffer, then summed, over the cores.
    const double threaded = best_us(200, [&] {
        sink = parallel::block_sums(x.size(), [&](size_t begin, size_t end, float* out) {
            std::copy(x.data() + begin, x.data() + end, out);
        });
    });
    // Noise for one batch of lesson 03 (256 x 784), in nanoseconds per draw.
    Matrix noise({256, 784});
    const double per_draw = 1e3 / static_cast<double>(noise.size());
    const double normal_ns = per_draw * best_us(50, [&] { noise = rng.normal_fast(256, 784); });
    const double scalar_ns = per_draw * best_us(50, [&] { noise = rng.normal(256, 784); });
    sink = sink + noise(0, 0);
    // The BCE of one batch of logits (lessons 02 and 05): the library's loss (vectorised exp and
    // log1p, gradient included) against the per-entry terms alone through std::exp/std::log1p.
    const Matrix logits = rng.normal(256, 784, 0.f, 3.f);
    const double bce_us = best_us(50, [&] { sink = bce_with_logits_loss(logits, x).value; });
    const double bce_plain_us = best_us(20, [&] {
        double s = 0;
        for (size_t i = 0; i < logits.size(); ++i) {
            const float l = logits.data()[i];
            s += std::max(l, 0.f) - l * x.data()[i] + std::log1p(std::exp(-std::abs(l)));
        }
        sink = s;
    });
    const ParallelFigures par = parallel_figures(rng, sink);
    // One training batch (256 x 784: one thread) and a whole-dataset pass (10,000 x 784, over
    // the cores), fast against plain.
    const Json batch = twins_json(256, 20, rng, sink), pass = twins_json(10000, 2, rng, sink);
    std::vector<double> for_us, sums_us;
    for (double v : par.for_us) for_us.push_back(round_to(v, 1));
    for (double v : par.sums_us) sums_us.push_back(round_to(v, 1));
    Json line;
    line.set("bench", "kernels")
        .set("entries", x.size())
        .set("sum_plain_us", round_to(plain, 1))
        .set("sum_simd_us", round_to(simd, 1))
        .set("sum_simd_threads_us", round_to(threaded, 1))
        .set("threads", parallel::threads())
        .set("normal_ns_per_draw", round_to(normal_ns, 2))
        .set("normal_scalar_ns_per_draw", round_to(scalar_ns, 2))
        .set("bce_with_logits_us", round_to(bce_us, 1))
        .set("bce_per_entry_libm_us", round_to(bce_plain_us, 1))
        .set("fast_vs_plain_us_256x784", batch)
        .set("fast_vs_plain_us_10000x784", pass)
#ifdef AE_PARALLEL_OPENMP
        .set("parallel", "openmp")
#else
        .set("parallel", "pool")
#endif
        .set("parallel_sizes", par.sizes)
        .set("parallel_for_us", for_us)
        .set("block_sums_us", sums_us);
    std::printf("%s\n", line.dump_line().c_str());
    return sink == 0.5 ? 1 : 0;
}
