// Lesson 00, the report of the program: the rows of the two timing tables as they are measured,
// then the charts, CSV files and summary.json in the output folder, with the figures the README
// quotes next to their ranges. main.cpp calls it.
#pragma once
#include <string>
#include <vector>

#include "ae/progress.hpp"
#include "lesson.hpp"

namespace ae::l00 {

// SAXPY timings per size (the GPU columns stay empty without a GPU).
struct SaxpyRows {
    std::vector<double> n, cpu_ms, h2d_gbs, d2h_gbs, kernel_ms, kernel_gbs, with_copies_ms;
};
void print_saxpy_header();
void print_saxpy_row(const SaxpyRows& r, bool gpu);  // the last row measured

// Matrix multiply timings per size; emulated_ms only without a GPU, for n <= 256.
struct GemmRows {
    std::vector<double> n, blas_ms, naive_ms, tiled_ms, cublas_ms, emulated_ms;
};
void print_gemm_header(bool gpu);
// The last row measured; t: the GPU's timing of that row (gpu only).
void print_gemm_row(const GemmRows& r, bool gpu, const GemmTiming& t);

// The figures the README quotes, next to its ranges (timings: quoted, not judged), then the
// charts, CSV files and summary.json in out.
void report(const std::string& out, bool gpu, const SaxpyRows& e, const GemmRows& g,
            const Timer& total);

}  // namespace ae::l00
