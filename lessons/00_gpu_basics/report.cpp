// Lesson 00, the report (see report.hpp): the table rows, the charts, CSV
// files and summary.json. Nothing to write here; main.cpp holds the experiment.
#include "report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "ae/expect.hpp"  // Expected: a range the README quotes
#include "ae/io.hpp"
#include "ae/plot.hpp"
#include "exercise.hpp"

namespace ae::l00 {

namespace {

// The README's ranges, measured on the 2-core machine (n = 256): OpenBLAS sgemm, and your tiled
// kernel emulated one thread at a time.
const ExpectedFigures kExpected = {{"blas_gflops_256", {130, 196}},
                                   {"emulated_gflops_256", {2.2, 3.3}}};

double gflops(double n, double ms) {
    return 2 * n * n * n / ms / 1e6;
}

std::vector<double> head(const std::vector<double>& v, size_t k) {
    return {v.begin(), v.begin() + std::min(k, v.size())};
}

void charts(const std::string& out, const SaxpyRows& e, const GemmRows& g, bool gpu) {
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

void files(const std::string& out, const SaxpyRows& e, const GemmRows& g, bool gpu,
           const Timer& total) {
    save_csv(out + "/saxpy.csv", {"n", "cpu_ms"}, {e.n, e.cpu_ms});
    save_csv(out + "/matmul.csv", {"n", "openblas_ms"}, {g.n, g.blas_ms});
    Json summary;
    summary.set("lesson", "00_gpu_basics").set("gpu", gpu).set("device", describe_gpu());
    summary.set("saxpy_n", e.n)
        .set("saxpy_cpu_ms", e.cpu_ms)
        .set("matmul_n", g.n)
        .set("openblas_ms", g.blas_ms);
    if (gpu) {
        save_csv(out + "/saxpy_gpu.csv", {"n", "h2d_gbs", "d2h_gbs", "kernel_ms", "with_copies_ms"},
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
}

}  // namespace

void print_saxpy_header() {
    std::printf(
        "\nSAXPY y = a x + y (12 bytes per element); copies use page-locked host memory:\n");
    std::printf("  %10s %10s %9s | %9s %9s %10s %9s %12s\n", "n", "CPU ms", "CPU GB/s", "H2D GB/s",
                "D2H GB/s", "kernel ms", "GB/s", "+copies ms");
}

void print_saxpy_row(const SaxpyRows& r, bool gpu) {
    const double n = r.n.back(), c = r.cpu_ms.back();
    std::printf("  %10zu %10.4f %9.1f |", size_t(n), c, 12.0 * n / c / 1e6);
    if (!gpu) {
        std::printf(" (no GPU)\n");
        return;
    }
    std::printf(" %9.1f %9.1f %10.4f %9.1f %12.4f\n", r.h2d_gbs.back(), r.d2h_gbs.back(),
                r.kernel_ms.back(), r.kernel_gbs.back(), r.with_copies_ms.back());
}

void print_gemm_header(bool gpu) {
    std::printf("\nMatrix multiply n x n (2 n^3 flops), GFLOP/s:\n  %6s %10s | %9s %9s %9s\n", "n",
                "OpenBLAS", gpu ? "naive" : "emulated", gpu ? "tiled" : "", gpu ? "cuBLAS" : "");
}

void print_gemm_row(const GemmRows& r, bool gpu, const GemmTiming& t) {
    const double n = r.n.back();
    std::printf("  %6d %10.1f |", int(n), gflops(n, r.blas_ms.back()));
    if (gpu) {
        std::printf(" %9.1f %9.1f %9.1f   (kernels vs cuBLAS: %.1e, %.1e)\n", gflops(n, t.naive_ms),
                    gflops(n, t.tiled_ms), gflops(n, t.cublas_ms), t.max_err_naive,
                    t.max_err_tiled);
    } else if (r.emulated_ms.size() == r.n.size()) {
        std::printf(" %9.2f   (your tiled kernel, emulated: one thread at a time)\n",
                    gflops(n, r.emulated_ms.back()));
    } else {
        std::printf("\n");
    }
}

void report(const std::string& out, bool gpu, const SaxpyRows& e, const GemmRows& g,
            const Timer& total) {
    // Timings depend on the machine and its load: the README's ranges are quoted, not judged.
    const auto at256 = std::find(g.n.begin(), g.n.end(), 256.0) - g.n.begin();
    if (size_t(at256) < g.n.size()) {
        std::printf(
            "\nAt n = 256: OpenBLAS %.1f GFLOP/s (the README: %.0f-%.0f on the workshop's 2-core "
            "machine)\n",
            gflops(256, g.blas_ms[at256]), kExpected["blas_gflops_256"].lo,
            kExpected["blas_gflops_256"].hi);
        if (size_t(at256) < g.emulated_ms.size())
            std::printf(
                "  your tiled kernel, emulated: %.2f GFLOP/s (the README: %.1f-%.1f; "
                "a GPU runs thousands of such threads at once)\n",
                gflops(256, g.emulated_ms[at256]), kExpected["emulated_gflops_256"].lo,
                kExpected["emulated_gflops_256"].hi);
    }
    make_dirs(out);
    charts(out, e, g, gpu);
    files(out, e, g, gpu, total);
    std::printf("\nCharts, CSV and summary.json in %s/ (%.1fs in all)\n", out.c_str(),
                total.seconds());
}

}  // namespace ae::l00
