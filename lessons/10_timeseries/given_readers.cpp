// Lesson 10, what the lesson gives you to read real series (declared in lesson.hpp): the UCR
// archive's text format (a class label, then the values of one series, per line) and one column
// of a CSV file, each number checked, errors naming the file and line; then either put in place
// of the synthetic ECG (UCR: normal rows split 60/20/20, the other classes as anomalies).
// Used by: ./workshop run 10 --ucr FILE | --csv FILE --column NAME
#include <algorithm>
#include <climits>
#include <cmath>
#include <fstream>
#include <sstream>

#include "ae/error.hpp"
#include "ae/io.hpp"
#include "lesson.hpp"

namespace ae::l10 {

namespace {

// What the readers take, at most: enough for the UCR archive's data sets and long recordings,
// and small enough that a damaged or wrong file fails here, not after minutes of training and
// drawing (one picture per class, each series drawn whole).
constexpr size_t kMaxSeries = 200000, kMaxSeriesLength = 20000, kMaxClasses = 60;
constexpr size_t kMaxSignal = 20000000;  // values of one CSV column

std::string where(const std::string& path, size_t line) {
    return path + ", line " + std::to_string(line) + ": ";
}

// A token as a message shows it: at most 40 characters (a damaged file can hold megabytes).
std::string shown(const std::string& tok) {
    return tok.size() <= 40
               ? tok
               : tok.substr(0, 40) + "... (" + std::to_string(tok.size()) + " characters)";
}

// One number of a text file, all of the token, finite (as a float too, for the series' values:
// they are floats; a class label is checked against the int range by its caller instead).
double parse_number(const std::string& tok, const std::string& at, const std::string& what,
                    bool as_float = true) {
    char* end = nullptr;
    const double v = std::strtod(tok.c_str(), &end);
    if (tok.empty() || end != tok.c_str() + tok.size())
        throw DataError(at + "expected a number for " + what + ", found \"" + shown(tok) + "\"");
    if (!std::isfinite(v))
        throw DataError(at + what + " is \"" + shown(tok) +
                        "\" (NaN or inf): fill or drop the missing values first");
    if (as_float && !std::isfinite(static_cast<float>(v)))
        throw DataError(at + what + " is \"" + shown(tok) +
                        "\", beyond the float range (about 3.4e38) the lesson computes in: "
                        "rescale the data");
    return v;
}

std::vector<std::string> split(const std::string& line, bool commas_only) {
    std::vector<std::string> out;
    std::string cur;
    bool any = false;
    for (char ch : line) {
        const bool sep = ch == ',' || (!commas_only && (ch == ' ' || ch == '\t' || ch == '\r'));
        if (sep) {
            if (!cur.empty() || (commas_only && ch == ',')) out.push_back(cur);
            cur.clear();
            any = ch == ',';
        } else {
            cur += ch;
            any = false;
        }
    }
    if (!cur.empty() || any) out.push_back(cur);
    return out;
}

std::string trim(std::string s) {
    const auto a = s.find_first_not_of(" \t\r\""), b = s.find_last_not_of(" \t\r\"");
    return a == std::string::npos ? "" : s.substr(a, b - a + 1);
}

}  // namespace

UcrData read_ucr(const std::string& path) {
    input_file_size(path, "UCR time-series file");
    std::ifstream in(path);
    if (!in) throw DataError(path + ": cannot be opened");
    std::vector<std::vector<float>> rows;
    UcrData d;
    std::string line;
    for (size_t no = 1; std::getline(in, line); ++no) {
        const std::vector<std::string> tok = split(line, false);
        if (tok.empty()) continue;  // blank lines (often one at the end)
        const std::string at = where(path, no);
        if (tok.size() < 3)
            throw DataError(at + "expected a class label and at least 2 values, found " +
                            std::to_string(tok.size()) + " field(s)");
        const double label = parse_number(tok[0], at, "the class label (first field)", false);
        if (label != std::round(label))
            throw DataError(at + "the class label \"" + shown(tok[0]) + "\" is not a whole number");
        if (!(label >= INT_MIN && label <= INT_MAX))
            throw DataError(at + "the class label \"" + shown(tok[0]) +
                            "\" is beyond the labels this reader takes (" +
                            std::to_string(INT_MIN) + " to " + std::to_string(INT_MAX) + ")");
        if (tok.size() - 1 > kMaxSeriesLength)
            throw DataError(at + std::to_string(tok.size() - 1) +
                            " values in one series, at most " + std::to_string(kMaxSeriesLength) +
                            " are taken");
        if (rows.size() == kMaxSeries)
            throw DataError(at + "more than " + std::to_string(kMaxSeries) +
                            " series, the most this lesson takes: use a subset of the file");
        std::vector<float> row;
        for (size_t i = 1; i < tok.size(); ++i)
            row.push_back(float(parse_number(tok[i], at, "value " + std::to_string(i))));
        if (!rows.empty() && row.size() != rows[0].size())
            throw DataError(at + "expected " + std::to_string(rows[0].size()) +
                            " values like the first series, found " + std::to_string(row.size()));
        rows.push_back(std::move(row));
        d.label.push_back(int(label));
    }
    if (rows.empty()) throw DataError(path + ": empty file, no series in it");
    d.x = Matrix({rows.size(), rows[0].size()});
    for (size_t i = 0; i < rows.size(); ++i)
        for (size_t j = 0; j < rows[0].size(); ++j) d.x(i, j) = rows[i][j];
    return d;
}

std::vector<double> read_csv_column(const std::string& path, const std::string& column) {
    input_file_size(path, "CSV file");
    std::ifstream in(path);
    if (!in) throw DataError(path + ": cannot be opened");
    std::string line;
    if (!std::getline(in, line) || trim(line).empty())
        throw DataError(path + ": empty file, expected a header line naming the columns");
    const std::vector<std::string> header = split(line, true);
    size_t col = header.size();
    for (size_t i = 0; i < header.size(); ++i)
        if (trim(header[i]) == column) col = i;
    if (col == header.size()) {
        std::string names;
        for (const auto& h : header) names += (names.empty() ? "" : ", ") + shown(trim(h));
        if (names.size() > 400) names = names.substr(0, 400) + "...";
        throw DataError(path + ": no column \"" + shown(column) + "\" (the header has: " + names +
                        ")");
    }
    std::vector<double> v;
    for (size_t no = 2; std::getline(in, line); ++no) {
        if (trim(line).empty()) continue;
        const std::vector<std::string> f = split(line, true);
        const std::string at = where(path, no);
        if (f.size() <= col)
            throw DataError(at + "expected at least " + std::to_string(col + 1) +
                            " fields (column \"" + column + "\"), found " +
                            std::to_string(f.size()));
        if (v.size() == kMaxSignal)
            throw DataError(at + "more than " + std::to_string(kMaxSignal) +
                            " values, the most this lesson takes: use a part of the recording");
        v.push_back(parse_number(trim(f[col]), at, "column \"" + column + "\""));
    }
    if (v.size() < 2)
        throw DataError(path + ": column \"" + column + "\" has " + std::to_string(v.size()) +
                        " value(s), a signal needs at least 2");
    return v;
}

void use_ucr(Data& d, const std::string& path, int normal_class, uint64_t seed) {
    const UcrData u = read_ucr(path);
    std::vector<size_t> normal;
    std::vector<int> classes;
    for (size_t i = 0; i < u.label.size(); ++i) {
        if (u.label[i] == normal_class)
            normal.push_back(i);
        else if (std::find(classes.begin(), classes.end(), u.label[i]) == classes.end())
            classes.push_back(u.label[i]);
    }
    if (normal.size() < 10)
        throw DataError(path + ": " + std::to_string(normal.size()) +
                        " series of the normal class " + std::to_string(normal_class) +
                        ", at least 10 needed (--normal-class)");
    if (classes.empty())
        throw DataError(path + ": every series is of the normal class " +
                        std::to_string(normal_class) +
                        ", so there is no anomaly to detect: use a file with other classes too, "
                        "or another --normal-class");
    if (classes.size() + 1 > kMaxClasses)
        throw DataError(path + ": " + std::to_string(classes.size() + 1) + " classes, at most " +
                        std::to_string(kMaxClasses) +
                        " are taken (one picture each): is the first field the class label?");
    std::sort(classes.begin(), classes.end());
    Rng rng(seed);
    const std::vector<size_t> p = rng.permutation(normal.size());
    const size_t a = normal.size() * 6 / 10, b = normal.size() * 8 / 10;
    std::vector<size_t> tr, va, te;
    for (size_t i = 0; i < p.size(); ++i) (i < a ? tr : i < b ? va : te).push_back(normal[p[i]]);
    d.beats_kind.assign(te.size(), Normal);
    d.kind_names = {"class " + std::to_string(normal_class) + " (normal)"};
    for (size_t c = 0; c < classes.size(); ++c) {
        d.kind_names.push_back("class " + std::to_string(classes[c]));
        for (size_t i = 0; i < u.label.size(); ++i)
            if (u.label[i] == classes[c]) te.push_back(i), d.beats_kind.push_back(int(c + 1));
    }
    d.beats_train = gather_rows(u.x, tr), d.beats_val = gather_rows(u.x, va);
    d.beats_test = gather_rows(u.x, te);
    d.beats_source = path + " (UCR format, normal class " + std::to_string(normal_class) + ")";
}

void check_data(const Data& d, size_t window) {
    if (std::none_of(d.beats_kind.begin(), d.beats_kind.end(), [](int k) { return k != Normal; }))
        throw DataError(d.beats_source +
                        ": the test beats hold no anomaly, so there is nothing "
                        "to detect: raise --anomaly-rate or --minutes");
    const std::pair<const char*, const std::vector<double>*> parts[] = {
        {"training", &d.long_train}, {"validation", &d.long_val}, {"test", &d.long_test}};
    for (const auto& [name, part] : parts)
        if (part->size() < window)
            throw DataError(d.long_source + ": its " + name + " part has " +
                            std::to_string(part->size()) + " values, shorter than one window (" +
                            std::to_string(window) +
                            "): use a longer signal or a smaller --window");
}

void use_csv(Data& d, const std::string& path, const std::string& column) {
    const std::vector<double> v = read_csv_column(path, column);
    const size_t a = v.size() * 4 / 10, b = v.size() / 2;
    d.long_train.assign(v.begin(), v.begin() + long(a));
    d.long_val.assign(v.begin() + long(a), v.begin() + long(b));
    d.long_test = v, d.step_kind.clear(), d.events.clear();
    d.long_source = path + ", column " + column + " (unlabelled)";
}

}  // namespace ae::l10
