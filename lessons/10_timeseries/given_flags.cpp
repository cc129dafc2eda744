// Lesson 10's own flags (report.hpp: Flags); the common ones are added by ae::CommandLine.
#include "ae/cli.hpp"
#include "report.hpp"

namespace ae::l10 {

void add_flags(CLI::App& app, Flags& f) {
    app.add_option("--ucr", f.ucr,
                   "beats from a UCR-format file (label first), e.g. ECG5000_TRAIN.txt")
        ->check(CLI::ExistingFile);
    app.add_option("--normal-class", f.normal_class, "the normal class of --ucr")
        ->check(whole_flag(-1000000000, 1000000000, "a class label of --ucr"));
    app.add_option("--csv", f.csv, "a long signal from a CSV file (needs --column)")
        ->check(CLI::ExistingFile);
    app.add_option("--column", f.column, "the column of --csv holding the signal");
    app.add_option("--window", f.set.window, "window length along the long signal (samples)")
        ->check(whole_flag(2, 4096, "window length in samples"));
    app.add_option("--stride", f.set.stride, "window stride (samples)")
        ->check(whole_flag(1, 4096, "window stride in samples"));
    app.add_option("--scaling", f.scaling, "how rows are scaled to [0, 1]")
        ->check(CLI::IsMember({"global", "per-window"}));
    app.add_option("--threshold", f.rule, "threshold rule on normal validation scores")
        ->check(CLI::IsMember({"quantile", "mean-std"}));
    app.add_option("--q", f.set.rule.q, "quantile of --threshold quantile")
        ->check(real_flag(0.5, 1, "a quantile of the normal validation scores"));
    app.add_option("--k", f.set.rule.k, "k of --threshold mean-std")
        ->check(real_flag(0, 20, "standard deviations above the mean"));
    app.add_option("--prominence", f.set.prominence, "peak prominence the features count (mV)")
        ->check(real_flag(0, 100, "peak prominence in mV"));
    app.add_option("--minutes", f.minutes,
                   "length of the synthetic test record (training: as long)")
        ->check(real_flag(1, 120, "minutes of synthetic test record"));
    app.add_option("--anomaly-rate", f.rate, "probability that a test beat starts an anomaly")
        ->check(real_flag(0, 0.5,
                          "a probability; above 0, or the test record has no anomaly to find",
                          Ends::OpenLow));
}

}  // namespace ae::l10
