// The record that ./workshop check reads (scripts/check-steps.py): with AE_STEP_RECORD set, the
// steps reporter (tests/doctest_main.cpp) writes one JSON object per line to that file, flushed
// as it goes: a line per test case as it starts (so a crash can be traced to its case), a line
// per step at the end, then {"end": true} last. A run that stopped early has no end line.
#pragma once
#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

namespace ae_test {

class StepRecord {
  public:
    StepRecord() {
        const char* path = std::getenv("AE_STEP_RECORD");
        if (path && *path) file_ = std::fopen(path, "w");
    }
    ~StepRecord() {
        if (file_) std::fclose(file_);
    }
    StepRecord(const StepRecord&) = delete;
    StepRecord& operator=(const StepRecord&) = delete;
    explicit operator bool() const { return file_ != nullptr; }

    // One object of string fields: {"case": "...", "step": "2"}.
    void line(const std::vector<std::pair<std::string, std::string>>& fields) {
        if (!file_) return;
        std::string text = "{";
        for (const auto& f : fields)
            text += (text.size() > 1 ? ", " : "") + json(f.first) + ": " + json(f.second);
        text += "}\n";
        std::fputs(text.c_str(), file_);
        std::fflush(file_);
    }
    // The last line: everything before it is complete.
    void end() {
        if (!file_) return;
        std::fputs("{\"end\": true}\n", file_);
        std::fclose(file_);
        file_ = nullptr;
    }

  private:
    std::FILE* file_ = nullptr;

    static std::string json(const std::string& text) {
        std::string r = "\"";
        for (unsigned char ch : text) {
            if (ch == '"' || ch == '\\') {
                r += '\\', r += char(ch);
            } else if (ch < 0x20) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\u%04x", ch);
                r += buf;
            } else {
                r += char(ch);
            }
        }
        return r + "\"";
    }
};

}  // namespace ae_test
