// Running another program (gnuplot) with an argument list and no shell in between, so that no
// path or name the user chose is ever read as shell syntax. Used by ae/plot.hpp.
#pragma once
#include <string>
#include <vector>

namespace ae {

struct RunOptions {
    std::string cwd;          // the child's working folder ("" = ours)
    std::string stdout_file;  // "" = /dev/null; opened (truncated) in our working folder
    std::string stderr_file;  // "" = /dev/null; opened (truncated) in our working folder
};

// Starts argv[0] (looked up on PATH) with these arguments and waits for it. Returns its exit
// status; 127 when it could not be started (not installed), 128 + N when killed by signal N.
int run_program(const std::vector<std::string>& argv, const RunOptions& options = {});

}  // namespace ae
