// Lesson 00 program: the device, your kernels checked (CPU emulation, and the GPU when there is
// one), then timings for growing sizes: copies, SAXPY, naive/tiled/cuBLAS matmul vs OpenBLAS.
// Run: ./workshop run 00 [--quick]   Writes charts, CSV and summary.json to out/00_gpu_basics/.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <iostream>

#include "ae/cli.hpp"
#include "ae/device.hpp"
#include "ae/io.hpp"
#include "ae/linalg.hpp"
#include "ae/plot.hpp"
#include "ae/progress.hpp"
#include "exercise.hpp"

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

std::vector<float> to_vec(const Matrix& m) {
    return {m.begin(), m.end()};
}

double max_abs_diff(const std::vector<float>& a, const Matrix& ref) {
    double d = 0;
    for (size_t i = 0; i < a.size(); ++i) d = std::max(d, double(std::fabs(a[i] - ref.data()[i])));
    return d;
}

void verdict(const char* what, double err, double tol) {
    std::printf("  %-44s max |error| %.2e  %s\n", what, err, err <= tol ? "PASSED" : "FAILED");
    if (!(err <= tol))
        throw Error(std::string(what) + ": the result is wrong; run ./workshop check 00");
}

// Your kernels against the CPU: in the emulated grid always, on the GPU when there is one.
void check_kernels(bool gpu) {
    std::printf("\nYour kernels, checked against the CPU:\n");
    Rng rng(1);
    const size_t n = 100003;
    const Matrix x = rng.uniform(1, n, -1.f, 1.f), y = rng.uniform(1, n, -1.f, 1.f);
    const Matrix saxpy_ref = 2.f * x + y;
    std::vector<float> ys = to_vec(y);
    emulate_saxpy(Launch{64, 128}, n, 2.f, x.data(), ys.data());
    verdict("SAXPY, emulated grid 64 x 128", max_abs_diff(ys, saxpy_ref), 1e-5);
    const int M = 100, N = 120, K = 90;
    const Matrix A = rng.uniform(M, K, -1.f, 1.f), B = rng.uniform(K, N, -1.f, 1.f),
                 C = matmul(A, B);
    std::vector<float> c(size_t(M) * N);
    emulate_matmul_naive(M, N, K, A.data(), B.data(), c.data());
    verdict("naive matmul 100x90 * 90x120, emulated", max_abs_diff(c, C), 1e-4);
    emulate_matmul_tiled(M, N, K, A.data(), B.data(), c.data());
    verdict("tiled matmul, emulated blocks + shared tiles", max_abs_diff(c, C), 1e-4);
    if (!gpu) return;
    verdict("SAXPY on the GPU (your host code)",
            max_abs_diff(saxpy_on_gpu(2.f, to_vec(x), to_vec(y)), saxpy_ref), 1e-5);
    verdict("naive matmul on the GPU",
            max_abs_diff(matmul_on_gpu(false, M, N, K, to_vec(A), to_vec(B)), C), 1e-4);
    verdict("tiled matmul on the GPU",
            max_abs_diff(matmul_on_gpu(true, M, N, K, to_vec(A), to_vec(B)), C), 1e-4);
}

struct Rows {
    std::vector<double> n, cpu_ms, h2d_gbs, d2h_gbs, kernel_ms, kernel_gbs, with_copies_ms;
};

// SAXPY moves 12 bytes per element (read x, read y, write y).
Rows elementwise(bool gpu, const std::vector<size_t>& sizes) {
    std::printf(
        "\nSAXPY y = a x + y (12 bytes per element); copies use page-locked host memory:\n");
    std::printf("  %10s %10s %9s | %9s %9s %10s %9s %12s\n", "n", "CPU ms", "CPU GB/s", "H2D GB/s",
                "D2H GB/s", "kernel ms", "GB/s", "+copies ms");
    Rows r;
    for (size_t n : sizes) {
        std::vector<float> x(n, 1.f), y(n, 2.f);
        const double c = cpu_ms(5, [&] {
            for (size_t i = 0; i < n; ++i) y[i] = 0.5f * x[i] + y[i];
        });
        r.n.push_back(double(n));
        r.cpu_ms.push_back(c);
        std::printf("  %10zu %10.4f %9.1f |", n, c, 12.0 * n / c / 1e6);
        if (!gpu) {
            std::printf(" (no GPU)\n");
            continue;
        }
        const ElementwiseTiming t = time_elementwise_gpu(n, 10);
        const double bytes = 4.0 * n;
        r.h2d_gbs.push_back(bytes / t.h2d_ms / 1e6);
        r.d2h_gbs.push_back(bytes / t.d2h_ms / 1e6);
        r.kernel_ms.push_back(t.kernel_ms);
        r.kernel_gbs.push_back(3 * bytes / t.kernel_ms / 1e6);
        r.with_copies_ms.push_back(2 * t.h2d_ms + t.kernel_ms + t.d2h_ms);  // x and y in, y out
        std::printf(" %9.1f %9.1f %10.4f %9.1f %12.4f\n", r.h2d_gbs.back(), r.d2h_gbs.back(),
                    t.kernel_ms, r.kernel_gbs.back(), r.with_copies_ms.back());
    }
    return r;
}

struct GemmRows {
    std::vector<double> n, blas_ms, naive_ms, tiled_ms, cublas_ms, emulated_ms;
};
double gflops(double n, double ms) {
    return 2 * n * n * n / ms / 1e6;
}

GemmRows gemm_table(bool gpu, const std::vector<int>& sizes) {
    std::printf("\nMatrix multiply n x n (2 n^3 flops), GFLOP/s:\n  %6s %10s | %9s %9s %9s\n", "n",
                "OpenBLAS", gpu ? "naive" : "emulated", gpu ? "tiled" : "", gpu ? "cuBLAS" : "");
    GemmRows r;
    Rng rng(2);
    for (int n : sizes) {
        const Matrix A = rng.uniform(n, n, -1.f, 1.f), B = rng.uniform(n, n, -1.f, 1.f);
        Matrix C({size_t(n), size_t(n)});
        r.n.push_back(n);
        r.blas_ms.push_back(cpu_ms(3, [&] { gemm(A, false, B, false, C); }));
        std::printf("  %6d %10.1f |", n, gflops(n, r.blas_ms.back()));
        if (gpu) {
            const GemmTiming t = time_gemm_gpu(n, 5);
            r.naive_ms.push_back(t.naive_ms);
            r.tiled_ms.push_back(t.tiled_ms);
            r.cublas_ms.push_back(t.cublas_ms);
            std::printf(" %9.1f %9.1f %9.1f   (kernels vs cuBLAS: %.1e, %.1e)\n",
                        gflops(n, t.naive_ms), gflops(n, t.tiled_ms), gflops(n, t.cublas_ms),
                        t.max_err_naive, t.max_err_tiled);
        } else if (n <=
                   256) {  // the emulation is a model of the GPU, not a fast path: keep it small
            std::vector<float> c(size_t(n) * n);
            r.emulated_ms.push_back(
                cpu_ms(1, [&] { emulate_matmul_tiled(n, n, n, A.data(), B.data(), c.data()); }));
            std::printf(" %9.2f   (your tiled kernel, emulated: one thread at a time)\n",
                        gflops(n, r.emulated_ms.back()));
        } else {
            std::printf("\n");
        }
    }
    return r;
}

std::vector<double> head(const std::vector<double>& v, size_t k) {
    return {v.begin(), v.begin() + std::min(k, v.size())};
}

void charts(const std::string& out, const Rows& e, const GemmRows& g, bool gpu) {
    Chart ce{"SAXPY: time against size (log-log); copies cost more than the kernel", "n (elements)",
             "time (ms)"};
    ce.logx = ce.logy = true, ce.key = "top left";
    std::vector<Series> s{{"CPU loop", e.n, e.cpu_ms, "linespoints"}};
    if (gpu) {
        s.push_back({"GPU kernel (data already on the GPU)", e.n, e.kernel_ms, "linespoints"});
        s.push_back({"GPU kernel + copies in and out", e.n, e.with_copies_ms, "linespoints"});
    }
    line_chart(out + "/saxpy_time.png", ce, s);
    Chart cg{"Matrix multiply: time against size (log-log)", "n (n x n matrices)", "time (ms)"};
    cg.logx = cg.logy = true, cg.key = "top left";
    std::vector<Series> t{{"OpenBLAS sgemm (CPU)", g.n, g.blas_ms, "linespoints"}};
    if (gpu) {
        t.push_back({"naive kernel (GPU)", g.n, g.naive_ms, "linespoints"});
        t.push_back({"tiled kernel (GPU)", g.n, g.tiled_ms, "linespoints"});
        t.push_back({"cuBLAS sgemm (GPU)", g.n, g.cublas_ms, "linespoints"});
    } else {
        t.push_back({"your tiled kernel, emulated on the CPU", head(g.n, g.emulated_ms.size()),
                     g.emulated_ms, "linespoints"});
    }
    line_chart(out + "/matmul_time.png", cg, t);
    if (gpu) {
        Chart cb{"Copy bandwidth host <-> device (page-locked memory)", "n (floats)", "GB/s"};
        cb.logx = true, cb.key = "bottom right";
        line_chart(out + "/copy_bandwidth.png", cb,
                   {{"host to device", e.n, e.h2d_gbs, "linespoints"},
                    {"device to host", e.n, e.d2h_gbs, "linespoints"},
                    {"SAXPY kernel (device memory)", e.n, e.kernel_gbs, "linespoints"}});
    }
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
        const Rows e = elementwise(gpu, sizes);
        const GemmRows g = gemm_table(gpu, msizes);

        const std::string out = opt.out;
        make_dirs(out);
        charts(out, e, g, gpu);
        save_csv(out + "/saxpy.csv", {"n", "cpu_ms"}, {e.n, e.cpu_ms});
        save_csv(out + "/matmul.csv", {"n", "openblas_ms"}, {g.n, g.blas_ms});
        Json summary;
        summary.set("lesson", "00_gpu_basics").set("gpu", gpu).set("device", describe_gpu());
        summary.set("saxpy_n", e.n)
            .set("saxpy_cpu_ms", e.cpu_ms)
            .set("matmul_n", g.n)
            .set("openblas_ms", g.blas_ms);
        if (gpu) {
            save_csv(out + "/saxpy_gpu.csv",
                     {"n", "h2d_gbs", "d2h_gbs", "kernel_ms", "with_copies_ms"},
                     {e.n, e.h2d_gbs, e.d2h_gbs, e.kernel_ms, e.with_copies_ms});
            save_csv(out + "/matmul_gpu.csv", {"n", "naive_ms", "tiled_ms", "cublas_ms"},
                     {g.n, g.naive_ms, g.tiled_ms, g.cublas_ms});
            summary.set("saxpy_kernel_ms", e.kernel_ms)
                .set("saxpy_with_copies_ms", e.with_copies_ms)
                .set("h2d_gbs", e.h2d_gbs)
                .set("naive_ms", g.naive_ms)
                .set("tiled_ms", g.tiled_ms)
                .set("cublas_ms", g.cublas_ms);
        } else {
            summary.set("emulated_tiled_ms", g.emulated_ms);
        }
        summary.set("seconds", total.seconds());
        summary.save(out + "/summary.json");
        std::printf("\nCharts, CSV and summary.json in %s/ (%.1fs in all)\n", out.c_str(),
                    total.seconds());
        return 0;
    });
}
