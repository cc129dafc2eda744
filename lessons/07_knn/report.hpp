// Lesson 07, the report of one run: the terminal tables with the README's expected ranges, the
// confusion matrix, accuracy.png, accuracy_vs_k.png, the labelled neighbours.png, the confusion
// CSVs and summary.json. main.cpp is the experiment; nothing here searches or votes except the
// few queries of neighbours.png.
#pragma once
#include <string>
#include <vector>

#include "ae/cli.hpp"
#include "ae/progress.hpp"
#include "lesson.hpp"

namespace ae::l07 {

// What the experiment measured for one representation.
struct Result {
    double acc_all = 0, seconds = 0, few_mean = 0, few_std = 0;
    std::vector<double> acc_by_k, few;  // per k of kValues; per draw of the few labels
    Confusion confusion;                // all labels, k = Flags::k
};

// One line per representation after the all-label search, and the double-loop timing.
void print_all_labels(const std::vector<Representation>& reps, const std::vector<Result>& res,
                      const DataSplit& data, const Flags& f, double direct, bool default_run);

// Prints the few-label table and the confusion matrix, writes every picture and file and
// summary.json. The README's ranges apply when default_run (full data, default flags, both
// checkpoints).
void report(const Options& opt, const Flags& f, bool default_run, const DataSplit& data,
            const std::vector<Representation>& reps, const std::vector<Result>& res, double direct,
            const Timer& total);

}  // namespace ae::l07
