// Progress bar and global switch (see ae/progress.hpp).
#include "ae/progress.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>

namespace ae {
namespace {
bool& enabled_flag() {
    static bool on = [] {
        const char* env = std::getenv("AE_NO_PROGRESS");
        return !(env && *env && std::string(env) != "0");
    }();
    return on;
}
}  // namespace

void set_progress_enabled(bool enabled) {
    enabled_flag() = enabled;
}
bool progress_enabled() {
    return enabled_flag();
}

Progress::Progress(std::string label, size_t total, bool enabled)
    : label_(std::move(label)),
      total_(total),
      enabled_(enabled && progress_enabled()),
      tty_(::isatty(STDERR_FILENO) == 1) {}

void Progress::tick(size_t n, const std::string& status) {
    done_ += n;
    if (!enabled_ || !tty_) return;
    const double now = timer_.seconds();
    if (now - last_draw_ < 0.1 && done_ < total_) return;  // redraw at most 10 times a second
    last_draw_ = now;
    draw(status, false);
}

void Progress::finish(const std::string& status) {
    if (finished_) return;
    finished_ = true;
    if (enabled_ && tty_) draw(status, true);
}

void Progress::draw(const std::string& status, bool final) {
    constexpr int kWidth = 28;
    const double frac = total_ ? static_cast<double>(done_) / total_ : 1.0;
    const int filled = static_cast<int>(frac * kWidth);
    std::string bar(filled, '#');
    bar.append(kWidth - filled, '.');
    const double t = timer_.seconds();
    const double eta = frac > 0 ? t / frac - t : 0;
    std::fprintf(stderr, "\r%s [%s] %3.0f%% %5.1fs", label_.c_str(), bar.c_str(), 100 * frac, t);
    if (!final && frac < 1) std::fprintf(stderr, " (eta %4.1fs)", eta);
    if (!status.empty()) std::fprintf(stderr, "  %s", status.c_str());
    std::fprintf(stderr, "\033[K");  // clear the rest of the line
    if (final) {
        // The per-epoch log line follows on stdout, so erase the bar instead of keeping it.
        std::fprintf(stderr, "\r\033[K");
    }
    std::fflush(stderr);
}

}  // namespace ae
