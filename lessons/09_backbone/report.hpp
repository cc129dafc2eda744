// Lesson 09, the report of one run: the table of test accuracies (method x labels per class,
// mean and spread over the draws), the pictures (accuracy against labels per class, masked
// inputs and their reconstructions, training curves at each label count), accuracy.csv and
// summary.json. main.cpp calls report() once.
#pragma once
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "ae/cli.hpp"
#include "ae/progress.hpp"
#include "lesson.hpp"

namespace ae::l09 {

// The methods compared, in table order: (id used in summary.json, name shown).
const std::vector<std::pair<std::string, std::string>>& methods();

struct Results {
    std::vector<int> labels, draws;  // labels per class, and the draws of each
    Budget budget;
    MaskSpec mask;
    std::string plain_from, masked_from;  // where each pretrained AE came from
    // method id -> labels per class -> test accuracy of each draw
    std::map<std::string, std::map<size_t, std::vector<double>>> acc;
    // labels per class -> method id -> its training curve (first draw, trained methods)
    std::map<size_t, std::map<std::string, std::vector<CurvePoint>>> curves;
    void add(const std::string& id, size_t per_class, double accuracy) {
        acc[id][per_class].push_back(accuracy);
    }
    // "scratch 0.61 | probe (plain AE) 0.55 | ..." for draw d at per_class labels
    std::string draw_line(size_t per_class, size_t d) const;
};

// Prints the table and what wins (next to the README's ranges when default_run: full data,
// default flags), writes every picture and file into opt.out.
void report(const Options& opt, bool default_run, const DataSplit& data, l02::Autoencoder& plain,
            l02::Autoencoder& masked, const Results& r, const Timer& total);

}  // namespace ae::l09
