// A one-line progress bar on stderr for long loops, and a wall-clock timer.
// On a terminal it redraws in place; in a log (CI, a pipe) it prints only the final line.
#pragma once
#include <chrono>
#include <string>

namespace ae {

class Timer {
  public:
    Timer() : start_(std::chrono::steady_clock::now()) {}
    double seconds() const {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    }
    void reset() { start_ = std::chrono::steady_clock::now(); }

  private:
    std::chrono::steady_clock::time_point start_;
};

class Progress {
  public:
    Progress(std::string label, size_t total, bool enabled = true);
    // Advance by n steps; status is shown at the end of the line (e.g. "loss 0.0213").
    void tick(size_t n = 1, const std::string& status = "");
    // Print the final line (with status) and a newline.
    void finish(const std::string& status = "");

  private:
    void draw(const std::string& status, bool final);
    std::string label_;
    size_t total_, done_ = 0;
    bool enabled_, tty_, finished_ = false;
    Timer timer_;
    double last_draw_ = -1.0;
};

// Global switch: AE_NO_PROGRESS=1 or --no-progress turn every bar off.
void set_progress_enabled(bool enabled);
bool progress_enabled();

}  // namespace ae
