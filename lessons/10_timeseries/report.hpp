// Lesson 10, the program's settings and flags, and the report of one run: the terminal summary
// with the README's ranges, the pictures (beats and reconstructions, score histograms, ROC per
// kind, the long signal with its flags), CSV files and summary.json. main.cpp calls report().
#pragma once
#include <string>
#include <vector>

#include "ae/cli.hpp"
#include "ae/progress.hpp"
#include "exercise.hpp"
#include "lesson.hpp"

namespace ae::l10 {

struct Settings {
    size_t window = 250, stride = 20;  // long signal: window length and stride (samples)
    double prominence = 0.3;           // mV: the peaks the features count
    Scaling scaling = Scaling::Global;
    ThresholdRule rule;
};

// The lesson's own flags (given_flags.cpp; the common ones are added by CommandLine).
struct Flags {
    Settings set;
    std::string ucr, csv, column, scaling = "global", rule = "quantile";
    int normal_class = 1;
    double minutes = 30, rate = 0.08;  // the synthetic test record and its anomaly rate
};
void add_flags(CLI::App& app, Flags& f);

struct BeatResults {
    Matrix test, recon;  // scaled test beats and their reconstructions (N, 140)
    std::vector<double> ae_val, ae_test, feat_val, feat_test;
    Evaluation ae, feat;
};

// Events found along the long signal at one threshold: all kinds, then recall per kind.
struct EventFigures {
    EventMetrics all;
    std::vector<size_t> events;  // per kind (index = kind)
    std::vector<double> recall;  // per kind, NaN when the kind has no event
    std::vector<int> flagged;    // per step
};
EventFigures events_found(const std::vector<double>& steps, double threshold,
                          const std::vector<Event>& events, size_t kinds);

struct LongResults {
    std::vector<double> ae_val, ae_test, feat_val, feat_test;  // per step
    Evaluation ae, feat;                                       // step-level (point) figures
    EventFigures ae_events, feat_events;
};

void print_data(const Data& d);
// The run's pictures into out/ (report_pictures.cpp).
void draw_pictures(const std::string& out, const Data& d, const BeatResults& b,
                   const LongResults& l);

void report(const Options& opt, bool default_run, const Data& d, const Settings& set,
            const BeatResults& b, const LongResults& l, const Timer& total);

}  // namespace ae::l10
