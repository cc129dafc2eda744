// The doctest main of the project, compiled once (ae_doctest_main) and linked into every doctest
// executable (the GPU tests and the fuzz replayers have mains of their own: ARCHITECTURE.md), and
// the `steps` reporter that `./workshop check NN` and `./workshop watch NN` use: one line per
// lesson step (passed, failed, not written yet), then what failed, in words. With AE_STEP_RECORD
// set it writes the same as JSON lines to that file instead (scripts/check-steps.py reads it).
//   build/bin/test_lesson_05 --reporters=steps          (doctest's own output: no --reporters)
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
// A crash is left to the sanitizers and the operating system: doctest's handler would report it
// from inside the signal handler (and print the run's summary as if it had finished).
#define DOCTEST_CONFIG_NO_POSIX_SIGNALS
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "step_record.hpp"

namespace {

// guarded_main starts a program again when OPENBLAS_THREAD_TIMEOUT is not set (ae/linalg.hpp,
// sleep_idle_blas_threads). A test that calls guarded_main must not start the whole test binary
// again in the middle of its run (its temporary folder would be left behind), so the variable is
// set as the binary starts; OpenBLAS, already loaded, keeps its default here, and the programs
// the tests start inherit it. The one exception is the child that the restart's own test
// (tests/common_linalg.cpp) starts with AE_TEST_BLAS_OUT set, to see the restart happen.
const bool kVariableSet =
    std::getenv("AE_TEST_BLAS_OUT") != nullptr || setenv("OPENBLAS_THREAD_TIMEOUT", "4", 0) == 0;

// One test case as the learner sees it: the step it belongs to and what went wrong.
struct CaseResult {
    std::string what;                   // "gradients match central differences"
    std::vector<std::string> messages;  // failures, in words
    std::string todo_function;          // set when it stopped at an unwritten stub
    std::string todo_where;             // "lessons/05_vae/exercise.cpp:12"
    std::string where;                  // the test: "tests/lesson_05_vae.cpp:149"
    bool failed = false;
};

struct StepResult {
    std::string lesson, id, function;  // "05", "1a", "reparameterize"
    std::vector<CaseResult> cases;
    int skipped = 0;  // cases filtered out (./workshop check NN S)
    // When every failing case stopped at an unwritten stub: the case that names this step's own
    // stub (the step is not written yet), else the first one (it waits for an earlier step).
    // nullptr when a case failed in another way.
    const CaseResult* waiting_for() const {
        const CaseResult* found = nullptr;
        for (const auto& c : cases) {
            if (!c.failed) continue;
            if (c.todo_function.empty() || !c.messages.empty()) return nullptr;
            if (!found || (c.todo_function == function && found->todo_function != function))
                found = &c;
        }
        return found;
    }
};

// "05 step 1a reparameterize: matches hand-computed values" -> lesson, step, function, what.
bool parse_name(const std::string& name, std::string& lesson, std::string& step,
                std::string& function, std::string& what) {
    static const std::regex re(R"(^(\d\d) step (\d+[a-z]?) ([^:]+): (.*)$)");
    std::smatch m;
    if (!std::regex_match(name, m, re)) return false;
    lesson = m[1], step = m[2], function = m[3], what = m[4];
    return true;
}

// Steps sort as numbers, then letters: 1, 1a, 1b, 2, 10.
bool step_less(const std::string& a, const std::string& b) {
    const long na = std::strtol(a.c_str(), nullptr, 10), nb = std::strtol(b.c_str(), nullptr, 10);
    return na != nb ? na < nb : a < b;
}

std::string str(const doctest::String& s) {
    return std::string(s.c_str(), s.size());
}

class StepsReporter : public doctest::IReporter {
  public:
    explicit StepsReporter(const doctest::ContextOptions& opt) : out_(*opt.cout) {}

    void report_query(const doctest::QueryData&) override {}
    void test_run_start() override {}
    void test_case_start(const doctest::TestCaseData& tc) override {
        current_ = &case_for(tc);
        record_case_start();
    }
    void test_case_reenter(const doctest::TestCaseData&) override {}
    void test_case_end(const doctest::CurrentTestCaseStats& st) override {
        if (current_ && !st.testCaseSuccess) current_->failed = true;
        current_ = nullptr;
    }
    void test_case_exception(const doctest::TestCaseException& e) override {
        if (!current_) return;
        const std::string msg = str(e.error_string);
        // doctest's placeholder for an exception that leaves a SUBCASE: the exception itself is
        // reported again once the test case has been left, and that report is the one to read.
        if (msg.rfind("exception thrown in subcase - will translate later", 0) == 0) return;
        current_->failed = true;
        if (note_todo(msg)) return;
        std::string text = (e.is_crash ? "crashed: " : "threw an exception: ") + msg;
        for (int i = 0; i < IReporter::get_num_stringified_contexts(); ++i)
            text += "\n" + str(IReporter::get_stringified_contexts()[i]);
        current_->messages.push_back(text);
    }
    void subcase_start(const doctest::SubcaseSignature&) override {}
    void subcase_end() override {}

    void log_assert(const doctest::AssertData& a) override {
        if (!a.m_failed || !current_) return;
        if (a.m_threw && note_todo(str(a.m_exception))) return;
        std::string text = contexts();
        if (a.m_threw) {
            text += (text.empty() ? "" : "\n") + std::string("threw an exception: ") +
                    str(a.m_exception);
        } else if (text.empty()) {
            // A bare check without a message: the expression is all there is to show.
            text = "check failed: " + std::string(a.m_expr);
            if (a.m_decomp.size() > 0) text += "  (values: " + str(a.m_decomp) + ")";
        }
        add_message(text, a.m_file, a.m_line);
    }
    void log_message(const doctest::MessageData& m) override {
        if (!current_ ||
            !(m.m_severity & (doctest::assertType::is_check | doctest::assertType::is_require)))
            return;
        const std::string ctx = contexts();
        add_message((ctx.empty() ? "" : ctx + "\n") + str(m.m_string), m.m_file, m.m_line);
    }
    void test_case_skipped(const doctest::TestCaseData& tc) override {
        std::string lesson, step, function, what;
        if (parse_name(tc.m_name, lesson, step, function, what))
            step_for(lesson, step, function).skipped++;
    }

    void test_run_end(const doctest::TestRunStats&) override {
        std::vector<StepResult*> order;
        for (auto& s : steps_) order.push_back(&s.second);
        std::sort(order.begin(), order.end(),
                  [](const StepResult* a, const StepResult* b) { return step_less(a->id, b->id); });
        if (record_) return record_run(order);
        size_t width = 0;
        for (auto* s : order) width = std::max(width, s->function.size());

        int ran = 0, passed = 0;
        std::vector<std::string> skipped;
        const StepResult* first_failed = nullptr;
        for (auto* s : order) {
            const std::string kind = kind_of(*s);
            if (kind == "not-run") skipped.push_back(s->id);
            if (kind != "not-run") ++ran;
            if (kind == "passed") ++passed;
            if (kind != "not-run" && kind != "passed" && !first_failed) first_failed = s;
            out_ << "  step " << pad(s->id, 3) << " " << pad(s->function, width) << "  "
                 << status_of(*s) << "\n";
        }
        out_ << "\n" << passed << " of " << ran << (ran == 1 ? " step passes" : " steps pass");
        if (!skipped.empty()) out_ << " (not run, as asked: steps " << join(skipped) << ")";
        out_ << ".\n";

        for (auto* s : order) report_failures(*s, out_);
        write_state(first_failed, ran > 0 && passed == ran && skipped.empty());
        if (first_failed)
            out_ << "\nStuck on step " << first_failed->id << "? ./workshop hint "
                 << first_failed->lesson << " " << first_failed->id
                 << "      (doctest's raw output: ./workshop check " << first_failed->lesson
                 << " --verbose)\n";
    }

  private:
    // An unwritten stub's exception (ae::NotImplemented, whether a check caught it or not):
    // remembers which function and where; true when msg was one.
    bool note_todo(const std::string& msg) {
        static const std::regex todo(R"(\[lesson \d\d\] (\w+)\(\) is not implemented yet\.)");
        static const std::regex where(R"(Write it at (\S+?:\d+))");
        std::smatch m;
        if (!std::regex_search(msg, m, todo)) return false;
        current_->failed = true;
        current_->todo_function = m[1];
        if (std::regex_search(msg, m, where)) current_->todo_where = m[1];
        return true;
    }

    std::ostream& out_;
    std::map<std::string, StepResult> steps_;  // by step id
    CaseResult* current_ = nullptr;
    const StepResult* current_step_ = nullptr;
    ae_test::StepRecord record_;  // AE_STEP_RECORD (tests/step_record.hpp)

    // passed, failed, todo (not written yet), waits (for an earlier step), not-run (filtered out).
    static std::string kind_of(const StepResult& s) {
        if (s.cases.empty()) return "not-run";
        if (std::none_of(s.cases.begin(), s.cases.end(),
                         [](const CaseResult& c) { return c.failed; }))
            return "passed";
        if (const CaseResult* w = s.waiting_for())
            return w->todo_function == s.function ? "todo" : "waits";
        return "failed";
    }
    static std::string status_of(const StepResult& s) {
        const std::string kind = kind_of(s);
        const size_t n = s.cases.size();
        const size_t bad = std::count_if(s.cases.begin(), s.cases.end(),
                                         [](const CaseResult& c) { return c.failed; });
        if (kind == "not-run") return "not run";
        if (kind == "passed") return "passed (" + plural(n, "test") + ")";
        const CaseResult* w = s.waiting_for();
        if (kind == "todo") return "not written yet (" + w->todo_where + ")";
        if (kind == "waits") return "waits for " + w->todo_function + "() (" + w->todo_where + ")";
        return "FAILED (" + std::to_string(bad) + " of " + plural(n, "test") + ")";
    }

    void record_case_start() {
        record_.line({{"case", current_->what},
                      {"step", current_step_->id},
                      {"function", current_step_->function},
                      {"where", current_->where}});
    }
    void record_run(const std::vector<StepResult*>& order) {
        for (auto* s : order) {
            std::ostringstream details;
            report_failures(*s, details);
            record_.line({{"step", s->id},
                          {"lesson", s->lesson},
                          {"function", s->function},
                          {"kind", kind_of(*s)},
                          {"status", status_of(*s)},
                          {"details", details.str()}});
        }
        record_.end();
    }

    StepResult& step_for(const std::string& lesson, const std::string& id, const std::string& fn) {
        StepResult& s = steps_[id];
        s.lesson = lesson, s.id = id;
        if (s.function.empty()) s.function = fn;
        return s;
    }
    CaseResult& case_for(const doctest::TestCaseData& tc) {
        std::string lesson, step, function, what;
        if (!parse_name(tc.m_name, lesson, step, function, what)) {
            // Not a lesson step (library tests): listed under its own name.
            StepResult& s = step_for("--", "0", "other tests");
            current_step_ = &s;
            s.cases.push_back({});
            s.cases.back().what = tc.m_name;
            return s.cases.back();
        }
        StepResult& s = step_for(lesson, step, function);
        current_step_ = &s;
        s.cases.push_back({});
        s.cases.back().what = what;
        s.cases.back().where = short_path(str(tc.m_file)) + ":" + std::to_string(tc.m_line);
        return s.cases.back();
    }
    static std::string contexts() {
        std::string text;
        for (int i = 0; i < IReporter::get_num_active_contexts(); ++i) {
            std::ostringstream s;
            IReporter::get_active_contexts()[i]->stringify(&s);
            text += (text.empty() ? "" : "\n") + s.str();
        }
        return text;
    }
    static std::string short_path(std::string path) {
        const auto pos = path.rfind("tests/");
        return pos == std::string::npos ? path : path.substr(pos);
    }
    void add_message(const std::string& text, const char* file, int line) {
        // A message repeated by a loop of checks is shown once; a check without any message
        // says where it is.
        const std::string full =
            text.rfind("check failed: ", 0) == 0
                ? text + "  (" + short_path(file ? file : "") + ":" + std::to_string(line) + ")"
                : text;
        for (const auto& m : current_->messages)
            if (m == full) return;
        current_->messages.push_back(full);
    }
    static void report_failures(const StepResult& s, std::ostream& out) {
        if (s.waiting_for()) return;  // the table line says it all
        for (const auto& c : s.cases) {
            if (!c.failed) continue;
            out << "\nstep " << s.id << " " << s.function << ": " << c.what << "   (" << c.where
                << ")\n";
            if (!c.todo_function.empty()) {
                if (c.todo_function == s.function)
                    out << "  not written yet: " << c.todo_function << "() at " << c.todo_where
                        << "\n";
                else
                    out << "  needs " << c.todo_function << "() first (not written yet, "
                        << c.todo_where << ")\n";
            }
            size_t shown = 0;
            for (const auto& m : c.messages) {
                if (++shown > 4) {
                    out << "  ... and " << (c.messages.size() - 4) << " more\n";
                    break;
                }
                out << indent(m) << "\n";
            }
        }
    }
    // The first failing step for `./workshop hint NN` without a step (AE_STEP_STATE names the
    // file).
    static void write_state(const StepResult* first_failed, bool all_passed) {
        const char* path = std::getenv("AE_STEP_STATE");
        if (!path || !*path) return;
        std::ofstream f(path);
        f << (first_failed ? first_failed->id : (all_passed ? "all-passed" : "")) << "\n";
    }
    static std::string indent(const std::string& text) {
        std::string r = "  ";
        for (char ch : text) r += ch == '\n' ? std::string("\n  ") : std::string(1, ch);
        return r;
    }
    static std::string pad(const std::string& s, size_t w) {
        return s.size() >= w ? s : s + std::string(w - s.size(), ' ');
    }
    static std::string plural(size_t n, const std::string& word) {
        return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
    }
    static std::string join(const std::vector<std::string>& v) {
        std::string r;
        for (const auto& s : v) r += (r.empty() ? "" : ", ") + s;
        return r;
    }
};

}  // namespace

REGISTER_REPORTER("steps", 1, StepsReporter);
