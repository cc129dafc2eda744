// AE_TODO: the body of every exercise stub. It throws ae::NotImplemented with a message that
// names the lesson, the function and the exact place to write it; it never returns a dummy.
//   Matrix f(const Matrix& x) { AE_TODO("03", "f", x); }
#pragma once
#include <functional>
#include <initializer_list>
#include <string>

#include "ae/error.hpp"

namespace ae {

[[noreturn]] void throw_todo(const char* lesson, const char* function, const char* file, int line);

template <class... Args>
[[noreturn]] void todo(const char* lesson, const char* function, const char* file, int line,
                       const Args&...) {
    throw_todo(lesson, function, file, line);
}

// The one way a lesson program stops when an exercise is not written: before it loads data or
// trains, it calls each of the learner's functions on a toy input (one call per lambda, each
// with its own inputs, so that one unwritten step does not hide the next). Every stub reached
// is named in one ae::NotImplemented (exit 2 through guarded_main): the message of the stub
// when there is one, else "N functions of lesson NN are not written yet:" and each message.
void require_written(const char* lesson, std::initializer_list<std::function<void()>> calls);

}  // namespace ae

// The extra arguments are the stub's parameters: naming them keeps -Wunused quiet.
#define AE_TODO(lesson, function, ...) \
    ::ae::todo(lesson, function, __FILE__, __LINE__, ##__VA_ARGS__)
