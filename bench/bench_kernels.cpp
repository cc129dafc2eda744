// The hand-vectorised kernels of the library against the plain code they replace: the blocked
// float sum behind the losses (common/src/simd.hpp) on the output layer's size, the Gaussian
// sampler Rng::normal_fast against Rng::normal (one std::normal_distribution draw per entry), and
// the BCE from logits as whole-matrix xtensor statements against std::exp/std::log1p per entry;
// and each fast kernel against its plain twin (common/src/plain.hpp) on one training batch and
// on a whole-dataset pass, where the fast ones split over the cores.
// Run: build/bin/bench_kernels   (one JSON line on stdout; fields: bench/README.md)
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "../common/src/plain.hpp"
#include "../common/src/simd.hpp"
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
// Each fast kernel and its plain twin on an (n, 784) matrix: "name": [fast_us, plain_us], ...
std::string twins_json(size_t n, int reps, Rng& rng, volatile double& sink) {
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
    std::string out;
    for (const auto& [name, us] : rows) {
        char buf[96];
        std::snprintf(buf, sizeof buf, "%s\"%s\": [%.1f, %.1f]", out.empty() ? "" : ", ", name,
                      us.first, us.second);
        out += buf;
    }
    return "{" + out + "}";
}
}  // namespace

int main() {
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
    // One training batch (256 x 784: one thread) and a whole-dataset pass (10,000 x 784, over
    // the cores), fast against plain.
    const std::string batch = twins_json(256, 20, rng, sink),
                      pass = twins_json(10000, 2, rng, sink);
    std::printf(
        "{\"bench\": \"kernels\", \"entries\": %zu, \"sum_plain_us\": %.1f, \"sum_simd_us\": %.1f, "
        "\"sum_simd_threads_us\": %.1f, \"threads\": %zu, \"normal_ns_per_draw\": %.2f, "
        "\"normal_scalar_ns_per_draw\": %.2f, \"bce_with_logits_us\": %.1f, "
        "\"bce_per_entry_libm_us\": %.1f, \"fast_vs_plain_us_256x784\": %s, "
        "\"fast_vs_plain_us_10000x784\": %s}\n",
        x.size(), plain, simd, threaded, parallel::threads(), normal_ns, scalar_ns, bce_us,
        bce_plain_us, batch.c_str(), pass.c_str());
    return sink == 0.5 ? 1 : 0;
}
