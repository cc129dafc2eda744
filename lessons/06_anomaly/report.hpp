// Lesson 06, the report of one run: per class, the terminal lines, ROC curves, score histograms,
// the labelled extremes picture and test_scores.csv; at the end the AUC table next to the
// README's expected ranges, auc_per_class.png, auc.csv and summary.json. main.cpp is the
// experiment; nothing here trains or scores.
#pragma once
#include <future>
#include <string>
#include <vector>

#include "ae/cli.hpp"
#include "ae/io.hpp"
#include "ae/progress.hpp"
#include "lesson.hpp"

namespace ae::l06 {

// The results of every class so far: AUC per method and class, and the JSON per class.
struct Table {
    std::vector<std::string> methods, classes;
    std::vector<double> class_ids;
    std::vector<std::vector<double>> aucs;  // [method][class]
    std::vector<double> means;              // per method, filled by report()
    Json per_class;
    double worst_gap = 0;  // largest |trapezoid AUC - rank AUC|
    // The last class's pictures, drawn in the background while the next class trains (about
    // 0.5 s of gnuplot per class); report() and the next report_class() wait for them.
    std::future<void> pictures;
};

// One normal class c done: prints a line per method, adds the class to the table and starts
// drawing its pictures into out/class_<c>_<name>/ (in the background: the next call and
// report() wait for them, and rethrow their error). sc[m] and oc[m]: method m.
void report_class(const std::string& out, int c, const DataSplit& data, std::vector<Scored> sc,
                  std::vector<Outcome> oc, const Labels& anomalous, double fpr, Table& table);

// Every class done: the table with the mean AUCs next to the README's ranges (they apply when
// default_run: all ten classes, full data, default flags), the bar chart, auc.csv, summary.json.
void report(const Options& opt, const Flags& f, bool default_run, const DataSplit& data,
            Table& table, const Timer& total);

}  // namespace ae::l06
