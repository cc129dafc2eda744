// Common flags, --help and the error-to-exit-code mapping (see ae/cli.hpp).
#include "ae/cli.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <stdexcept>
#include <utility>

#include "ae/cleanup.hpp"
#include "ae/device.hpp"
#include "ae/error.hpp"
#include "ae/linalg.hpp"
#include "ae/io.hpp"
#include "ae/progress.hpp"
#include "ae/training.hpp"

namespace ae {

Options lesson_defaults(int epochs, int quick_epochs, int batch_size, int latent, float lr) {
    Options o;
    o.epochs = epochs, o.quick_epochs = quick_epochs, o.batch_size = batch_size;
    o.latent = latent, o.lr = lr;
    return o;
}

DataRequest Options::data_request() const {
    DataRequest r;
    r.dir = data_dir;
    r.sample = quick;
    r.max_train = train_limit;
    return r;
}

namespace {

// The name every numeric flag's check carries, so CommandLine::parse can prove each has one.
const std::string kNumberCheck = "ae-number";

// A value shown in a message: at most 40 characters (a flag can be megabytes long).
std::string shown(const std::string& text) {
    return text.size() <= 40
               ? text
               : text.substr(0, 40) + "... (" + std::to_string(text.size()) + " characters)";
}

// The text of a flag's value as a number, or false: the whole text must be the number.
bool flag_parse_whole(const std::string& text, long long& value) {
    if (text.empty() || std::isspace(static_cast<unsigned char>(text[0]))) return false;
    errno = 0;
    char* end = nullptr;
    value = std::strtoll(text.c_str(), &end, 10);
    return errno == 0 && end == text.c_str() + text.size();
}

// The same for a real number; NaN, inf and values beyond double are refused here.
bool flag_parse_real(const std::string& text, double& value) {
    if (text.empty() || std::isspace(static_cast<unsigned char>(text[0]))) return false;
    errno = 0;
    char* end = nullptr;
    value = std::strtod(text.c_str(), &end);
    return errno == 0 && end == text.c_str() + text.size() && std::isfinite(value);
}

// A bound as people write it: 0.99, 1e-04, 100000 (never 309 digits).
std::string bound(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
}

// --train-limit: 0 (all) or enough images for every lesson's baselines (PCA with 100
// components, 10 classes, one-class subsets): from kMinTrainImages on.
constexpr long long kMinTrainImages = 1000;
CLI::Validator flag_train_limit() {
    return CLI::Validator(
        [](std::string& text) -> std::string {
            long long v = 0;
            if (flag_parse_whole(text, v) && (v == 0 || (v >= kMinTrainImages && v <= 1000000000)))
                return "";
            return "got " + shown(text) +
                   ", expected 0 (all training images) or a whole number from " +
                   std::to_string(kMinTrainImages) +
                   " to 1000000000 (fewer images cannot fill every lesson's baselines)";
        },
        "0 or " + std::to_string(kMinTrainImages) + "..", kNumberCheck);
}

// A seed: any whole number from 0 to 2^64 - 1.
CLI::Validator flag_seed() {
    return CLI::Validator(
        [](std::string& text) -> std::string {
            errno = 0;
            char* end = nullptr;
            if (!text.empty() && std::isdigit(static_cast<unsigned char>(text[0]))) {
                std::strtoull(text.c_str(), &end, 10);
                if (errno == 0 && end == text.c_str() + text.size()) return "";
            }
            return "got " + shown(text) +
                   ", expected a whole number from 0 to 18446744073709551615";
        },
        "0..2^64-1", kNumberCheck);
}

// How many folders of dir do not exist yet (dir itself, then its parents): what creating it makes.
int missing_levels(const std::filesystem::path& dir) {
    int n = 0;
    std::error_code ec;
    for (std::filesystem::path p = dir; !p.empty() && !std::filesystem::exists(p, ec);
         p = p.parent_path()) {
        ++n;
        if (p == p.parent_path()) break;
    }
    return n;
}

// --out as an absolute path without a trailing separator (what the cleanup handler removes).
std::string out_path(const std::string& out) {
    std::error_code ec;
    std::filesystem::path p = std::filesystem::absolute(out, ec).lexically_normal();
    if (p.filename().empty()) p = p.parent_path();
    return p.string();
}

bool env_has_images(const std::filesystem::path& dir) {
    std::error_code ec;
    return std::filesystem::exists(dir / "train-images-idx3-ubyte.gz", ec) ||
           std::filesystem::exists(dir / "train-images-idx3-ubyte", ec);
}

}  // namespace

CLI::Validator whole_flag(long long lo, long long hi, const std::string& meaning) {
    return CLI::Validator(
        [=](std::string& text) -> std::string {
            long long v = 0;
            if (flag_parse_whole(text, v) && v >= lo && v <= hi) return "";
            return "got " + shown(text) + ", expected a whole number from " + std::to_string(lo) +
                   " to " + std::to_string(hi) + " (" + meaning + ")";
        },
        std::to_string(lo) + ".." + std::to_string(hi), kNumberCheck);
}

CLI::Validator real_flag(double lo, double hi, const std::string& meaning, Ends ends) {
    const bool open_lo = ends == Ends::OpenLow || ends == Ends::Open;
    const bool open_hi = ends == Ends::OpenHigh || ends == Ends::Open;
    const std::string range =
        (open_lo ? "(" : "[") + bound(lo) + ", " + bound(hi) + (open_hi ? ")" : "]");
    const auto inside = [=](double v) {
        return (open_lo ? v > lo : v >= lo) && (open_hi ? v < hi : v <= hi);
    };
    return CLI::Validator(
        [=](std::string& text) -> std::string {
            double v = 0;
            // The lessons keep most of these as floats: the float value must be in range too.
            if (flag_parse_real(text, v) && inside(v) && inside(static_cast<float>(v))) return "";
            return "got " + shown(text) + ", expected a finite number in " + range + " (" +
                   meaning + ")";
        },
        range, kNumberCheck);
}

CLI::Validator learning_rate_flag() {
    return real_flag(0, 1000, "a learning rate: finite, above 0", Ends::OpenLow);
}

std::string unchecked_numeric_flags(CLI::App& app) {
    std::string names;
    for (CLI::Option* o : app.get_options()) {
        const std::string type = o->get_type_name();
        const std::string base = type.substr(0, type.find(':'));
        if (base != "INT" && base != "UINT" && base != "FLOAT") continue;
        bool checked = false;
        try {
            checked = o->get_validator(kNumberCheck) != nullptr;
        } catch (const CLI::OptionNotFound&) {
        }
        if (!checked) names += (names.empty() ? "" : " ") + o->get_name();
    }
    return names;
}

namespace {
const char* const kExitCodes =
    "Exit codes: 0 ok, 1 error, 2 bad flag or exercise not written yet, 3 training diverged.";
}  // namespace

void CommandLine::without(std::initializer_list<const char*> flags, const std::string& footer) {
    for (const char* name : flags) {
        CLI::Option* o = app_.get_option_no_throw(name);
        if (!o) throw std::logic_error(std::string("CommandLine::without: no common flag ") + name);
        if (o == epochs_flag_) epochs_flag_ = nullptr;
        app_.remove_option(o);
    }
    if (!footer.empty()) app_.footer(footer + "\n" + kExitCodes);
}

CommandLine::CommandLine(const LessonInfo& info, Options defaults)
    : info_(info), opt_(std::move(defaults)), app_(info.title) {
    if (opt_.out.empty()) opt_.out = "out/" + info.folder;
    // Every flag, the lesson's own too, keeps its default's text: --help shows it and
    // changed_flags compares with it.
    app_.option_defaults()->always_capture_default();
    app_.footer(
        std::string(
            "Data: --data-dir, then $AE_DATA_DIR, then /usr/share/datasets/fashion-mnist, "
            "then the\ncommitted sample in data/. Pictures and summary.json go to --out.\n") +
        kExitCodes);
    // Every range below is one the programs can honour; each is checked before any data loads.
    epochs_flag_ = app_.add_option("--epochs", opt_.epochs, "passes over the training set")
                       ->check(whole_flag(0, 100000, "passes over the training set"));
    app_.add_option("--batch-size", opt_.batch_size, "examples per optimisation step")
        ->check(whole_flag(1, 1 << 20, "examples per optimisation step"));
    app_.add_option("--lr", opt_.lr, "learning rate")->check(learning_rate_flag());
    app_.add_option("--latent", opt_.latent, "size Z of the code (bottleneck)")
        ->check(whole_flag(
            1, opt_.max_latent,
            "the code cannot be wider than the input, D = " + std::to_string(opt_.max_latent)));
    app_.add_option("--seed", opt_.seed, "random seed (same seed, same run)")->check(flag_seed());
    app_.add_option("--data-dir", opt_.data_dir, "folder with the IDX files (default: search)");
    app_.add_option("--out", opt_.out, "output folder");
    app_.add_option("--device", opt_.device, "auto, cpu or cuda")
        ->check(CLI::IsMember({"auto", "cpu", "cuda"}));
    app_.add_option("--train-limit", opt_.train_limit,
                    "use only the first N training images (0 = all)")
        ->check(flag_train_limit());
    app_.add_flag("--quick", opt_.quick,
                  "small run on the committed data sample (" + std::to_string(opt_.quick_epochs) +
                      " epochs unless --epochs is given)");
    app_.add_flag("--no-progress", opt_.no_progress, "no progress bars");
    app_.add_flag_callback(
        "--verbose", [] { set_verbose(true); },
        "more detail, e.g. CUDA's own error text when no GPU is used (or AE_VERBOSE=1)");
}

namespace {

// A flag's value as written, or its default as CLI11 captured it ("[10,100,1000]" for a list),
// as its items: "10,100" and "[10,100]" both give {"10", "100"}.
std::vector<std::string> flag_items(std::string text) {
    if (text.size() >= 2 && text.front() == '[' && text.back() == ']')
        text = text.substr(1, text.size() - 2);
    std::vector<std::string> items;
    size_t start = 0;
    for (size_t comma; (comma = text.find(',', start)) != std::string::npos; start = comma + 1)
        items.push_back(text.substr(start, comma - start));
    if (!text.empty()) items.push_back(text.substr(start));
    return items;
}

// Two values of one flag are the same: as numbers when both are numbers, else as text.
bool same_flag_value(const std::string& a, const std::string& b) {
    double x = 0, y = 0;
    if (flag_parse_real(a, x) && flag_parse_real(b, y))
        return static_cast<float>(x) == static_cast<float>(y);  // lessons keep floats
    return a == b;
}

}  // namespace

std::vector<std::string> CommandLine::changed_flags() const {
    static const char* const kWhereOrHow[] = {"--out",         "--data-dir", "--device",
                                              "--no-progress", "--verbose",  "--save"};
    std::vector<std::string> changed;
    for (const CLI::Option* o : app_.get_options()) {
        const std::string name = o->get_name(false, true);
        if (o->count() == 0 || name.rfind("--", 0) != 0 || name == "--help") continue;
        if (std::find(std::begin(kWhereOrHow), std::end(kWhereOrHow), name) !=
            std::end(kWhereOrHow))
            continue;
        bool same = o->get_type_size() != 0;  // a flag without a value changes the run
        if (same) {
            std::vector<std::string> given;
            for (const std::string& r : o->results())
                for (std::string& item : flag_items(r)) given.push_back(std::move(item));
            const std::vector<std::string> fallback = flag_items(o->get_default_str());
            same = given.size() == fallback.size();
            for (size_t i = 0; same && i < given.size(); ++i)
                same = same_flag_value(given[i], fallback[i]);
        }
        if (!same) changed.push_back(name);
    }
    return changed;
}

int CommandLine::parse(int argc, char** argv) {
    // One mechanism for every numeric flag: a program that declared one without its range is a
    // programming error, found on its first run (every program's --quick runs in CI).
    if (const std::string bad = unchecked_numeric_flags(app_); !bad.empty())
        throw std::logic_error(
            "numeric flags without a range check (ae::whole_flag, "
            "ae::real_flag): " +
            bad);
    try {
        app_.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app_.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app_.exit(e);
    } catch (const CLI::ParseError& e) {
        std::cerr << "error: " << e.what() << "\n\n" << app_.help() << std::flush;
        return 2;
    }
    if (opt_.quick && (!epochs_flag_ || epochs_flag_->count() == 0))
        opt_.epochs = opt_.quick_epochs;
    if (opt_.no_progress) set_progress_enabled(false);
    if (const std::string notes = environment_notes(opt_); !notes.empty()) std::cout << notes;
    if (!app_.get_option_no_throw("--out")) return -1;  // a program that writes no files
    // Before any work: an --out that is a file or read-only fails now, not after training.
    const std::string out = out_path(opt_.out);
    const int made = missing_levels(out);
    try {
        check_writable_dir(opt_.out);
    } catch (const Error& e) {
        std::cerr << "error (--out): " << e.what() << "\n";
        return 1;
    }
    // Folders made here are removed again, while empty, when the run fails or is killed.
    note_created_dirs(out, made);
    if (!lock_dir(opt_.out)) {
        std::cerr << "error (--out): another run is writing to " << opt_.out
                  << " now (it holds the folder's lock). Wait for it to end, or give this run "
                     "another folder with --out DIR.\n";
        return 1;
    }
    // summary.json is written last, so it marks a complete run. A rerun removes the old one
    // first: a run killed early then leaves a folder without a summary (recognisably mixed),
    // never new files beside an old summary that does not describe them.
    std::error_code ec;
    std::filesystem::remove(std::filesystem::path(opt_.out) / "summary.json", ec);
    return -1;
}

std::string environment_notes(const Options& o) {
    const char* env = std::getenv("AE_DATA_DIR");
    if (!env || !*env || !o.data_dir.empty() || o.quick) return "";
    std::error_code ec;
    const std::filesystem::path dir(env);
    std::string why;
    if (!std::filesystem::exists(dir, ec))
        why = "it does not exist";
    else if (!std::filesystem::is_directory(dir, ec))
        why = "it is not a folder";
    else if (!env_has_images(dir))
        why = "it has no train-images-idx3-ubyte(.gz)";
    if (why.empty()) return "";
    return "note: AE_DATA_DIR=" + std::string(env) + " is ignored: " + why +
           ". Looking in the other places instead (--help: Data).\n";
}

int guarded_main(const std::function<int()>& body) {
    sleep_idle_blas_threads();  // may start this program again, with OpenBLAS told to sleep
    keep_freed_memory();
    install_cleanup_on_signals();  // a killed run leaves no temporaries (ae/cleanup.hpp)
    int rc = 1;
    try {
        rc = body();
    } catch (const NotImplemented& e) {
        std::cerr << "\n" << e.what() << "\n";
        rc = 2;
    } catch (const TrainingDiverged& e) {
        std::cerr << "\nerror: " << e.what() << "\n";
        rc = 3;
    } catch (const std::exception& e) {
        std::cerr << "\nerror: " << e.what() << "\n";
        rc = 1;
    }
    if (rc != 0) remove_created_dirs_if_empty();  // an early failure leaves no empty --out
    return rc;
}

}  // namespace ae
