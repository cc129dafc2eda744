// Lesson 00 program: the device, your kernels checked (CPU emulation, and the GPU when there is
// one), then timings for growing sizes: copies, SAXPY, naive/tiled/cuBLAS matmul vs OpenBLAS.
// Run: ./workshop run 00 [--quick] [--device cpu]   report.cpp writes the charts, CSV and
// summary.json to out/00_gpu_basics/.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>

#include "ae/cli.hpp"
#include "ae/device.hpp"
#include "ae/linalg.hpp"  // gemm: the OpenBLAS line of the table
#include "ae/progress.hpp"
#include "exercise.hpp"
#include "report.hpp"

using namespace ae;
using namespace ae::l00;

namespace {

// Median wall time in ms of reps runs of f, after one warm-up.
double cpu_ms(int reps, const std::function<void()>& f) {
    f();
    std::vector<double> t;
    for (int r = 0; r < reps; ++r) {
        Timer timer;
        f();
        t.push_back(timer.seconds() * 1e3);
    }
    std::sort(t.begin(), t.end());
    return t[t.size() / 2];
}

// SAXPY on the CPU, and on the GPU with and without the copies; 12 bytes per element.
SaxpyRows saxpy_table(bool gpu, const std::vector<size_t>& sizes) {
    print_saxpy_header();
    SaxpyRows r;
    for (size_t n : sizes) {
        std::vector<float> x(n, 1.f), y(n, 2.f);
        r.n.push_back(double(n));
        r.cpu_ms.push_back(cpu_ms(5, [&] {
            for (size_t i = 0; i < n; ++i) y[i] = 0.5f * x[i] + y[i];
        }));
        if (gpu) {
            const ElementwiseTiming t = time_elementwise_gpu(n, 10);
            const double bytes = 4.0 * n;
            r.h2d_gbs.push_back(bytes / t.h2d_ms / 1e6);
            r.d2h_gbs.push_back(bytes / t.d2h_ms / 1e6);
            r.kernel_ms.push_back(t.kernel_ms);
            r.kernel_gbs.push_back(3 * bytes / t.kernel_ms / 1e6);
            r.with_copies_ms.push_back(2 * t.h2d_ms + t.kernel_ms + t.d2h_ms);  // x, y in; y out
        }
        print_saxpy_row(r, gpu);
    }
    return r;
}

// n x n matrix multiply: OpenBLAS, and the GPU's kernels or (without one) your tiled kernel in
// the emulation, kept to n <= 256: it models the GPU, it is not a fast path.
GemmRows gemm_table(bool gpu, const std::vector<int>& sizes) {
    print_gemm_header(gpu);
    GemmRows r;
    Rng rng(2);
    for (int n : sizes) {
        const Matrix A = rng.uniform(n, n, -1.f, 1.f), B = rng.uniform(n, n, -1.f, 1.f);
        Matrix C({size_t(n), size_t(n)});
        r.n.push_back(n);
        r.blas_ms.push_back(cpu_ms(3, [&] { gemm(A, false, B, false, C); }));
        GemmTiming t;
        if (gpu) {
            t = time_gemm_gpu(n, 5);
            r.naive_ms.push_back(t.naive_ms);
            r.tiled_ms.push_back(t.tiled_ms);
            r.cublas_ms.push_back(t.cublas_ms);
        } else if (n <= 256) {
            std::vector<float> c(size_t(n) * n);
            r.emulated_ms.push_back(
                cpu_ms(1, [&] { emulate_matmul_tiled(n, n, n, A.data(), B.data(), c.data()); }));
        }
        print_gemm_row(r, gpu, t);
    }
    return r;
}

}  // namespace

int main(int argc, char** argv) {
    return guarded_main([&] {
        CommandLine cli(
            {"00", "00_gpu_basics", "Lesson 00: GPU basics (threads, grids, tiles, copies)"},
            Options{});
        if (int rc = cli.parse(argc, argv); rc >= 0) return rc;
        const Options& opt = cli.options();
        Timer total;
        const bool gpu = opt.device != "cpu" && gpu_present();
        if (opt.device == "cuda" && !gpu) {
            throw Error("--device cuda: " + cuda_device_summary() +
                        ". Run with --device auto or cpu.");
        }
        std::printf("%s\n", describe_gpu().c_str());
        if (!gpu && opt.device != "cpu")
            std::printf("Without a GPU: the CPU timings, and your kernels in the emulation.\n");
        check_kernels(gpu);

        std::vector<size_t> sizes;
        for (size_t n = 1 << 10; n <= (opt.quick ? size_t(1) << 20 : size_t(1) << 24); n *= 4)
            sizes.push_back(n);
        std::vector<int> msizes{64, 128, 256, 512};
        if (!opt.quick) msizes.insert(msizes.end(), {1024, 2048});
        const SaxpyRows e = saxpy_table(gpu, sizes);
        const GemmRows g = gemm_table(gpu, msizes);

        report(opt.out, gpu, e, g, total);
        return 0;
    });
}
