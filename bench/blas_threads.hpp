// What the CPU benchmarks share about OpenBLAS's threads: its own API (cblas.h cannot be included
// beside xtensor-blas, which declares cblas) and the --threads flag that sets them.
#pragma once
#include <CLI/CLI.hpp>

#include "ae/cli.hpp"

extern "C" {
int openblas_get_num_threads(void);
void openblas_set_num_threads(int);
}

namespace ae::bench {

// --threads N: OpenBLAS threads (0 = OpenBLAS's default), range-checked like every numeric flag
// and applied as soon as the command line is parsed.
inline void add_blas_threads_flag(CLI::App& app) {
    app.add_option_function<int>(
           "--threads",
           [](int n) {
               if (n > 0) openblas_set_num_threads(n);
           },
           "OpenBLAS threads (0 = OpenBLAS's default)")
        ->check(whole_flag(0, 1024, "OpenBLAS threads"));
}

}  // namespace ae::bench
