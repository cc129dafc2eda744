// Internal to common/src: the two helpers behind the library's elementwise loops, kept here so
// that nn.cpp, loss.cpp and optim.cpp read like the formulas.
//   parallel_for(n, f)  calls f(begin, end) on chunks of [0, n) (chunks start at multiples of
//                       1024): on this thread and on sleeping helper threads, one per extra
//                       OpenBLAS thread (OPENBLAS_NUM_THREADS=1 keeps everything on one core).
//                       Below kMinParallel (2^19) entries the wake-up costs more than it saves:
//                       f(0, n) on this thread.
//   block_sums(n, f)    the sum of n terms that f writes block by block (a loss's terms): float
//                       within blocks of 1024, double across them; no matrix of the terms.
// Speed and the measurements behind these choices: bench/README.md. The pool, not OpenMP: on this
// 2-core machine OpenMP was not faster (its default spin-wait took the cores from OpenBLAS and
// other programs, up to 3x slower; passive waiting was slower below 2^21 entries, within the
// noise above); the OpenMP version (-fopenmp -DAE_PARALLEL_OPENMP) is kept to measure again.
#pragma once
#include <algorithm>
#include <cstdlib>
#include <array>
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <numeric>
#include <thread>
#include <vector>

#include <xsimd/xsimd.hpp>
#include <xtensor/xadapt.hpp>

#include "ae/tensor.hpp"

extern "C" int openblas_get_num_threads(void);

namespace ae::parallel {

constexpr size_t kBlock = 1024;
// Below this many entries one core does the job faster than two: waking a helper costs ~30 us
// on a 2-core VM (bench_kernels: sum_simd_threads_us with 2 threads against 1), the time to
// stream about 2 MB. So a training step's elementwise work (one batch, Adam's 440k parameters)
// stays on the calling thread, and whole-dataset passes (10,000 x 784 and more) use both cores.
constexpr size_t kMinParallel = size_t{1} << 19;

// Helper threads that sleep on a condition variable (never spin: a spinning thread would take
// the core from OpenBLAS's own threads). A job is a number of chunks; the caller and the helpers
// take chunks from one counter, so a helper that wakes late only means fewer chunks for it.
class Pool {
  public:
    static Pool& instance() {
        static Pool pool;
        return pool;
    }

    // Runs job(c) for every c in [0, chunks), on this thread and up to `helpers` helpers.
    void run(size_t chunks, size_t helpers, const std::function<void(size_t)>& job) {
        std::unique_lock<std::mutex> busy(run_mu_, std::try_to_lock);
        if (!busy.owns_lock() || in_helper()) {  // nested or concurrent call: run it here
            for (size_t c = 0; c < chunks; ++c) job(c);
            return;
        }
        Job j{&job, chunks};
        {
            std::lock_guard<std::mutex> lock(mu_);
            while (threads_.size() < helpers) threads_.emplace_back([this] { helper_loop(); });
            job_ = &j;
            ++generation_;
        }
        wake_.notify_all();
        work(j);
        std::unique_lock<std::mutex> lock(mu_);
        done_.wait(lock, [&] { return j.done == chunks && j.active == 0; });
        job_ = nullptr;
    }

    ~Pool() {
        {
            std::lock_guard<std::mutex> lock(mu_);
            stop_ = true;
        }
        wake_.notify_all();
        for (auto& t : threads_) t.join();
    }

  private:
    struct Job {
        const std::function<void(size_t)>* fn;
        size_t chunks;
        std::atomic<size_t> next{0}, done{0};
        int active = 0;  // helpers inside work(), guarded by mu_
    };

    static bool& in_helper() {
        thread_local bool flag = false;
        return flag;
    }

    static void work(Job& j) {
        for (size_t c; (c = j.next++) < j.chunks; ++j.done) (*j.fn)(c);
    }

    void helper_loop() {
        in_helper() = true;
        unsigned long seen = 0;
        std::unique_lock<std::mutex> lock(mu_);
        for (;;) {
            wake_.wait(lock, [&] { return stop_ || (job_ && generation_ != seen); });
            if (stop_) return;
            seen = generation_;
            Job& j = *job_;
            ++j.active;
            lock.unlock();
            work(j);
            lock.lock();
            --j.active;
            done_.notify_all();
        }
    }

    std::mutex run_mu_, mu_;
    std::condition_variable wake_, done_;
    std::vector<std::thread> threads_;
    Job* job_ = nullptr;
    unsigned long generation_ = 0;
    bool stop_ = false;
};

// Threads for elementwise work: as many as OpenBLAS uses for the products, or
// AE_ELEMENTWISE_THREADS when set (1: all elementwise work on the calling thread).
inline size_t threads() {
    static const size_t from_env = [] {
        const char* v = std::getenv("AE_ELEMENTWISE_THREADS");
        return v && *v ? static_cast<size_t>(std::max(1L, std::strtol(v, nullptr, 10))) : 0;
    }();
    if (from_env) return from_env;
    const size_t hw = std::max(1u, std::thread::hardware_concurrency());
    return std::min(hw, static_cast<size_t>(std::max(1, openblas_get_num_threads())));
}

template <class F>
void parallel_for(size_t n, F&& f) {
    const size_t t = n < kMinParallel ? 1 : threads();
    if (t <= 1) {
        f(size_t{0}, n);
        return;
    }
    // About 4 chunks per thread, whole blocks each: a late helper leaves little to wait for.
    const size_t chunk = (n / (4 * t) + kBlock - 1) / kBlock * kBlock;
    const size_t chunks = (n + chunk - 1) / chunk;
#ifdef AE_PARALLEL_OPENMP
#pragma omp parallel for num_threads(t) schedule(dynamic, 1)
    for (size_t c = 0; c < chunks; ++c) f(c * chunk, std::min(n, (c + 1) * chunk));
#else
    Pool::instance().run(chunks, t - 1,
                         [&](size_t c) { f(c * chunk, std::min(n, (c + 1) * chunk)); });
#endif
}

// Entries [begin, end) of m as a 1-D xtensor adaptor over the same memory (no copy), so that
// xtensor expressions (vectorised with xsimd) can work on one chunk of a parallel_for.
inline auto span(Matrix& m, size_t begin, size_t end) {
    return xt::adapt(m.data() + begin, end - begin, xt::no_ownership(),
                     std::array<size_t, 1>{end - begin});
}
inline auto span(const Matrix& m, size_t begin, size_t end) {
    return xt::adapt(m.data() + begin, end - begin, xt::no_ownership(),
                     std::array<size_t, 1>{end - begin});
}
inline auto span(float* p, size_t n) {
    return xt::adapt(p, n, xt::no_ownership(), std::array<size_t, 1>{n});
}

// The sum of n <= kBlock floats: float lanes of one SIMD register, then double. Hand-vectorised
// because GCC keeps a float sum in order (scalar) without -ffast-math: ~60x slower
// (bench_kernels, block_sum vs block_sum_plain).
inline double block_sum(const float* p, size_t n) {
    using Batch = xsimd::batch<float>;
    Batch acc(0.f);
    float tail = 0.f;
    size_t i = 0;
    for (; i + Batch::size <= n; i += Batch::size) acc += Batch::load_unaligned(p + i);
    for (; i < n; ++i) tail += p[i];
    return static_cast<double>(xsimd::hadd(acc)) + tail;
}

// The plain version block_sum must match (up to float rounding), for tests and benchmarks.
inline double block_sum_plain(const float* p, size_t n) {
    double s = 0;
    for (size_t i = 0; i < n; ++i) s += p[i];
    return s;
}

// Sum over [0, n) of terms that f computes block by block: f(begin, end, out) fills
// out[0, end - begin) (at most kBlock entries, in a buffer that stays in L1) with the terms of
// entries [begin, end) and may write other outputs as it goes. Blocks are added in order: the
// same result for any number of threads, and float rounding stays ~1e-6 relative even for
// millions of terms.
template <class F>
double block_sums(size_t n, F&& f) {
    std::vector<double> blocks((n + kBlock - 1) / kBlock);
    parallel_for(n, [&](size_t begin, size_t end) {
        alignas(64) float terms[kBlock];
        for (size_t b = begin; b < end; b += kBlock) {
            const size_t e = std::min(b + kBlock, end);
            f(b, e, terms);
            blocks[b / kBlock] = block_sum(terms, e - b);
        }
    });
    return std::accumulate(blocks.begin(), blocks.end(), 0.0);
}

}  // namespace ae::parallel
