// Lesson 12's own flags (lesson.hpp) and the check of their combination; the common ones are
// added by ae::CommandLine.
#include <iostream>

#include "ae/cli.hpp"
#include "lesson.hpp"

namespace ae::l12 {

void add_flags(CLI::App& app, Settings& set) {
    app.add_option("--csv", set.csv, "anomalies in your own CSV table (needs --label-column)");
    app.add_option("--label-column", set.label_column, "the column of --csv holding the labels");
    app.add_option("--normal-label", set.normal_label,
                   "the label of normal rows (default: the most frequent)");
    app.add_option("--categorical", set.categorical, "columns of --csv that are categorical");
    app.add_option("--impute-csv", set.impute_csv, "imputation on your own CSV table");
    app.add_option("--impute-categorical", set.impute_categorical,
                   "columns of --impute-csv that are categorical");
    app.add_option("--splits", set.splits, "seeded splits (and hidings) to average over")
        ->check(whole_flag(1, 50, "seeded splits"));
    app.add_option("--train-fraction", set.train_fraction,
                   "fraction of the normal rows used for training")
        ->check(real_flag(0.1, 0.9, "the fraction of normal rows used for training", Ends::Open));
    app.add_option("--hidden", set.hidden, "hidden layer width of the autoencoders")
        ->check(whole_flag(2, 512, "the hidden layer width"));
    app.add_option("--knn-k", set.knn_k, "k of the kNN distance")
        ->check(whole_flag(1, 50, "k of the kNN distance"));
    app.add_option("--hide-rate", set.hide_rate, "entries hidden for scoring imputation")
        ->check(real_flag(0, 0.6, "the share of entries hidden", Ends::OpenLow));
    app.add_option("--mask-rate", set.mask_rate,
                   "entries hidden per batch when training the masked AE")
        ->check(real_flag(0, 0.9, "the share of entries masked per batch"));
    app.add_option("--top", set.top, "rows in the table of anomalies")
        ->check(whole_flag(1, 100, "rows in the table of anomalies"));
}

int check_settings(const Settings& set) {
    // The numeric flags are checked by CommandLine::parse (their ranges are in add_flags).
    if (!set.csv.empty() && set.label_column.empty()) {
        std::cerr << "--csv needs --label-column NAME (the column holding each row's label)\n";
        return 2;
    }
    return -1;
}

}  // namespace ae::l12
