// The command line every lesson program shares (--help on each), and guarded_main, which turns
// errors into clear messages and exit codes: 0 ok, 1 error, 2 usage or exercise not written
// yet, 3 training diverged.
#pragma once
#include <CLI/CLI.hpp>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <string>
#include <vector>

#include "ae/data.hpp"

namespace ae {

struct Options {
    int epochs = 10;
    int quick_epochs = 3;  // --quick uses this unless --epochs is given
    int batch_size = 256;
    float lr = 1e-3f;
    int latent = 32;
    uint64_t seed = 42;
    std::string data_dir;
    std::string out;  // default out/<lesson folder>
    std::string device = "auto";
    bool quick = false;
    bool no_progress = false;
    size_t train_limit = 0;  // 0 = all training images
    int max_latent = 784;    // --latent's upper bound: the input size D (28 x 28 pixels)

    DataRequest data_request() const;
};

// Every numeric flag of every program is declared with one of these checks (CommandLine::parse
// refuses to run a program with a numeric flag that has none): the whole text must be the
// number, finite (NaN and inf are refused), within the type (no overflow) and in [lo, hi].
// Otherwise CLI11 says "--flag: got VALUE, expected ... from LO to HI (meaning)" and the program
// exits 2 before any work. A list flag (--beta-sweep 1,2) checks each of its items.
CLI::Validator whole_flag(long long lo, long long hi, const std::string& meaning);
// Which ends of [lo, hi] a real flag accepts: Closed [lo, hi], OpenLow (lo, hi], OpenHigh
// [lo, hi), Open (lo, hi). The value must be in range as a float too (lessons store floats).
enum class Ends { Closed, OpenLow, OpenHigh, Open };
CLI::Validator real_flag(double lo, double hi, const std::string& meaning,
                         Ends ends = Ends::Closed);
// A learning rate: finite, above 0, at most 1000.
CLI::Validator learning_rate_flag();
// The numeric flags of app declared without one of the checks above, e.g. "--k --q"; empty when
// every one has its check (CommandLine::parse throws a logic error otherwise).
std::string unchecked_numeric_flags(CLI::App& app);

// A lesson's defaults: the Options above with these five set (what every lesson program picks).
Options lesson_defaults(int epochs, int quick_epochs, int batch_size, int latent, float lr = 1e-3f);

struct LessonInfo {
    std::string id;      // "01"
    std::string folder;  // "01_linear_pca"
    std::string title;   // one line for --help
};

// Adds the common flags to app. Lesson programs add their own flags before calling parse.
class CommandLine {
  public:
    CommandLine(const LessonInfo& info, Options defaults);
    CLI::App& app() { return app_; }
    Options& options() { return opt_; }
    // Parses argv and checks every flag's range before any work; then creates --out, proves it
    // can be written (ae::check_writable_dir), locks it for this process (ae::lock_dir) and
    // removes its old summary.json (written last, it marks a complete run). Returns -1 to go on,
    // or the exit code to return from main: 0 for --help, 2 for a bad flag (after the error and
    // the usage), 1 when --out cannot be written or another run holds it (after the reason).
    int parse(int argc, char** argv);
    // Takes common flags this program has no use for off its command line and its --help (a
    // benchmark's --epochs, lesson 12's image-data flags): given, they are refused as unknown
    // instead of silently ignored. Without --out, parse neither creates nor locks a folder. A
    // non-empty footer replaces --help's paragraph on the data (the exit codes stay). Call it
    // before parse; a name that is not a common flag is a programming error (std::logic_error).
    void without(std::initializer_list<const char*> flags, const std::string& footer = "");
    // After parse: the flags given with a value other than their default ("--epochs 5"; a
    // number is compared as a number, so "--lr 1e-3" is the default 0.001), leaving out those
    // that say where or how a run happens but not what it computes (--out, --data-dir, --device,
    // --no-progress, --verbose, --save). A flag without a value (--quick) counts when given.
    std::vector<std::string> changed_flags() const;
    // The run a lesson README's expected ranges are for: the full data and no changed flag.
    // A lesson adds its own conditions with && (a model trained here instead of loaded).
    bool default_run(const DataSplit& data) const {
        return !data.is_sample && changed_flags().empty();
    }

  private:
    LessonInfo info_;
    Options opt_;
    CLI::App app_;
    CLI::Option* epochs_flag_ = nullptr;
};

// Notes for the user about the environment, checked by CommandLine::parse: AE_DATA_DIR set to a
// folder without the data (ignored, and why) unless --data-dir is given. Empty when all is well.
std::string environment_notes(const Options& options);

// Runs body and maps exceptions to messages and exit codes (see top of file). Installs the
// SIGTERM/SIGINT handler that removes the run's temporaries; on a non-zero exit removes the --out
// folders CommandLine::parse made while they are still empty.
int guarded_main(const std::function<int()>& body);

// The device a lesson runs on: "cpu" or "cuda". Prints once why, when auto picks the CPU.
std::string resolve_device(const std::string& requested);

}  // namespace ae
